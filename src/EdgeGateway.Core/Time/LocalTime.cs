namespace EdgeGateway.Core.Time;

/// <summary>Local wall-clock times of day in a time zone, daylight-saving changes included.</summary>
public static class LocalTime
{
    /// <summary>
    /// The first instant after <paramref name="after"/> at which the local clock in <paramref name="zone"/> shows
    /// <paramref name="time"/>. A time skipped by a spring-forward change is taken at the first minute that exists after
    /// it (02:30 → 03:00 in Europe/Oslo); a time the fall-back change shows twice counts once, at its first occurrence.
    /// </summary>
    public static DateTimeOffset NextOccurrence(TimeOnly time, TimeZoneInfo zone, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var today = TimeZoneInfo.ConvertTime(after, zone).Date;
        for (var day = -1; day <= 2; day++)
        {
            var at = OnDay(DateOnly.FromDateTime(today.AddDays(day)), time, zone);
            if (at > after)
            {
                return at;
            }
        }

        throw new InvalidOperationException($"no {time:HH\\:mm} in {zone.Id} within two days of {after:O}");
    }

    private static DateTimeOffset OnDay(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);

        // A spring-forward gap is at most a few hours; step to the first minute the clock shows.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
            local = local.AddSeconds(-local.Second);
        }

        if (zone.IsAmbiguousTime(local))
        {
            // The larger offset is the earlier of the two instants.
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
