namespace EdgeGateway.Centre.Rollouts;

/// <summary>A home a rollout may reach: its gateway, its zone (null: none) and the release its last heartbeat said it runs (null: unknown).</summary>
/// <param name="Gateway">The gateway id.</param>
/// <param name="Zone">The home-care zone from its resident record, or null.</param>
/// <param name="Version">The running release (<c>states.version</c>), or null.</param>
public sealed record FleetHome(string Gateway, string? Zone, string? Version);
