using System.Collections.Frozen;

namespace EdgeGateway.Core.Alarms;

/// <summary>Where an alarm is in its life.</summary>
public enum AlarmState
{
    /// <summary>Raised locally and sent; the centre has not confirmed it yet.</summary>
    Raised,

    /// <summary>The centre has stored it (its receipt ack): retransmission stops, but no person has accepted it yet.</summary>
    Delivered,

    /// <summary>A named person at the centre has accepted it (<c>alarm.acknowledge</c> with <c>by</c>): help is coming.</summary>
    Taken,

    /// <summary>Over: the condition ended, it was reset locally, or the centre cleared it. Final.</summary>
    Cleared,
}

/// <summary>What can happen to an alarm.</summary>
public enum AlarmTrigger
{
    /// <summary>The centre acked the alarm's event: it is stored there.</summary>
    Deliver,

    /// <summary>A named operator accepted it (the <c>alarm.acknowledge</c> command).</summary>
    Take,

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

/// <summary>The alarm lifecycle as one transition table: raised → delivered → taken → cleared.</summary>
public static class AlarmStateMachine
{
    // The whole lifecycle on one screen. Received is not taken on: the receipt ack only says a program stored the
    // alarm, so only a person's acknowledge command reaches Taken ("help is coming"). Take is legal straight from
    // Raised (the ack was lost, or the command overtook it). Repeated and late acks are legal and change nothing:
    // QoS 1 and centre retries deliver acks more than once, and an ack arriving after the take must not undo it.
    // Cleared is final.
    private static readonly FrozenDictionary<(AlarmState, AlarmTrigger), AlarmState> Transitions =
        new Dictionary<(AlarmState, AlarmTrigger), AlarmState>
        {
            [(AlarmState.Raised, AlarmTrigger.Deliver)] = AlarmState.Delivered,
            [(AlarmState.Raised, AlarmTrigger.Take)] = AlarmState.Taken,
            [(AlarmState.Raised, AlarmTrigger.Clear)] = AlarmState.Cleared,
            [(AlarmState.Delivered, AlarmTrigger.Deliver)] = AlarmState.Delivered,
            [(AlarmState.Delivered, AlarmTrigger.Take)] = AlarmState.Taken,
            [(AlarmState.Delivered, AlarmTrigger.Clear)] = AlarmState.Cleared,
            [(AlarmState.Taken, AlarmTrigger.Deliver)] = AlarmState.Taken,
            [(AlarmState.Taken, AlarmTrigger.Take)] = AlarmState.Taken,
            [(AlarmState.Taken, AlarmTrigger.Clear)] = AlarmState.Cleared,
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

/// <summary>The wire names of <see cref="AlarmState"/> (status replies, console), and the names older gateways used.</summary>
public static class AlarmStateNames
{
    /// <summary>The name a gateway before contract 1.2 used for any alarm the centre had acked.</summary>
    public const string LegacyAcknowledged = "acknowledged";

    /// <summary>The lower-case wire name: raised, delivered, taken or cleared.</summary>
    public static string ToWire(this AlarmState state) => state switch
    {
        AlarmState.Raised => "raised",
        AlarmState.Delivered => "delivered",
        AlarmState.Taken => "taken",
        AlarmState.Cleared => "cleared",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown alarm state"),
    };

    /// <summary>
    /// Reads a wire name; the legacy <c>acknowledged</c> reads as <see cref="AlarmState.Delivered"/>, because all an older
    /// gateway knew was that the centre had the alarm, not that a person had taken it.
    /// </summary>
    public static bool TryParse(string? name, out AlarmState state)
    {
        switch (name)
        {
            case "raised":
                state = AlarmState.Raised;
                return true;
            case "delivered" or LegacyAcknowledged:
                state = AlarmState.Delivered;
                return true;
            case "taken":
                state = AlarmState.Taken;
                return true;
            case "cleared":
                state = AlarmState.Cleared;
                return true;
            default:
                state = default;
                return false;
        }
    }
}

/// <summary>An alarm was asked to make a move its lifecycle does not allow.</summary>
public sealed class InvalidAlarmTransitionException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="state"/> and <paramref name="trigger"/>.</summary>
    public InvalidAlarmTransitionException(AlarmState state, AlarmTrigger trigger)
        : base($"cannot {trigger.ToString().ToLowerInvariant()} an alarm that is {state.ToWire()}")
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
