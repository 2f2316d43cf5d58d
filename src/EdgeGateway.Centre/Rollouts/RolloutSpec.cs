namespace EdgeGateway.Centre.Rollouts;

/// <summary>What an operator asked for when starting a rollout: fixed once stored.</summary>
/// <param name="Id">The rollout's id (sent to each gateway, which names it in its report).</param>
/// <param name="CreatedBy">Who started it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Release">The signed release.</param>
/// <param name="Waves">Cumulative percentages of the fleet, rising, the last 100 (e.g. 1, 5, 25, 100).</param>
/// <param name="Window">Local hours commands may be sent in, or null for any time.</param>
/// <param name="MaxFailures">Failed homes tolerated; one more halts the rollout.</param>
/// <param name="Soak">How long a wave must stay passed before the next starts.</param>
/// <param name="GateSeconds">The health gate each gateway runs the new release through.</param>
/// <param name="ReportTimeout">How long after accepting a home may take to report its outcome.</param>
/// <param name="Canaries">Gateways that go first, in wave 1.</param>
public sealed record RolloutSpec(
    string Id,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    RolloutRelease Release,
    IReadOnlyList<int> Waves,
    RolloutWindow? Window,
    int MaxFailures,
    TimeSpan Soak,
    int GateSeconds,
    TimeSpan ReportTimeout,
    IReadOnlyList<string> Canaries)
{
    /// <summary>The kind of rollout: a release (a config rollout is not built yet).</summary>
    public const string Kind = "release";

    /// <summary>The default report timeout: the gate plus 30 minutes for the download and the restart.</summary>
    public static TimeSpan DefaultReportTimeout(int gateSeconds) => TimeSpan.FromSeconds(gateSeconds) + TimeSpan.FromMinutes(30);
}
