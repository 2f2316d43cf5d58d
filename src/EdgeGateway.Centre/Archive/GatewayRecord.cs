namespace EdgeGateway.Centre.Archive;

/// <summary>The states a gateway can be in at the centre.</summary>
public static class GatewayStates
{
    /// <summary>Connected: status online and heartbeats on time.</summary>
    public const string Online = "online";

    /// <summary>Its last will (or goodbye) said offline.</summary>
    public const string Offline = "offline";

    /// <summary>No will, but the heartbeats stopped (frozen process, half-open link).</summary>
    public const string Silent = "silent";
}

/// <summary>The states of an alarm at the centre: raised → delivered (stored, acked) → taken (a named nurse) → cleared.</summary>
public static class AlarmStates
{
    /// <summary>Raised and not yet acknowledged to the gateway (the centre's own supervision alarms start here).</summary>
    public const string Raised = "raised";

    /// <summary>The centre has stored the gateway's event (the receipt ack).</summary>
    public const string Delivered = "delivered";

    /// <summary>A named operator has taken it on.</summary>
    public const string Taken = "taken";

    /// <summary>Closed, with a reason.</summary>
    public const string Cleared = "cleared";
}

/// <summary>Where an alarm at the centre came from.</summary>
public static class AlarmOrigins
{
    /// <summary>An alarm event of a gateway: take and clear are sent to the gateway as commands.</summary>
    public const string Gateway = "gateway";

    /// <summary>A technical event of a gateway the nurses must see (an uplink path lost); the gateway keeps no alarm for it, so take and clear stay at the centre.</summary>
    public const string Technical = "technical";

    /// <summary>The centre's own supervision (offline, silent, gaps, daily test).</summary>
    public const string Supervision = "supervision";
}

/// <summary>The centre's own alarm types (supervision); gateway alarms carry their CloudEvents type.</summary>
public static class SupervisionTypes
{
    /// <summary>The last will said offline and the gateway did not come back within the grace.</summary>
    public const string Offline = "supervision.gateway-offline";

    /// <summary>Heartbeats stopped without a will.</summary>
    public const string Silent = "supervision.gateway-silent";

    /// <summary>Events of one boot are missing (a gap in <c>sequence</c>).</summary>
    public const string SequenceGap = "supervision.sequence-gap";

    /// <summary>The daily test transmission did not arrive by its deadline.</summary>
    public const string DailyTestMissing = "supervision.daily-test-missing";
}

/// <summary>One gateway as the centre knows it.</summary>
/// <param name="Id">The gateway id.</param>
/// <param name="State">See <see cref="GatewayStates"/>.</param>
/// <param name="BootId">The boot last heard of.</param>
/// <param name="FirstSeen">When the centre first heard of it.</param>
/// <param name="StatusAt">When its last status message arrived.</param>
/// <param name="LastHeartbeatAt">When its last heartbeat arrived (centre time).</param>
/// <param name="Heartbeat">The last heartbeat as received (JSON), or null.</param>
/// <param name="HeartbeatInterval">The interval its heartbeat states (60 s when it states none).</param>
/// <param name="OutboxDepth">Outbox depth in the last heartbeat.</param>
/// <param name="ClockSynced">Clock sync in the last heartbeat.</param>
/// <param name="OfflineSince">When it went offline, while it is.</param>
/// <param name="LastEventAt">When its last event was stored.</param>
/// <param name="LastTestAt">When its last test transmission was stored.</param>
/// <param name="LastDailyTestAt">When its last periodic (daily) test transmission was stored.</param>
public sealed record GatewayRecord(
    string Id,
    string State,
    Guid? BootId,
    DateTimeOffset FirstSeen,
    DateTimeOffset? StatusAt,
    DateTimeOffset? LastHeartbeatAt,
    string? Heartbeat,
    TimeSpan HeartbeatInterval,
    long? OutboxDepth,
    bool? ClockSynced,
    DateTimeOffset? OfflineSince,
    DateTimeOffset? LastEventAt,
    DateTimeOffset? LastTestAt,
    DateTimeOffset? LastDailyTestAt)
{
    /// <summary>Each path's last status (two-path gateways; empty for one path), by name.</summary>
    public IReadOnlyList<GatewayPath> Paths { get; init; } = [];
}

/// <summary>The last status one path of a two-path gateway published on <c>…/status/{path}</c>: its birth, will or goodbye.</summary>
/// <param name="Name">The path: <c>primary</c> or <c>secondary</c>.</param>
/// <param name="Status"><see cref="GatewayStates.Online"/> (birth) or <see cref="GatewayStates.Offline"/> (will or goodbye).</param>
/// <param name="BootId">The boot that published it.</param>
/// <param name="StatusAt">When the centre received it.</param>
public sealed record GatewayPath(string Name, string Status, Guid BootId, DateTimeOffset StatusAt);

/// <summary>Whether the centre sees one path of a gateway up, as the API and the page show it (docs/operations.md, "Two paths").</summary>
public static class PathStates
{
    /// <summary>Its birth is the last word, the centre hears that path's broker, and the gateway has not reported the path down since.</summary>
    public const string Up = "up";

    /// <summary>Its will or goodbye came, or the gateway's last heartbeat (over the other path) says it is down.</summary>
    public const string Down = "down";

    /// <summary>The centre cannot hear the broker this path ends at (its own link is down), or the gateway is not online: no will could reach it.</summary>
    public const string Unknown = "unknown";
}

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

/// <summary>A supervision alarm to raise once: <paramref name="Key"/> is unique in the archive, so several centre instances raise it once.</summary>
/// <param name="Key">The de-duplication key naming the episode from what all instances agree on, e.g. <c>offline:gw-1:{offline since}</c>.</param>
/// <param name="Gateway">The gateway.</param>
/// <param name="Type">One of <see cref="SupervisionTypes"/>.</param>
/// <param name="Priority">SCAIP-style priority.</param>
/// <param name="Message">The line for the nurse.</param>
/// <param name="At">When the centre raised it.</param>
public sealed record SupervisionAlarm(string Key, string Gateway, string Type, int Priority, string Message, DateTimeOffset At);

/// <summary>An operator action, recorded under the operator's name.</summary>
/// <param name="At">When.</param>
/// <param name="Operator">Who.</param>
/// <param name="Action">take, clear, test, note.</param>
/// <param name="Gateway">The gateway concerned.</param>
/// <param name="Alarm">The alarm concerned.</param>
/// <param name="Command">The command id sent to the gateway, if any.</param>
/// <param name="Outcome">ok, error code, or no_reply.</param>
/// <param name="Detail">The gateway's reply (JSON) or the reason.</param>
public sealed record OperatorAction(DateTimeOffset At, string Operator, string Action, string? Gateway, Guid? Alarm, string? Command, string Outcome, string? Detail);

/// <summary>A message from a gateway that could not be used, kept with the reason for the technician.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="Topic">Where.</param>
/// <param name="Gateway">The gateway id in the topic, if any.</param>
/// <param name="Reason">What is wrong with it.</param>
/// <param name="Payload">The payload as text (bytes that are not UTF-8 replaced), at most 64 KiB.</param>
public sealed record RejectedMessage(DateTimeOffset At, string Topic, string? Gateway, string Reason, string Payload);

/// <summary>A note on an alarm.</summary>
/// <param name="Alarm">The alarm.</param>
/// <param name="At">When.</param>
/// <param name="Operator">Who wrote it.</param>
/// <param name="Text">What.</param>
public sealed record AlarmNote(Guid Alarm, DateTimeOffset At, string Operator, string Text);

/// <summary>Events missing from one boot: sequences <paramref name="First"/> to <paramref name="Last"/>.</summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="BootId">The boot.</param>
/// <param name="First">First missing sequence.</param>
/// <param name="Last">Last missing sequence.</param>
/// <param name="NextReceivedAt">When the event after the gap arrived (the gap is flagged a grace after this).</param>
public sealed record SequenceGap(string Gateway, Guid BootId, long First, long Last, DateTimeOffset NextReceivedAt);

/// <summary>What a heartbeat said (docs/schemas/heartbeat.schema.json).</summary>
/// <param name="BootId">The boot.</param>
/// <param name="Time">The gateway's wall clock.</param>
/// <param name="OutboxDepth">Events not yet acknowledged.</param>
/// <param name="ClockSynced">Whether its clock is synchronised.</param>
/// <param name="Interval">The interval it states, or null (older gateways: 60 s assumed).</param>
/// <param name="Json">The heartbeat as received.</param>
public sealed record HeartbeatInfo(Guid BootId, DateTimeOffset Time, long OutboxDepth, bool ClockSynced, TimeSpan? Interval, string Json);

/// <summary>What the archive made of one stored event.</summary>
/// <param name="IsNew">False when the event (source + id) was already recorded.</param>
/// <param name="Alarm">The alarm it opened or changed, if any.</param>
public sealed record RecordedEvent(bool IsNew, AlarmRecord? Alarm);

/// <summary>One recorded event, as the gains report counts it.</summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="Type">The CloudEvents type.</param>
/// <param name="ReceivedAt">When the centre stored it.</param>
public sealed record EventSummary(string Gateway, string Type, DateTimeOffset ReceivedAt);

/// <summary>
/// One status or heartbeat to record (see <see cref="IArchive.RecordGatewayUpdatesAsync"/>): a status when <see cref="Heartbeat"/>
/// is null, else a heartbeat.
/// </summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="At">When the centre received it (not when it was stored: a backlog must not move the deadline).</param>
/// <param name="State">A status's state (<c>online</c> or <c>offline</c>); ignored for a heartbeat.</param>
/// <param name="BootId">The boot it speaks for.</param>
/// <param name="Replayed">A retained status replayed by the broker: ignored when it is the birth of the boot already followed.</param>
/// <param name="Heartbeat">The heartbeat, or null for a status.</param>
public sealed record GatewayUpdate(string Gateway, DateTimeOffset At, string State, Guid BootId, bool Replayed, HeartbeatInfo? Heartbeat)
{
    /// <summary>A status message.</summary>
    public static GatewayUpdate Status(string gateway, string state, Guid bootId, bool replayed, DateTimeOffset at) => new(gateway, at, state, bootId, replayed, null);

    /// <summary>A heartbeat.</summary>
    public static GatewayUpdate Beat(string gateway, HeartbeatInfo heartbeat, DateTimeOffset at) =>
        new(gateway, at, GatewayStates.Online, (heartbeat ?? throw new ArgumentNullException(nameof(heartbeat))).BootId, false, heartbeat);
}

/// <summary>What one <see cref="GatewayUpdate"/> did.</summary>
/// <param name="Before">The gateway before it (null: first seen).</param>
/// <param name="After">The gateway after it, or null when it was ignored (a stale will, a replayed birth).</param>
public sealed record GatewayUpdateOutcome(GatewayRecord? Before, GatewayRecord? After);
