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

    /// <summary>Where it is in its lifecycle.</summary>
    public AlarmState State { get; private set; } = AlarmState.Raised;

    /// <summary>When the centre first acknowledged it.</summary>
    public EventTime? AcknowledgedAt { get; private set; }

    /// <summary>Who acknowledged it (operator or centre id).</summary>
    public string? AcknowledgedBy { get; private set; }

    /// <summary>When it was cleared.</summary>
    public EventTime? ClearedAt { get; private set; }

    /// <summary>Why it was cleared.</summary>
    public ClearReason? ClearReason { get; private set; }

    /// <summary>Records the centre's acknowledgement; a repeat changes nothing.</summary>
    /// <exception cref="InvalidAlarmTransitionException">The alarm is already cleared.</exception>
    public void Acknowledge(string by, EventTime at)
    {
        var next = AlarmStateMachine.Next(State, AlarmTrigger.Acknowledge);
        if (State == AlarmState.Raised)
        {
            AcknowledgedAt = at;
            AcknowledgedBy = by;
        }

        State = next;
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
