namespace EdgeGateway.Centre.Archive;

/// <summary>What a heartbeat said (docs/schemas/heartbeat.schema.json).</summary>
/// <param name="BootId">The boot.</param>
/// <param name="Time">The gateway's wall clock.</param>
/// <param name="OutboxDepth">Events not yet acknowledged.</param>
/// <param name="ClockSynced">Whether its clock is synchronised.</param>
/// <param name="Interval">The interval it states, or null (older gateways: 60 s assumed).</param>
/// <param name="Json">The heartbeat as received.</param>
public sealed record HeartbeatInfo(Guid BootId, DateTimeOffset Time, long OutboxDepth, bool ClockSynced, TimeSpan? Interval, string Json);
