namespace EdgeGateway.Centre.Archive;

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
