namespace EdgeGateway.Centre.Rollouts;

/// <summary>A config change a rollout carries instead of a release: the <c>config.set</c> arguments sent to each home in the same waves.</summary>
/// <param name="ChangesJson">The <c>changes</c> object (config key → string, number or boolean), as JSON.</param>
/// <param name="Reason">Why, recorded in each home's config history; or null.</param>
public sealed record RolloutConfig(string ChangesJson, string? Reason);
