namespace EdgeGateway.Centre.Archive;

/// <summary>What one <see cref="GatewayUpdate"/> did.</summary>
/// <param name="Before">The gateway before it (null: first seen).</param>
/// <param name="After">The gateway after it, or null when it was ignored (a stale will, a replayed birth).</param>
public sealed record GatewayUpdateOutcome(GatewayRecord? Before, GatewayRecord? After);
