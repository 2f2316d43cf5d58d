namespace EdgeGateway.Demo;

/// <summary>One scripted action at an offset from the scenario's start (wall time); optionally waits for an expectation before going on.</summary>
internal sealed record ScenarioStep(TimeSpan At, string Description, Action<DemoStage> Act, Expectation? WaitFor = null);
