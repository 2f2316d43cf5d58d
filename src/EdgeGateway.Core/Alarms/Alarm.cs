using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Alarms;

/// <summary>One alarm and its lifecycle; the raising event's id is the alarm's id.</summary>
public sealed class Alarm
{
    /// <summary>Creates a raised alarm for <paramref name="raisedBy"/>.</summary>
    public Alarm(CareEvent raisedBy)
    {
        ArgumentNullException.ThrowIfNull(raisedBy);
        if (raisedBy.Class != EventClass.Alarm)
        {
            throw new ArgumentException($"event {raisedBy.Id} of kind {raisedBy.Kind} is {raisedBy.Class}, not an alarm", nameof(raisedBy));
        }

        Event = raisedBy;
    }

    /// <summary>The alarm's id (the id of the event that raised it).</summary>
    public Guid Id => Event.Id;

    /// <summary>The event that raised it.</summary>
    public CareEvent Event { get; }

    /// <summary>True for an alarm that must not sound or light anything (the daily end-to-end test).</summary>
    public bool Silent { get; init; }

    /// <summary>Where it is in its lifecycle.</summary>
    public AlarmState State { get; private set; } = AlarmState.Raised;

    /// <summary>When the centre first acked its event (stored it).</summary>
    public EventTime? DeliveredAt { get; private set; }

    /// <summary>Which centre instance acked it first.</summary>
    public string? DeliveredBy { get; private set; }

    /// <summary>When a person first accepted it.</summary>
    public EventTime? TakenAt { get; private set; }

    /// <summary>Who accepted it (the operator named in <c>alarm.acknowledge</c>).</summary>
    public string? TakenBy { get; private set; }

    /// <summary>When it was cleared.</summary>
    public EventTime? ClearedAt { get; private set; }

    /// <summary>Why it was cleared.</summary>
    public ClearReason? ClearReason { get; private set; }

    /// <summary>Records the centre's receipt ack; a repeat, or one arriving after the take, changes nothing.</summary>
    /// <returns>True when this moved the alarm (its first delivery, while still raised).</returns>
    /// <exception cref="InvalidAlarmTransitionException">The alarm is already cleared.</exception>
    public bool Deliver(string by, EventTime at)
    {
        var next = AlarmStateMachine.Next(State, AlarmTrigger.Deliver);
        if (DeliveredAt is null)
        {
            DeliveredAt = at;
            DeliveredBy = by;
        }

        var moved = next != State;
        State = next;
        return moved;
    }

    /// <summary>Records that <paramref name="by"/> accepted the alarm; a repeat keeps the first person.</summary>
    /// <returns>True when this moved the alarm (its first take).</returns>
    /// <exception cref="InvalidAlarmTransitionException">The alarm is already cleared.</exception>
    public bool Take(string by, EventTime at)
    {
        var next = AlarmStateMachine.Next(State, AlarmTrigger.Take);
        var moved = next != State;
        if (moved)
        {
            TakenAt = at;
            TakenBy = by;
        }

        State = next;
        return moved;
    }

    /// <summary>Clears the alarm.</summary>
    /// <exception cref="InvalidAlarmTransitionException">The alarm is already cleared.</exception>
    public void Clear(ClearReason reason, EventTime at)
    {
        State = AlarmStateMachine.Next(State, AlarmTrigger.Clear);
        ClearedAt = at;
        ClearReason = reason;
    }
}
