namespace EdgeGateway.Centre.Rollouts;

/// <summary>What starting a rollout came to: the stored rollout and its plan, a refusal naming the field, or one running already.</summary>
/// <param name="Rollout">The stored rollout; null when it was not started.</param>
/// <param name="Plan">Its homes by wave; empty when it was not started.</param>
/// <param name="Field">The request's field that was refused (<c>archive</c>, <c>waves</c>, <c>canaries</c>, …); null otherwise.</param>
/// <param name="Detail">Why it was refused, or the signature's verdict when it was started.</param>
/// <param name="Running">True when a rollout is running already (nothing was stored).</param>
public sealed record RolloutStartResult(RolloutRecord? Rollout, IReadOnlyList<RolloutHome> Plan, string? Field, string Detail, bool Running)
{
    /// <summary>One is running already: halt it first.</summary>
    public static RolloutStartResult AlreadyRunning { get; } = new(null, [], null, "a rollout is running already", true);

    /// <summary>Started and stored.</summary>
    public static RolloutStartResult Started(RolloutRecord rollout, IReadOnlyList<RolloutHome> plan, string verdict) => new(rollout, plan, null, verdict, false);

    /// <summary>Refused: <paramref name="field"/> is the request's field, <paramref name="detail"/> follows its name in a message.</summary>
    public static RolloutStartResult Refused(string field, string detail) => new(null, [], field, detail, false);
}
