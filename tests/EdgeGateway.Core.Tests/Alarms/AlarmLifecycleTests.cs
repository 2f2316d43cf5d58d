using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Alarms;

public class AlarmLifecycleTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CareEventFactory _factory;

    public AlarmLifecycleTests() => _factory = new("home-1", _time, new FixedClockSyncStatus(true));

    private Alarm NewAlarm() => new(_factory.Create(CareEventKind.Fall, "wrist", "fall"));

    [Theory]
    [InlineData(AlarmState.Raised, AlarmTrigger.Deliver, AlarmState.Delivered)]
    [InlineData(AlarmState.Raised, AlarmTrigger.Take, AlarmState.Taken)]
    [InlineData(AlarmState.Raised, AlarmTrigger.Clear, AlarmState.Cleared)]
    [InlineData(AlarmState.Delivered, AlarmTrigger.Deliver, AlarmState.Delivered)]
    [InlineData(AlarmState.Delivered, AlarmTrigger.Take, AlarmState.Taken)]
    [InlineData(AlarmState.Delivered, AlarmTrigger.Clear, AlarmState.Cleared)]
    [InlineData(AlarmState.Taken, AlarmTrigger.Deliver, AlarmState.Taken)]
    [InlineData(AlarmState.Taken, AlarmTrigger.Take, AlarmState.Taken)]
    [InlineData(AlarmState.Taken, AlarmTrigger.Clear, AlarmState.Cleared)]
    public void Legal_transitions(AlarmState from, AlarmTrigger trigger, AlarmState to)
    {
        Assert.True(AlarmStateMachine.CanFire(from, trigger));
        Assert.Equal(to, AlarmStateMachine.Next(from, trigger));
    }

    [Theory]
    [InlineData(AlarmTrigger.Deliver, "cannot deliver an alarm that is cleared")]
    [InlineData(AlarmTrigger.Take, "cannot take an alarm that is cleared")]
    [InlineData(AlarmTrigger.Clear, "cannot clear an alarm that is cleared")]
    public void Cleared_is_final_and_the_error_names_state_and_trigger(AlarmTrigger trigger, string message)
    {
        var ex = Assert.Throws<InvalidAlarmTransitionException>(() => AlarmStateMachine.Next(AlarmState.Cleared, trigger));
        Assert.Equal(message, ex.Message);
        Assert.Equal(AlarmState.Cleared, ex.State);
        Assert.Equal(trigger, ex.Trigger);
    }

    [Fact]
    public void The_receipt_ack_makes_an_alarm_delivered_never_taken_and_only_a_person_takes_it()
    {
        var alarm = NewAlarm();
        Assert.Equal(AlarmState.Raised, alarm.State);
        var delivered = _factory.Now();
        Assert.True(alarm.Deliver("central-1", delivered));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(alarm.Deliver("central-2", _factory.Now()));
        Assert.Equal(AlarmState.Delivered, alarm.State);
        Assert.Equal("central-1", alarm.DeliveredBy);
        Assert.Equal(delivered, alarm.DeliveredAt);
        Assert.Null(alarm.TakenBy);

        _time.Advance(TimeSpan.FromSeconds(20));
        var taken = _factory.Now();
        Assert.True(alarm.Take("Nurse Berit", taken));
        Assert.False(alarm.Take("Nurse Anna", _factory.Now()));
        Assert.Equal(AlarmState.Taken, alarm.State);
        Assert.Equal("Nurse Berit", alarm.TakenBy);
        Assert.Equal(taken, alarm.TakenAt);

        alarm.Clear(ClearReason.Centre, _factory.Now());
        Assert.Equal(AlarmState.Cleared, alarm.State);
        Assert.Equal(ClearReason.Centre, alarm.ClearReason);
    }

    [Fact]
    public void A_take_before_the_ack_is_taken_and_the_late_ack_leaves_it_taken()
    {
        var alarm = NewAlarm();
        Assert.True(alarm.Take("Nurse Berit", _factory.Now()));
        Assert.False(alarm.Deliver("central-1", _factory.Now()));
        Assert.Equal(AlarmState.Taken, alarm.State);
        Assert.Equal("central-1", alarm.DeliveredBy);
        Assert.Equal("Nurse Berit", alarm.TakenBy);
    }

    [Fact]
    public void Taking_a_cleared_alarm_is_rejected_and_changes_nothing()
    {
        var alarm = NewAlarm();
        alarm.Clear(ClearReason.LocalReset, _factory.Now());
        var ex = Assert.Throws<InvalidAlarmTransitionException>(() => alarm.Take("nurse", _factory.Now()));
        Assert.Contains("take", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AlarmState.Cleared, alarm.State);
        Assert.Null(alarm.TakenBy);
    }

    [Theory]
    [InlineData("raised", AlarmState.Raised)]
    [InlineData("delivered", AlarmState.Delivered)]
    [InlineData("taken", AlarmState.Taken)]
    [InlineData("cleared", AlarmState.Cleared)]
    [InlineData("acknowledged", AlarmState.Delivered)]
    public void Wire_names_read_back_and_an_older_gateways_acknowledged_reads_as_delivered(string name, AlarmState state)
    {
        Assert.True(AlarmStateNames.TryParse(name, out var parsed));
        Assert.Equal(state, parsed);
        if (name != AlarmStateNames.LegacyAcknowledged)
        {
            Assert.Equal(name, state.ToWire());
        }
    }

    [Theory]
    [InlineData("Acknowledged")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_wire_names_are_refused(string? name) => Assert.False(AlarmStateNames.TryParse(name, out _));

    [Fact]
    public void Only_alarm_events_can_raise_an_alarm()
    {
        var info = _factory.Create(CareEventKind.FallCancelled, "wrist", "cancelled");
        var ex = Assert.Throws<ArgumentException>(() => new Alarm(info));
        Assert.Contains("not an alarm", ex.Message, StringComparison.Ordinal);
    }
}
