namespace EdgeGateway.Configuration;

/// <summary>The checks of a change beyond validation: <see cref="Trials"/> must pass; <see cref="Risks"/> pass only when the change is made knowingly.</summary>
public sealed record ConfigChecks
{
    /// <summary>Tries what the candidate needs of the machine (its data directory) before it is accepted.</summary>
    public IReadOnlyList<ConfigChangeCheck> Trials { get; init; } = [];

    /// <summary>Names each safety function the change takes away; such a change needs the author's "knowingly".</summary>
    public IReadOnlyList<ConfigChangeCheck> Risks { get; init; } = [];
}
