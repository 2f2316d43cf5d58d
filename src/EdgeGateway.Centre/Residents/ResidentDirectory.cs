namespace EdgeGateway.Centre.Residents;

/// <summary>
/// Every home's zone and resident summary at one moment: what each list answer filters and decorates with, built once
/// for many requests (<see cref="ResidentBook.DirectoryAsync"/>) rather than opening every record per alarm shown.
/// </summary>
public sealed class ResidentDirectory
{
    private readonly IReadOnlyDictionary<string, (string? Zone, ResidentSummary? Summary)> _homes;

    internal ResidentDirectory(IReadOnlyDictionary<string, (string? Zone, ResidentSummary? Summary)> homes) => _homes = homes;

    /// <summary>No records at all.</summary>
    public static ResidentDirectory Empty { get; } = new(new Dictionary<string, (string?, ResidentSummary?)>());

    /// <summary>The zone of <paramref name="gateway"/>'s home, or null when it has no record or no zone.</summary>
    public string? ZoneOf(string gateway) => _homes.TryGetValue(gateway, out var home) ? home.Zone : null;

    /// <summary>The summary of <paramref name="gateway"/>'s resident, or null when there is no record (or it does not open).</summary>
    public ResidentSummary? SummaryOf(string gateway) => _homes.TryGetValue(gateway, out var home) ? home.Summary : null;

    /// <summary>
    /// Whether an operator given <paramref name="zones"/> (null: every zone) sees <paramref name="gateway"/>'s home. A home
    /// without a zone is seen only by operators without zones: a zone-bound nurse never sees a home nobody put in her zone.
    /// </summary>
    public bool Sees(IReadOnlySet<string>? zones, string? gateway) =>
        zones is null || (gateway is not null && ZoneOf(gateway) is { } zone && zones.Contains(zone));
}
