using System.Collections.Frozen;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Home-care zones (issue 29) as the accounts file, the CLI, the API and resident records write them: 1 to 40 characters
/// of a-z, 0-9 and '-', starting with a letter or digit, e.g. <c>north</c> or <c>oslo-sentrum</c>.
/// </summary>
public static class ZoneNames
{
    /// <summary>The word the CLI takes for "every zone"; reserved, so that no zone can be mistaken for it.</summary>
    public const string All = "all";

    private const int MaxLength = 40;

    /// <summary>Why <paramref name="zone"/> cannot be a zone, or null when it can.</summary>
    public static string? Validate(string zone)
    {
        if (zone is null || zone.Length is 0 or > MaxLength || !char.IsAsciiLetterLower(zone[0]) && !char.IsAsciiDigit(zone[0])
            || !zone.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return $"'{PrintableText.Of(zone ?? "")}' is not a valid zone: 1 to {MaxLength} characters of a-z, 0-9 and '-', starting with a letter or digit, e.g. north or oslo-sentrum";
        }

        // A zone called "all" would read as every zone on the command line.
        return zone == All ? $"'{All}' is not a valid zone: it means every zone" : null;
    }

    /// <summary>Reads a comma-separated list such as <c>north,oslo-sentrum</c> (spaces around each zone are ignored).</summary>
    /// <exception cref="FormatException">The list is empty or holds an invalid zone (<c>all</c> included); the message names it.</exception>
    public static IReadOnlySet<string> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var zones = new List<string>();
        foreach (var part in list.Split(','))
        {
            var zone = part.Trim();
            zones.Add(Validate(zone) is { } bad ? throw new FormatException(bad) : zone);
        }

        // Frozen: the accounts hand the set out, and no caller may change an operator's zones through it.
        return zones.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The comma-separated form written to the accounts file, sorted, e.g. <c>north,oslo-sentrum</c>.</summary>
    public static string Format(IEnumerable<string> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        return string.Join(",", zones.Order(StringComparer.Ordinal));
    }
}
