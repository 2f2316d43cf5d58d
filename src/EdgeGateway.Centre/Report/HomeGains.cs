namespace EdgeGateway.Centre.Report;

/// <summary>One home's figures: the whole span and each week.</summary>
/// <param name="Gateway">The home's gateway id.</param>
/// <param name="Total">The figures over the whole report.</param>
/// <param name="Weeks">The figures per ISO week.</param>
public sealed record HomeGains(string Gateway, GainsFigures Total, IReadOnlyList<WeekGains> Weeks);
