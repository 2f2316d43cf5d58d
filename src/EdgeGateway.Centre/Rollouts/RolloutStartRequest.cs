namespace EdgeGateway.Centre.Rollouts;

/// <summary>What a rollout is started with; each field is checked by the starter, which names it when it refuses one.</summary>
/// <param name="Archive">The archive's file name in the releases directory (<c>archive</c>).</param>
/// <param name="By">Who starts it, recorded (<c>by</c>).</param>
/// <param name="Waves">Cumulative percentages of the fleet per wave, rising to 100 (<c>waves</c>).</param>
/// <param name="Window">The local hours updates may be sent in; null for any time.</param>
/// <param name="MaxFailures">Failed homes tolerated (<c>maxFailures</c>).</param>
/// <param name="Soak">How long a wave stays passed before the next starts (<c>soakMinutes</c>).</param>
/// <param name="GateSeconds">The health gate each gateway runs the release through (<c>gateSeconds</c>).</param>
/// <param name="Report">How long an accepting home may take to report; null for the gate plus 30 minutes (<c>reportMinutes</c>).</param>
/// <param name="Canaries">The gateways that go first (<c>canaries</c>).</param>
public sealed record RolloutStartRequest(
    string Archive,
    string By,
    IReadOnlyList<int> Waves,
    RolloutWindow? Window,
    int MaxFailures,
    TimeSpan Soak,
    int GateSeconds,
    TimeSpan? Report,
    IReadOnlyList<string> Canaries);
