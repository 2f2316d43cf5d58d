using EdgeGateway.Uplink.Mqtt;

namespace EdgeGateway.Uplink.Tests;

public sealed class LinkStateMachineTests
{
    [Fact]
    public void Fails_over_and_back_through_the_documented_states()
    {
        var m = new LinkStateMachine();
        Assert.Equal(LinkState.FailingOver, m.State);
        Assert.Equal(LinkState.Primary, m.Fire(LinkTrigger.PrimaryUp));
        Assert.Equal(LinkState.Primary, m.Fire(LinkTrigger.SecondaryUp));
        Assert.Equal(LinkState.FailingOver, m.Fire(LinkTrigger.PrimaryLost));
        Assert.Equal(LinkState.Secondary, m.Fire(LinkTrigger.SecondaryUp));
        Assert.Equal(LinkState.FailingBack, m.Fire(LinkTrigger.PrimaryUp));
        Assert.Equal(LinkState.Primary, m.Fire(LinkTrigger.PrimaryStable));
    }

    [Fact]
    public void A_primary_that_drops_again_during_fail_back_leaves_events_on_the_secondary()
    {
        var m = new LinkStateMachine();
        m.Fire(LinkTrigger.SecondaryUp);
        m.Fire(LinkTrigger.PrimaryUp);
        Assert.Equal(LinkState.Secondary, m.Fire(LinkTrigger.PrimaryLost));
    }

    [Fact]
    public void Losing_the_secondary_during_fail_back_takes_the_primary_at_once()
    {
        var m = new LinkStateMachine();
        m.Fire(LinkTrigger.SecondaryUp);
        m.Fire(LinkTrigger.PrimaryUp);
        Assert.Equal(LinkState.Primary, m.Fire(LinkTrigger.SecondaryLost));
    }

    [Theory]
    [InlineData(LinkState.Primary, LinkTrigger.PrimaryUp)]
    [InlineData(LinkState.Primary, LinkTrigger.PrimaryStable)]
    [InlineData(LinkState.FailingOver, LinkTrigger.PrimaryStable)]
    [InlineData(LinkState.Secondary, LinkTrigger.SecondaryUp)]
    [InlineData(LinkState.Secondary, LinkTrigger.PrimaryStable)]
    [InlineData(LinkState.FailingBack, LinkTrigger.PrimaryUp)]
    public void An_illegal_move_throws_naming_state_and_trigger(LinkState state, LinkTrigger trigger)
    {
        var m = Reach(state);
        Assert.False(m.CanFire(trigger));
        var ex = Assert.Throws<LinkTransitionException>(() => m.Fire(trigger));
        Assert.Equal(state, ex.State);
        Assert.Equal(trigger, ex.Trigger);
        Assert.Contains(state.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(trigger.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(state, m.State);
    }

    private static LinkStateMachine Reach(LinkState state)
    {
        var m = new LinkStateMachine();
        switch (state)
        {
            case LinkState.Primary:
                m.Fire(LinkTrigger.PrimaryUp);
                break;
            case LinkState.Secondary:
                m.Fire(LinkTrigger.SecondaryUp);
                break;
            case LinkState.FailingBack:
                m.Fire(LinkTrigger.SecondaryUp);
                m.Fire(LinkTrigger.PrimaryUp);
                break;
        }

        Assert.Equal(state, m.State);
        return m;
    }
}
