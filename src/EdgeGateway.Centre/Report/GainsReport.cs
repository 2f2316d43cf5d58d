using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Centre.Report;

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

    /// <summary>Computes the report for <paramref name="query"/> from <paramref name="archive"/>.</summary>
    public static async Task<GainsResult> ComputeAsync(IArchive archive, GainsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(query);
        var gateways = (await archive.GatewaysAsync(cancellationToken).ConfigureAwait(false))
            .Where(g => (query.Gateway is null || g.Id == query.Gateway) && (query.Only is null || query.Only.Contains(g.Id))).ToList();
        var alarms = (await archive.AlarmsAsync(openOnly: false, cancellationToken).ConfigureAwait(false)).Where(a => query.Gateway is null || a.Gateway == query.Gateway).ToList();
        var events = await archive.EventsAsync(query.From, query.To, query.Gateway, cancellationToken).ConfigureAwait(false);
        var weeks = Weeks(query).ToList();
        var homes = new List<HomeGains>(gateways.Count);
        foreach (var g in gateways)
        {
            var mine = alarms.Where(a => a.Gateway == g.Id).ToList();
            var myEvents = events.Where(e => e.Gateway == g.Id).ToList();
            homes.Add(new HomeGains(g.Id, Figures(g, mine, myEvents, query, query.From, query.To),
                [.. weeks.Select(w => new WeekGains(w.Week, w.Start, w.End, Figures(g, mine, myEvents, query, w.Start, w.End)))]));
        }

        // Read sealed: counting needs only that a record exists and its zone, never what it says.
        var ids = gateways.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        var recorded = (await archive.ResidentsAsync(cancellationToken).ConfigureAwait(false)).Where(r => ids.Contains(r.Gateway)).ToList();
        var byZone = recorded.GroupBy(r => r.Zone ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new GainsResult(query, homes) { Residents = (recorded.Count, byZone) };
    }

    /// <summary>Writes the report for <paramref name="query"/> as JSON.</summary>
    public static async Task WriteAsync(IArchive archive, GainsQuery query, Utf8JsonWriter w, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(w);
        var report = await ComputeAsync(archive, query, cancellationToken).ConfigureAwait(false);
        w.WriteStartObject();
        w.WriteString("from", Instants.Wire(query.From));
        w.WriteString("to", Instants.Wire(query.To));
        w.WriteString("zone", query.Zone.Id);
        w.WriteNumber("minutes_per_visit", query.MinutesPerVisit);
        w.WriteStartObject("residents");
        w.WriteNumber("recorded", report.Residents.Recorded);
        w.WriteStartObject("by_zone");
        foreach (var (zone, count) in report.Residents.ByZone)
        {
            w.WriteNumber(zone, count);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("homes");
        foreach (var home in report.Homes)
        {
            w.WriteStartObject();
            w.WriteString("gateway", home.Gateway);
            w.WritePropertyName("total");
            Write(w, home.Total);
            w.WriteStartArray("weeks");
            foreach (var week in home.Weeks)
            {
                w.WriteStartObject();
                w.WriteString("week", week.Week);
                w.WritePropertyName("figures");
                Write(w, week.Figures);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            await w.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static GainsFigures Figures(GatewayRecord g, List<AlarmRecord> all, List<EventSummary> events, GainsQuery q, DateTimeOffset from, DateTimeOffset to)
    {
        var inRange = all.Where(a => a.ReceivedAt >= from && a.ReceivedAt < to).ToList();
        var care = inRange.Where(a => a.Origin == "gateway").ToList();
        var supervision = inRange.Where(a => a.Origin == "supervision").ToList();
        var byKind = care.GroupBy(a => a.Type[(a.Type.StartsWith(CloudEventCodec.TypePrefix, StringComparison.Ordinal) ? CloudEventCodec.TypePrefix.Length : 0)..])
            .OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => KeyValuePair.Create(k.Key, k.Count())).ToList();
        var take = care.Where(a => a.TakenAt is not null).Select(a => (a.TakenAt!.Value - a.ReceivedAt).TotalSeconds).Order().ToList();
        var clear = care.Where(a => a.ClearedAt is not null).Select(a => (a.ClearedAt!.Value - a.ReceivedAt).TotalSeconds).Order().ToList();
        var inWindow = events.Where(e => e.ReceivedAt >= from && e.ReceivedAt < to).ToList();
        var nights = Nights(q, from, to).Where(n => n.Start >= g.FirstSeen).ToList();
        var quiet = nights.Count(n => !all.Any(a => a.Origin == "gateway" && a.ReceivedAt >= n.Start && a.ReceivedAt < n.End));
        return new GainsFigures(
            byKind,
            care.Count,
            take.Count,
            Percentile(take, 0.5),
            Percentile(take, 0.9),

            // Of all alarms (an untaken one is not taken in time), as the benchmark counts them.
            care.Count == 0 ? null : take.Count(s => s <= 60) / (double)care.Count,
            care.Count == 0 ? null : take.Count(s => s <= 180) / (double)care.Count,
            clear.Count,
            Percentile(clear, 0.5),
            Percentile(clear, 0.9),
            care.Count(a => string.Equals(a.ClearReason, "false alarm", StringComparison.OrdinalIgnoreCase)),
            care.Count(a => string.Equals(a.ClearReason, "no help needed", StringComparison.OrdinalIgnoreCase)),
            inWindow.Count(e => e.Type == FallCancelled),
            inWindow.Count(e => e.Type == NightExit),
            inWindow.Count(e => e.Type == DoseMissed),
            nights.Count,
            quiet,
            Math.Round(quiet * q.MinutesPerVisit / 60, 2),
            Availability(g, all, from, to),
            [.. supervision.GroupBy(a => a.Type).OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => KeyValuePair.Create(k.Key, k.Count()))]);
    }

    private static void Write(Utf8JsonWriter w, GainsFigures f)
    {
        w.WriteStartObject();
        w.WriteStartObject("alarms_by_kind");
        foreach (var (kind, count) in f.AlarmsByKind)
        {
            w.WriteNumber(kind, count);
        }

        w.WriteEndObject();
        w.WriteNumber("alarms", f.Alarms);
        w.WriteStartObject("time_to_take");
        w.WriteNumber("taken", f.Taken);
        Number(w, "p50_s", f.TakeP50);
        Number(w, "p90_s", f.TakeP90);
        Number(w, "share_within_60s", f.ShareWithin60);
        Number(w, "share_within_180s", f.ShareWithin180);
        w.WriteEndObject();
        w.WriteStartObject("time_to_clear");
        w.WriteNumber("cleared", f.Cleared);
        Number(w, "p50_s", f.ClearP50);
        Number(w, "p90_s", f.ClearP90);
        w.WriteEndObject();
        w.WriteNumber("cleared_false_alarm", f.ClearedFalseAlarm);
        w.WriteNumber("cleared_no_help_needed", f.ClearedNoHelpNeeded);
        w.WriteNumber("fall_prealarms_cancelled", f.FallPreAlarmsCancelled);
        w.WriteNumber("night_exits", f.NightExits);
        w.WriteNumber("missed_doses", f.MissedDoses);
        w.WriteNumber("nights", f.Nights);
        w.WriteNumber("nights_without_alarm", f.NightsWithoutAlarm);
        w.WriteNumber("hours_saved", f.HoursSaved);
        Number(w, "availability", f.Availability);
        w.WriteStartObject("supervision_alarms");
        foreach (var (type, count) in f.SupervisionAlarms)
        {
            w.WriteNumber(type, count);
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

    /// <summary>The night the report counts when none is given: 22:00 to 07:00 local.</summary>
    public static readonly (TimeOnly Start, TimeOnly End) DefaultNight = (new TimeOnly(22, 0), new TimeOnly(7, 0));

    /// <summary>The minutes one night visit takes when none is given.</summary>
    public const double DefaultMinutesPerVisit = 15;

    /// <summary>
    /// Reads a report query as the API and the CLI take it (<paramref name="minutesPerVisit"/> null: <see cref="DefaultMinutesPerVisit"/>);
    /// null with the field and what is wrong with it when it cannot be read.
    /// </summary>
    public static GainsQuery? TryParseQuery(string? from, string? to, string? gateway, string? minutesPerVisit, TimeZoneInfo zone, out (string Field, string Problem) error)
    {
        ArgumentNullException.ThrowIfNull(zone);
        error = default;
        var at = new DateTimeOffset[2];
        foreach (var (i, name, text) in new[] { (0, "from", from), (1, "to", to) })
        {
            if (text is null || !TryParseInstant(text, zone, out at[i]))
            {
                error = (name, text is null ? "is required: a date (yyyy-MM-dd, local midnight) or an ISO 8601 instant" : $"must be a date (yyyy-MM-dd, local midnight) or an ISO 8601 instant from year 2000 to 2199, got '{text}'");
                return null;
            }
        }

        if (at[1] <= at[0])
        {
            error = ("to", $"must be after 'from' ({Instants.Wire(at[0])}), got {Instants.Wire(at[1])}");
            return null;
        }

        // The work grows with the span (weeks × homes, nights × alarms): a span of centuries took gigabytes.
        if (at[1] - at[0] > MaxSpan)
        {
            error = ("to", $"must be at most {MaxSpan.TotalDays:0} days after 'from' ({Instants.Wire(at[0])}), got {Instants.Wire(at[1])}; ask for one year at a time");
            return null;
        }

        var minutes = DefaultMinutesPerVisit;
        if (minutesPerVisit is not null && (!double.TryParse(minutesPerVisit, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes) || minutes is < 0 or > 600 || double.IsNaN(minutes)))
        {
            error = ("minutes_per_visit", $"must be a number of minutes from 0 to 600, got '{minutesPerVisit}'");
            return null;
        }

        if (gateway is not null && (gateway.Length is 0 or > 128 || gateway.Any(char.IsControl)))
        {
            error = ("gateway", "must be a gateway id of 1 to 128 printable characters");
            return null;
        }

        return new GainsQuery(at[0], at[1], gateway, zone, DefaultNight.Start, DefaultNight.End, minutes);
    }

    /// <summary>The longest span one report covers: a leap year and a week or so to spare.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    /// <summary>Reads an instant of the report's query string (ISO 8601; a bare date is local midnight in <paramref name="zone"/>), from year 2000 to 2199.</summary>
    internal static bool TryParseInstant(string text, TimeZoneInfo zone, out DateTimeOffset at)
    {
        at = default;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            // Checked before the zone's offset is applied: 0001-01-01 east of UTC is before DateTimeOffset.MinValue.
            if (date.Year is < 2000 or > 2199)
            {
                return false;
            }

            at = ToUtc(zone, date.ToDateTime(TimeOnly.MinValue));
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at) && at.UtcDateTime.Year is >= 2000 and <= 2199;
    }
}
