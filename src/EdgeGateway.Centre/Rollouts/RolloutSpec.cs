namespace EdgeGateway.Centre.Rollouts;

/// <summary>What an operator asked for when starting a rollout: fixed once stored.</summary>
/// <param name="Id">The rollout's id (sent to each gateway, which names it in its report).</param>
/// <param name="CreatedBy">Who started it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Release">The signed release; null for a config rollout (<see cref="Config"/>).</param>
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
    RolloutRelease? Release,
    IReadOnlyList<int> Waves,
    RolloutWindow? Window,
    int MaxFailures,
    TimeSpan Soak,
    int GateSeconds,
    TimeSpan ReportTimeout,
    IReadOnlyList<string> Canaries)
{
    /// <summary>The config change a config rollout sends (<c>config.set</c>) instead of a release; null for a release.</summary>
    public RolloutConfig? Config { get; init; }

    /// <summary>The kind of rollout: <c>release</c> (an <c>update</c> command, passed on the home's report) or <c>config</c> (a <c>config.set</c>, passed on its ok reply).</summary>
    public string Kind => Release is null ? "config" : "release";

    /// <summary>What the rollout brings, for people: the release's version or "config change".</summary>
    public string What => Release?.Version ?? "config change";

    /// <summary>The default report timeout: the gate plus 30 minutes for the download and the restart.</summary>
    public static TimeSpan DefaultReportTimeout(int gateSeconds) => TimeSpan.FromSeconds(gateSeconds) + TimeSpan.FromMinutes(30);

    /// <summary>
    /// The one check of a rollout's numbers (the CLI and the page both start rollouts): the first problem as its field
    /// (<c>maxFailures</c>, <c>soakMinutes</c>, <c>gateSeconds</c>, <c>reportMinutes</c>) and what is wrong with the value,
    /// e.g. "20 is invalid: expected 30 to 3600"; null when all hold. The waves are <see cref="RolloutPlanner.CheckWaves"/>'s.
    /// </summary>
    public static (string Field, string Problem)? Check(int maxFailures, TimeSpan soak, int gateSeconds, TimeSpan report)
    {
        if (maxFailures < 0)
        {
            return ("maxFailures", $"{maxFailures} is invalid: expected 0 or more");
        }

        if (soak < TimeSpan.Zero || soak > TimeSpan.FromDays(7))
        {
            return ("soakMinutes", $"{(int)soak.TotalMinutes} is invalid: expected 0 to {7 * 24 * 60}");
        }

        if (gateSeconds is < 30 or > Contract.UpdateGateLimits.MaxSeconds)
        {
            // The gateways refuse a longer gate (UpdateGateLimits); shorter than 30 s leaves a 4G home no time to reach the centre.
            return ("gateSeconds", $"{gateSeconds} is invalid: expected 30 to {Contract.UpdateGateLimits.MaxSeconds}");
        }

        return report <= TimeSpan.FromSeconds(gateSeconds)
            ? ("reportMinutes", $"{(int)report.TotalMinutes} is invalid: expected more than the gate ({gateSeconds} s)")
            : null;
    }
}
