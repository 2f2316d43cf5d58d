namespace EdgeGateway.Demo;

/// <summary>One expected observation, described for the closing summary.</summary>
internal sealed record Expectation(string Description, Observation Observation);
