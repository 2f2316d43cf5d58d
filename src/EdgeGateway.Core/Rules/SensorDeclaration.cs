using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>One sensor of the home as the rules know it.</summary>
public sealed record SensorDeclaration
{
    /// <summary>The sensor id used in readings, e.g. "front-door".</summary>
    public string Id { get; set; } = "";

    /// <summary>What it is.</summary>
    public SensorKind Kind { get; set; }
}
