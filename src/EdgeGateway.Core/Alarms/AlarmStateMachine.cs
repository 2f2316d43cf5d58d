using System.Collections.Frozen;

namespace EdgeGateway.Core.Alarms;

/// <summary>Where an alarm is in its life.</summary>
public enum AlarmState
{
    /// <summary>Raised locally and sent; nobody has answered yet.</summary>
    Raised,

    /// <summary>The centre has acknowledged it: help is on its way.</summary>
    Acknowledged,

    /// <summary>Over: the condition ended, it was reset locally, or the centre cleared it. Final.</summary>
    Cleared,
}

/// <summary>What can happen to an alarm.</summary>
public enum AlarmTrigger
{
    /// <summary>The centre acknowledged it.</summary>
    Acknowledge,

    /// <summary>It was cleared (condition ended, local reset or centre).</summary>
    Clear,
}

/// <summary>Who or what cleared an alarm.</summary>
public enum ClearReason
{
    /// <summary>The condition that raised it ended (door closed, resident back).</summary>
    ConditionEnded,

    /// <summary>Reset on site (button, technician).</summary>
    LocalReset,

    /// <summary>Cleared by the centre.</summary>
    Centre,
}

/// <summary>The alarm lifecycle as one transition table: raised → acknowledged → cleared.</summary>
public static class AlarmStateMachine
{
    // The whole lifecycle on one screen. A repeated acknowledgement is legal and changes nothing:
    // QoS 1 and centre retries deliver acks more than once. Cleared is final.
    private static readonly FrozenDictionary<(AlarmState, AlarmTrigger), AlarmState> Transitions =
        new Dictionary<(AlarmState, AlarmTrigger), AlarmState>
        {
            [(AlarmState.Raised, AlarmTrigger.Acknowledge)] = AlarmState.Acknowledged,
            [(AlarmState.Raised, AlarmTrigger.Clear)] = AlarmState.Cleared,
            [(AlarmState.Acknowledged, AlarmTrigger.Acknowledge)] = AlarmState.Acknowledged,
            [(AlarmState.Acknowledged, AlarmTrigger.Clear)] = AlarmState.Cleared,
        }.ToFrozenDictionary();

    /// <summary>The state after <paramref name="trigger"/> in <paramref name="state"/>.</summary>
    /// <exception cref="InvalidAlarmTransitionException">The move is not in the table.</exception>
    public static AlarmState Next(AlarmState state, AlarmTrigger trigger) =>
        Transitions.TryGetValue((state, trigger), out var next)
            ? next
            : throw new InvalidAlarmTransitionException(state, trigger);

    /// <summary>True when <paramref name="trigger"/> is allowed in <paramref name="state"/>.</summary>
    public static bool CanFire(AlarmState state, AlarmTrigger trigger) => Transitions.ContainsKey((state, trigger));
}

/// <summary>An alarm was asked to make a move its lifecycle does not allow.</summary>
public sealed class InvalidAlarmTransitionException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="state"/> and <paramref name="trigger"/>.</summary>
    public InvalidAlarmTransitionException(AlarmState state, AlarmTrigger trigger)
        : base($"cannot {trigger.ToString().ToLowerInvariant()} an alarm that is {state.ToString().ToLowerInvariant()}")
    {
        State = state;
        Trigger = trigger;
    }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidAlarmTransitionException() : base("invalid alarm transition") { }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidAlarmTransitionException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public InvalidAlarmTransitionException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The state the alarm was in.</summary>
    public AlarmState State { get; }

    /// <summary>The move that was refused.</summary>
    public AlarmTrigger Trigger { get; }
}
