namespace EdgeGateway.Centre.Rollouts;

/// <summary>One home in a rollout.</summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="Zone">Its home-care zone (<c>none</c> without one), for the spread across waves.</param>
/// <param name="Wave">Its wave, 1-based.</param>
/// <param name="State">See <see cref="RolloutHomeStates"/>.</param>
/// <param name="Tries">Commands that could not be delivered (not sent, no reply) so far.</param>
/// <param name="SentAt">When it accepted the update, or null.</param>
/// <param name="DoneAt">When it passed or failed, or null.</param>
/// <param name="Reason">Why it failed, was deferred or passed without a command; or null.</param>
public sealed record RolloutHome(string Gateway, string Zone, int Wave, string State, int Tries, DateTimeOffset? SentAt, DateTimeOffset? DoneAt, string? Reason);
