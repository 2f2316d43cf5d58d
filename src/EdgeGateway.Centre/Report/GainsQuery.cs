namespace EdgeGateway.Centre.Report;

/// <summary>What the gains report covers and how it counts.</summary>
/// <param name="From">Start (inclusive).</param>
/// <param name="To">End (exclusive).</param>
/// <param name="Gateway">One home, or null for all.</param>
/// <param name="Zone">The zone weeks and nights are counted in.</param>
/// <param name="NightStart">Local start of a night.</param>
/// <param name="NightEnd">Local end of a night (next day).</param>
/// <param name="MinutesPerVisit">Minutes one night visit takes (hours saved = quiet nights × this).</param>
public sealed record GainsQuery(DateTimeOffset From, DateTimeOffset To, string? Gateway, TimeZoneInfo Zone, TimeOnly NightStart, TimeOnly NightEnd, double MinutesPerVisit)
{
    /// <summary>Only these homes (an operator's zones), or null for every home.</summary>
    public IReadOnlySet<string>? Only { get; init; }
}
