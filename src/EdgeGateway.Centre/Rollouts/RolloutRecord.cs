namespace EdgeGateway.Centre.Rollouts;

/// <summary>A rollout as stored: what was asked and where it stands.</summary>
/// <param name="Spec">What was asked.</param>
/// <param name="State">See <see cref="RolloutStates"/>.</param>
/// <param name="Wave">The current wave, 1-based.</param>
/// <param name="WavePassedAt">When every home of the current wave had passed (its soak runs from here), or null.</param>
/// <param name="HaltReason">Why it halted, or null.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
public sealed record RolloutRecord(RolloutSpec Spec, string State, int Wave, DateTimeOffset? WavePassedAt, string? HaltReason, DateTimeOffset UpdatedAt)
{
    /// <summary>The rollout's id.</summary>
    public string Id => Spec.Id;
}
