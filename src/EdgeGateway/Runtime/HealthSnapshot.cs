namespace EdgeGateway.Runtime;

/// <summary>What the running gateway says about itself in <c>DATA_DIR/health.json</c>; deploy/update.sh reads it to decide on rollback.</summary>
internal sealed record HealthSnapshot(bool Armed, string Version, bool UplinkConnected, long OutboxDepth, DateTimeOffset At);
