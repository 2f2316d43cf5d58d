namespace EdgeGateway.Demo;

/// <summary>What a scenario step can act on: the home, the clock (to skip quiet hours) and the tracker (to check).</summary>
internal sealed record DemoStage(SimulatedHome Home, ScenarioClock Clock, ExpectationTracker Tracker, DateTimeOffset Start, double FastSpeed)
{
    /// <summary>The duty nurse at the centre's page.</summary>
    public required DemoNurse Nurse { get; init; }
}
