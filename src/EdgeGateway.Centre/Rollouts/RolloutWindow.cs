using System.Globalization;

namespace EdgeGateway.Centre.Rollouts;

/// <summary>Local hours in which a rollout may send commands (<c>HH:MM-HH:MM</c> in the centre's zone; past midnight when the end is earlier).</summary>
/// <param name="From">The first minute commands may be sent.</param>
/// <param name="To">The first minute they may not any more.</param>
public sealed record RolloutWindow(TimeOnly From, TimeOnly To)
{
    /// <summary>Reads <c>HH:MM-HH:MM</c>.</summary>
    /// <exception cref="FormatException">Not two HH:MM times joined by '-', or both the same; the message says what was expected.</exception>
    public static RolloutWindow Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('-');
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !TimeOnly.TryParseExact(parts[1].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
        {
            throw new FormatException($"'{text}' is not a window HH:MM-HH:MM, e.g. 10:00-14:00");
        }

        return from == to ? throw new FormatException($"'{text}' is an empty window: start and end are the same") : new RolloutWindow(from, to);
    }

    /// <summary>Whether <paramref name="now"/> falls in the window, read as local time in <paramref name="zone"/>.</summary>
    public bool Contains(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        return From < To ? local >= From && local < To : local >= From || local < To;
    }

    /// <inheritdoc />
    public override string ToString() => $"{From.ToString("HH:mm", CultureInfo.InvariantCulture)}-{To.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}
