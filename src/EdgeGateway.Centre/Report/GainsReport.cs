using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Centre.Report;

/// <summary>What the gains report covers and how it counts.</summary>
/// <param name="From">Start (inclusive).</param>
/// <param name="To">End (exclusive).</param>
/// <param name="Gateway">One home, or null for all.</param>
/// <param name="Zone">The zone weeks and nights are counted in.</param>
/// <param name="NightStart">Local start of a night.</param>
/// <param name="NightEnd">Local end of a night (next day).</param>
/// <param name="MinutesPerVisit">Minutes one night visit takes (hours saved = quiet nights × this).</param>
public sealed record GainsQuery(DateTimeOffset From, DateTimeOffset To, string? Gateway, TimeZoneInfo Zone, TimeOnly NightStart, TimeOnly NightEnd, double MinutesPerVisit);

/// <summary>
/// The gains report (issue 17) per home and per ISO week, computed from the archive: alarms by kind, time to take
/// (p50/p90, share within 60 s and 180 s — the telecare benchmark is 97.5 % and 99 %), time to clear, false / no help
/// needed, fall pre-alarms cancelled, night exits, nights without any alarm and the hours of night visits they saved,
/// availability and supervision alarms.
/// </summary>
public static class GainsReport
{
    private static readonly string FallCancelled = CloudEventCodec.TypePrefix + CareEventCatalog.Get(CareEventKind.FallCancelled).TypeName;
    private static readonly string NightExit = CloudEventCodec.TypePrefix + CareEventCatalog.Get(CareEventKind.NightExit).TypeName;
    private static readonly string DoseMissed = CloudEventCodec.TypePrefix + CareEventCatalog.Get(CareEventKind.DoseMissed).TypeName;

    /// <summary>Writes the report for <paramref name="query"/> as JSON.</summary>
    public static async Task WriteAsync(IArchive archive, GainsQuery query, Utf8JsonWriter w, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(w);
        var gateways = (await archive.GatewaysAsync(cancellationToken).ConfigureAwait(false)).Where(g => query.Gateway is null || g.Id == query.Gateway).ToList();
        var alarms = (await archive.AlarmsAsync(openOnly: false, cancellationToken).ConfigureAwait(false)).Where(a => query.Gateway is null || a.Gateway == query.Gateway).ToList();
        var events = await archive.EventsAsync(query.From, query.To, query.Gateway, cancellationToken).ConfigureAwait(false);
        w.WriteStartObject();
        w.WriteString("from", DutyCentre.Wire(query.From));
        w.WriteString("to", DutyCentre.Wire(query.To));
        w.WriteString("zone", query.Zone.Id);
        w.WriteNumber("minutes_per_visit", query.MinutesPerVisit);
        w.WriteStartArray("homes");
        foreach (var g in gateways)
        {
            var mine = alarms.Where(a => a.Gateway == g.Id).ToList();
            var myEvents = events.Where(e => e.Gateway == g.Id).ToList();
            w.WriteStartObject();
            w.WriteString("gateway", g.Id);
            w.WritePropertyName("total");
            Figures(w, g, mine, myEvents, query, query.From, query.To);
            w.WriteStartArray("weeks");
            foreach (var (week, start, end) in Weeks(query))
            {
                w.WriteStartObject();
                w.WriteString("week", week);
                w.WritePropertyName("figures");
                Figures(w, g, mine, myEvents, query, start, end);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Figures(Utf8JsonWriter w, GatewayRecord g, List<AlarmRecord> all, List<EventSummary> events, GainsQuery q, DateTimeOffset from, DateTimeOffset to)
    {
        var inRange = all.Where(a => a.ReceivedAt >= from && a.ReceivedAt < to).ToList();
        var care = inRange.Where(a => a.Origin == "gateway").ToList();
        var supervision = inRange.Where(a => a.Origin == "supervision").ToList();
        w.WriteStartObject();
        w.WriteStartObject("alarms_by_kind");
        foreach (var kind in care.GroupBy(a => a.Type).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(kind.Key[(kind.Key.StartsWith(CloudEventCodec.TypePrefix, StringComparison.Ordinal) ? CloudEventCodec.TypePrefix.Length : 0)..], kind.Count());
        }

        w.WriteEndObject();
        w.WriteNumber("alarms", care.Count);
        var take = care.Where(a => a.TakenAt is not null).Select(a => (a.TakenAt!.Value - a.ReceivedAt).TotalSeconds).Order().ToList();
        w.WriteStartObject("time_to_take");
        w.WriteNumber("taken", take.Count);
        Number(w, "p50_s", Percentile(take, 0.5));
        Number(w, "p90_s", Percentile(take, 0.9));

        // Of all alarms (an untaken one is not taken in time), as the benchmark counts them.
        Number(w, "share_within_60s", care.Count == 0 ? null : take.Count(s => s <= 60) / (double)care.Count);
        Number(w, "share_within_180s", care.Count == 0 ? null : take.Count(s => s <= 180) / (double)care.Count);
        w.WriteEndObject();
        var clear = care.Where(a => a.ClearedAt is not null).Select(a => (a.ClearedAt!.Value - a.ReceivedAt).TotalSeconds).Order().ToList();
        w.WriteStartObject("time_to_clear");
        w.WriteNumber("cleared", clear.Count);
        Number(w, "p50_s", Percentile(clear, 0.5));
        Number(w, "p90_s", Percentile(clear, 0.9));
        w.WriteEndObject();
        w.WriteNumber("cleared_false_alarm", care.Count(a => string.Equals(a.ClearReason, "false alarm", StringComparison.OrdinalIgnoreCase)));
        w.WriteNumber("cleared_no_help_needed", care.Count(a => string.Equals(a.ClearReason, "no help needed", StringComparison.OrdinalIgnoreCase)));
        var inWindow = events.Where(e => e.ReceivedAt >= from && e.ReceivedAt < to).ToList();
        w.WriteNumber("fall_prealarms_cancelled", inWindow.Count(e => e.Type == FallCancelled));
        w.WriteNumber("night_exits", inWindow.Count(e => e.Type == NightExit));

        // Electronic medication support is a gain the municipalities measure; a missed dose is what it failed to prevent.
        w.WriteNumber("missed_doses", inWindow.Count(e => e.Type == DoseMissed));
        var nights = Nights(q, from, to).Where(n => n.Start >= g.FirstSeen).ToList();
        var quiet = nights.Count(n => !all.Any(a => a.Origin == "gateway" && a.ReceivedAt >= n.Start && a.ReceivedAt < n.End));
        w.WriteNumber("nights", nights.Count);
        w.WriteNumber("nights_without_alarm", quiet);
        w.WriteNumber("hours_saved", Math.Round(quiet * q.MinutesPerVisit / 60, 2));
        Number(w, "availability", Availability(g, all, from, to));
        w.WriteStartObject("supervision_alarms");
        foreach (var kind in supervision.GroupBy(a => a.Type).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(kind.Key, kind.Count());
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// The share of the time the gateway was not in a detected outage: an offline or silent supervision alarm counts from
    /// its raising to its clearing (a lower bound on the downtime: the grace before detection is not counted).
    /// </summary>
    private static double? Availability(GatewayRecord g, List<AlarmRecord> all, DateTimeOffset from, DateTimeOffset to)
    {
        var start = g.FirstSeen > from ? g.FirstSeen : from;
        if (to <= start)
        {
            return null;
        }

        var outages = all.Where(a => a.Type is SupervisionTypes.Offline or SupervisionTypes.Silent)
            .Select(a => (Start: a.RaisedAt < start ? start : a.RaisedAt, End: a.ClearedAt is { } c && c < to ? c : to))
            .Where(o => o.End > o.Start)
            .OrderBy(o => o.Start)
            .ToList();
        var down = TimeSpan.Zero;
        var covered = start;
        foreach (var (s, e) in outages)
        {
            var begin = s > covered ? s : covered;
            if (e > begin)
            {
                down += e - begin;
                covered = e;
            }
        }

        return Math.Round(1 - (down / (to - start)), 5);
    }

    private static IEnumerable<(string Week, DateTimeOffset Start, DateTimeOffset End)> Weeks(GainsQuery q)
    {
        var local = TimeZoneInfo.ConvertTime(q.From, q.Zone).Date;
        var monday = local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        for (var day = monday; ToUtc(q.Zone, day) < q.To; day = day.AddDays(7))
        {
            var start = ToUtc(q.Zone, day);
            var end = ToUtc(q.Zone, day.AddDays(7));
            var name = $"{ISOWeek.GetYear(day)}-W{ISOWeek.GetWeekOfYear(day):00}";
            yield return (name, start < q.From ? q.From : start, end > q.To ? q.To : end);
        }
    }

    private static IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Nights(GainsQuery q, DateTimeOffset from, DateTimeOffset to)
    {
        var day = TimeZoneInfo.ConvertTime(from, q.Zone).Date.AddDays(-1);
        while (true)
        {
            var start = ToUtc(q.Zone, day + q.NightStart.ToTimeSpan());
            var end = ToUtc(q.Zone, day.AddDays(q.NightEnd <= q.NightStart ? 1 : 0) + q.NightEnd.ToTimeSpan());
            if (start >= to)
            {
                yield break;
            }

            if (start >= from && end <= to)
            {
                yield return (start, end);
            }

            day = day.AddDays(1);
        }
    }

    private static DateTimeOffset ToUtc(TimeZoneInfo zone, DateTime local)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = zone.IsInvalidTime(wall) ? zone.GetUtcOffset(wall.AddHours(1)) : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    private static double? Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        // Nearest rank: a figure that actually occurred, as a duty manager reads it.
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)], 1);
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Reads an instant of the report's query string (ISO 8601; a bare date is local midnight in <paramref name="zone"/>).</summary>
    internal static bool TryParseInstant(string text, TimeZoneInfo zone, out DateTimeOffset at)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            at = ToUtc(zone, date.ToDateTime(TimeOnly.MinValue));
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }
}
