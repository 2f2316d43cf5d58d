namespace EdgeGateway.Centre.Report;

/// <summary>One ISO week of one home.</summary>
/// <param name="Week">The ISO week, e.g. 2026-W13.</param>
/// <param name="Start">Its start within the report (inclusive).</param>
/// <param name="End">Its end within the report (exclusive).</param>
/// <param name="Figures">Its figures.</param>
public sealed record WeekGains(string Week, DateTimeOffset Start, DateTimeOffset End, GainsFigures Figures);
