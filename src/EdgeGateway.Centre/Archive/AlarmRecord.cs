namespace EdgeGateway.Centre.Archive;

/// <summary>One alarm's lifecycle.</summary>
/// <param name="Id">The id of the event that raised it (gateway alarms) or a new id (supervision alarms).</param>
/// <param name="Gateway">The gateway it concerns.</param>
/// <param name="Type">The CloudEvents type, or one of <see cref="SupervisionTypes"/>.</param>
/// <param name="Origin"><c>gateway</c> (an alarm event), <c>technical</c> (a technical event the nurses must see: a path lost) or <c>supervision</c>.</param>
/// <param name="State">See <see cref="AlarmStates"/>.</param>
/// <param name="Priority">SCAIP priority, 0 (highest) to 9.</param>
/// <param name="Message">The line for the nurse.</param>
/// <param name="Sensor">The sensor, when the event named one.</param>
/// <param name="RaisedAt">When it was raised (the event's own time for gateway alarms).</param>
/// <param name="ReceivedAt">When the centre had it (escalation counts from here).</param>
/// <param name="DeliveredAt">When the centre stored the gateway's event.</param>
/// <param name="TakenAt">When an operator took it.</param>
/// <param name="TakenBy">Who took it.</param>
/// <param name="ClearedAt">When it was cleared.</param>
/// <param name="ClearedBy">Who cleared it (null when the gateway cleared it locally).</param>
/// <param name="ClearReason">Why (e.g. <c>help given</c>, <c>no help needed</c>, <c>false alarm</c>).</param>
/// <param name="Escalation">0, or the escalation level 1–3 reached.</param>
/// <param name="EscalatedAt">When the last level was reached.</param>
public sealed record AlarmRecord(
    Guid Id,
    string Gateway,
    string Type,
    string Origin,
    string State,
    int Priority,
    string Message,
    string? Sensor,
    DateTimeOffset RaisedAt,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? TakenAt,
    string? TakenBy,
    DateTimeOffset? ClearedAt,
    string? ClearedBy,
    string? ClearReason,
    int Escalation,
    DateTimeOffset? EscalatedAt)
{
    /// <summary>Not yet cleared.</summary>
    public bool IsOpen => State != AlarmStates.Cleared;
}
