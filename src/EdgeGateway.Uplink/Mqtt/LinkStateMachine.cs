namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Which path carries events.</summary>
public enum LinkState
{
    /// <summary>The primary path (e.g. fiber) is healthy and carries events.</summary>
    Primary,

    /// <summary>The active path was lost; events go by whichever path comes up first.</summary>
    FailingOver,

    /// <summary>The primary is down; the secondary path (e.g. 4G) carries events.</summary>
    Secondary,

    /// <summary>The primary is back but must stay up for the fail-back hold before it carries events again; the secondary still does.</summary>
    FailingBack,
}

/// <summary>What happened to a path.</summary>
public enum LinkTrigger
{
    /// <summary>The primary connection dropped or stopped answering pings.</summary>
    PrimaryLost,

    /// <summary>The primary connected (birth published).</summary>
    PrimaryUp,

    /// <summary>The primary stayed up for the whole fail-back hold.</summary>
    PrimaryStable,

    /// <summary>The secondary connection dropped or stopped answering pings.</summary>
    SecondaryLost,

    /// <summary>The secondary connected.</summary>
    SecondaryUp,
}

/// <summary>An illegal move of the <see cref="LinkStateMachine"/>; names state and trigger.</summary>
public sealed class LinkTransitionException(LinkState state, LinkTrigger trigger)
    : InvalidOperationException($"uplink path state machine: trigger {trigger} is not allowed in state {state}")
{
    /// <summary>The state the machine was in.</summary>
    public LinkState State { get; } = state;

    /// <summary>The refused trigger.</summary>
    public LinkTrigger Trigger { get; } = trigger;
}

/// <summary>The dual-path state machine as one transition table: primary, failing over, secondary, failing back.</summary>
/// <remarks>Not thread-safe: the uplink serialises triggers under its own lock.</remarks>
public sealed class LinkStateMachine
{
    // Every legal move; anything else throws. A trigger that changes nothing (a secondary lost while the primary
    // carries events) is listed with the same state, so callers need not know which path is active.
    private static readonly Dictionary<(LinkState, LinkTrigger), LinkState> Table = new()
    {
        [(LinkState.Primary, LinkTrigger.PrimaryLost)] = LinkState.FailingOver,
        [(LinkState.Primary, LinkTrigger.SecondaryLost)] = LinkState.Primary,
        [(LinkState.Primary, LinkTrigger.SecondaryUp)] = LinkState.Primary,

        [(LinkState.FailingOver, LinkTrigger.PrimaryUp)] = LinkState.Primary,
        [(LinkState.FailingOver, LinkTrigger.SecondaryUp)] = LinkState.Secondary,
        [(LinkState.FailingOver, LinkTrigger.SecondaryLost)] = LinkState.FailingOver,

        [(LinkState.Secondary, LinkTrigger.PrimaryUp)] = LinkState.FailingBack,
        [(LinkState.Secondary, LinkTrigger.SecondaryLost)] = LinkState.FailingOver,

        [(LinkState.FailingBack, LinkTrigger.PrimaryStable)] = LinkState.Primary,
        [(LinkState.FailingBack, LinkTrigger.PrimaryLost)] = LinkState.Secondary,

        // The secondary died while the primary proves itself: the primary is the only path left, take it now.
        [(LinkState.FailingBack, LinkTrigger.SecondaryLost)] = LinkState.Primary,
    };

    /// <summary>Starts in <see cref="LinkState.FailingOver"/>: no path is known to work until one connects.</summary>
    public LinkState State { get; private set; } = LinkState.FailingOver;

    /// <summary>Whether <paramref name="trigger"/> is legal now.</summary>
    public bool CanFire(LinkTrigger trigger) => Table.ContainsKey((State, trigger));

    /// <summary>Moves by <paramref name="trigger"/>; returns the new state.</summary>
    /// <exception cref="LinkTransitionException">The trigger is not allowed in the current state.</exception>
    public LinkState Fire(LinkTrigger trigger)
    {
        if (!Table.TryGetValue((State, trigger), out var next))
        {
            throw new LinkTransitionException(State, trigger);
        }

        State = next;
        return next;
    }
}
