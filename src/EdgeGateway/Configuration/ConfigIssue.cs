using System.Globalization;

namespace EdgeGateway.Configuration;

/// <summary>One problem of a configuration file: where (key path, and line and column when the file gives them) and what.</summary>
/// <param name="Path">The dotted key as the file spells it (devices.contacts.0.pin); "" for the whole file.</param>
/// <param name="Line">The 1-based line in the file, when known.</param>
/// <param name="Column">The 1-based column (characters) in that line, when known.</param>
/// <param name="Problem">What was expected and what was found, in the technician's words (no .NET type names).</param>
public sealed record ConfigIssue(string Path, int? Line, int? Column, string Problem)
{
    /// <inheritdoc />
    public override string ToString() =>
        (Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {Column ?? 1}: ") : "")
        + (Path.Length > 0 ? $"{Path}: " : "")
        + Problem;
}
