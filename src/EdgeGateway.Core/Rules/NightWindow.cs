namespace EdgeGateway.Core.Rules;

/// <summary>A daily window of local time, e.g. 23:00–06:00, which may cross midnight.</summary>
public sealed record NightWindow
{
    /// <summary>Creates the window from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) in <paramref name="zone"/>.</summary>
    /// <exception cref="ArgumentException">Start equals end (a window of zero length).</exception>
    public NightWindow(TimeOnly start, TimeOnly end, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (start == end)
        {
            throw new ArgumentException($"night window {start:HH\\:mm}–{end:HH\\:mm} has zero length: start and end must differ", nameof(end));
        }

        Start = start;
        End = end;
        Zone = zone;
    }

    /// <summary>Local start time (inclusive).</summary>
    public TimeOnly Start { get; }

    /// <summary>Local end time (exclusive).</summary>
    public TimeOnly End { get; }

    /// <summary>The home's time zone; local time follows its daylight-saving rules.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>True when the instant <paramref name="at"/> falls inside the window in local time.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);
        return Start < End
            ? local >= Start && local < End
            : local >= Start || local < End;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Start:HH\\:mm}–{End:HH\\:mm} {Zone.Id}";
}
