namespace EdgeGateway.Centre.Report;

/// <summary>The whole gains report, as JSON (<see cref="GainsReport.WriteAsync"/>) and HTML (<see cref="GainsHtml"/>) show it.</summary>
/// <param name="Query">What it covers.</param>
/// <param name="Homes">Each home, ordered by gateway id.</param>
public sealed record GainsResult(GainsQuery Query, IReadOnlyList<HomeGains> Homes)
{
    /// <summary>How many of the homes have a resident record, in all and per home-care zone: counts only, never a name.</summary>
    public (int Recorded, IReadOnlyDictionary<string, int> ByZone) Residents { get; init; } = (0, new Dictionary<string, int>());
}
