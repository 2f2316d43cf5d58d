using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeGateway.Centre.Report;

/// <summary>
/// The gains report as one self-contained HTML document: inline CSS and SVG plots drawn here (no script, no CDN), so it can
/// be mailed, archived and opened offline. Every figure sits in a table cell whose <c>data-figure</c> is the JSON report's
/// path (e.g. <c>time_to_take.p90_s</c>) and whose <c>data-value</c> is the number in invariant form, so a program can read
/// the document as reliably as a person.
/// </summary>
public static class GainsHtml
{
    /// <summary>The telecare benchmark: share of alarms taken within 60 s.</summary>
    public const double Benchmark60 = 0.975;

    /// <summary>The telecare benchmark: share of alarms taken within 180 s.</summary>
    public const double Benchmark180 = 0.99;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2630;max-width:72rem}
        h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:2px solid #2b6cb0}
        .meta{color:#555}
        table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}
        th,td{border:1px solid #ccd;padding:.25rem .55rem;text-align:right}
        th:first-child,td:first-child{text-align:left}
        thead th{background:#edf2f7}
        tr.group th{background:#f7fafc;text-align:left;font-weight:600}
        td.miss{background:#fed7d7}td.met{background:#c6f6d5}
        .plots{display:flex;flex-wrap:wrap;gap:1rem}
        svg{background:#fff;border:1px solid #dde}
        svg text{font:11px system-ui,sans-serif;fill:#333}
        .s0{fill:#2b6cb0}.s1{fill:#ed8936}.s2{fill:#38a169}.ref{stroke:#c53030;stroke-dasharray:4 3}
        @media print{h2{break-before:page}}
        """;

    private static void Residents(StringBuilder h, GainsResult report)
    {
        var (recorded, byZone) = report.Residents;
        h.Append("<p class=\"residents\" data-recorded=\"").Append(recorded).Append("\">Resident records: ").Append(recorded).Append(" of ").Append(report.Homes.Count).Append(" homes");
        if (byZone.Count > 0)
        {
            h.Append(" (").Append(string.Join(", ", byZone.Select(z => $"{E(z.Key.Length == 0 ? "no zone" : z.Key)} {z.Value}"))).Append(')');
        }

        h.Append(".</p>\n");
    }

    /// <summary>Renders <paramref name="report"/>.</summary>
    public static string Render(GainsResult report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var q = report.Query;
        var h = new StringBuilder(16 * 1024);
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append("<title>Gains report ").Append(E(Local(q, q.From))).Append(" to ").Append(E(Local(q, q.To))).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        h.Append("<h1>Gains report</h1>\n<p class=\"meta\" data-from=\"").Append(Instants.Wire(q.From)).Append("\" data-to=\"").Append(Instants.Wire(q.To))
            .Append("\" data-zone=\"").Append(E(q.Zone.Id)).Append("\" data-minutes-per-visit=\"").Append(N(q.MinutesPerVisit)).Append("\">")
            .Append(E(Local(q, q.From))).Append(" to ").Append(E(Local(q, q.To))).Append(" (").Append(E(q.Zone.Id)).Append(')')
            .Append(q.Gateway is null ? "" : ", home " + E(q.Gateway))
            .Append(". Nights ").Append(q.NightStart.ToString("HH:mm", Inv)).Append('–').Append(q.NightEnd.ToString("HH:mm", Inv))
            .Append("; a night without any alarm counts as one night visit of ").Append(N(q.MinutesPerVisit)).Append(" min saved. ")
            .Append("Benchmark: ").Append(Percent(Benchmark60)).Append(" of alarms taken within 60 s, ").Append(Percent(Benchmark180)).Append(" within 180 s.</p>\n");
        if (report.Homes.Count == 0)
        {
            h.Append("<p>No home in the archive for this query.</p>\n");
        }
        else
        {
            Overview(h, report.Homes);
            Residents(h, report);
        }

        foreach (var home in report.Homes)
        {
            Home(h, home);
        }

        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static void Overview(StringBuilder h, IReadOnlyList<HomeGains> homes)
    {
        h.Append("<table class=\"overview\"><thead><tr><th>Home</th><th>Alarms</th><th>Time to take p90</th><th>Taken ≤ 60 s</th><th>Taken ≤ 180 s</th><th>Nights without alarm</th><th>Hours saved</th><th>Availability</th></tr></thead><tbody>\n");
        foreach (var home in homes)
        {
            var f = home.Total;
            h.Append("<tr data-gateway=\"").Append(E(home.Gateway)).Append("\"><td><a href=\"#home-").Append(E(home.Gateway)).Append("\">").Append(E(home.Gateway)).Append("</a></td>");
            Cell(h, "alarms", f.Alarms, f.Alarms.ToString(Inv));
            Cell(h, "time_to_take.p90_s", f.TakeP90, Seconds(f.TakeP90));
            Cell(h, "time_to_take.share_within_60s", f.ShareWithin60, Percent(f.ShareWithin60), Benchmark60);
            Cell(h, "time_to_take.share_within_180s", f.ShareWithin180, Percent(f.ShareWithin180), Benchmark180);
            Cell(h, "nights_without_alarm", f.NightsWithoutAlarm, $"{f.NightsWithoutAlarm} of {f.Nights}");
            Cell(h, "hours_saved", f.HoursSaved, N(f.HoursSaved) + " h");
            Cell(h, "availability", f.Availability, Percent(f.Availability, 2));
            h.Append("</tr>\n");
        }

        h.Append("</tbody></table>\n");
    }

    private static void Home(StringBuilder h, HomeGains home)
    {
        var weeks = home.Weeks;
        h.Append("<section class=\"home\" id=\"home-").Append(E(home.Gateway)).Append("\" data-gateway=\"").Append(E(home.Gateway)).Append("\">\n<h2>Home ").Append(E(home.Gateway)).Append("</h2>\n<div class=\"plots\">\n");
        var labels = weeks.Select(w => w.Week).ToList();
        HorizontalBars(h, "Alarms by kind", home.Total.AlarmsByKind);
        Columns(h, "Time to take (s)", labels, [("p50", [.. weeks.Select(w => w.Figures.TakeP50)]), ("p90", [.. weeks.Select(w => w.Figures.TakeP90)])], [(60, "60 s"), (180, "180 s")], v => N(v));
        Columns(h, "Taken within 60 s / 180 s", labels,
            [("≤ 60 s", [.. weeks.Select(w => w.Figures.ShareWithin60 * 100)]), ("≤ 180 s", [.. weeks.Select(w => w.Figures.ShareWithin180 * 100)])],
            [(Benchmark60 * 100, "97.5 %"), (Benchmark180 * 100, "99 %")], v => N(v) + "%", fixedMax: 100);
        Columns(h, "Nights without any alarm", labels,
            [("nights", [.. weeks.Select(w => (double?)w.Figures.Nights)]), ("without alarm", [.. weeks.Select(w => (double?)w.Figures.NightsWithoutAlarm)])], [], v => N(v));
        Columns(h, "Availability (%)", labels, [("online", [.. weeks.Select(w => w.Figures.Availability * 100)])], [], v => N(Math.Round(v, 1)) + "%", fixedMax: 100);
        h.Append("</div>\n");

        // One row per figure, one column per span: the week-on-week change reads along a row.
        h.Append("<table class=\"figures\"><thead><tr><th>Figure</th><th data-span=\"total\">Total</th>");
        foreach (var w in weeks)
        {
            h.Append("<th data-span=\"").Append(E(w.Week)).Append("\">").Append(E(w.Week)).Append("</th>");
        }

        h.Append("</tr></thead><tbody>\n");
        var spans = new List<(string Span, GainsFigures F)> { ("total", home.Total) };
        spans.AddRange(weeks.Select(w => (w.Week, w.Figures)));
        void Row(string figure, string label, Func<GainsFigures, double?> value, Func<GainsFigures, string> text, double? benchmark = null)
        {
            h.Append("<tr data-figure=\"").Append(E(figure)).Append("\"><th>").Append(E(label)).Append("</th>");
            foreach (var (span, f) in spans)
            {
                Cell(h, null, value(f), text(f), benchmark, span);
            }

            h.Append("</tr>\n");
        }

        void Group(string title) => h.Append("<tr class=\"group\"><th colspan=\"").Append(spans.Count + 1).Append("\">").Append(E(title)).Append("</th></tr>\n");
        static int Of(IReadOnlyList<KeyValuePair<string, int>> counts, string key) => counts.FirstOrDefault(k => k.Key == key).Value;

        Group("Alarms");
        Row("alarms", "Alarms (all kinds)", f => f.Alarms, f => f.Alarms.ToString(Inv));
        foreach (var kind in home.Total.AlarmsByKind.Select(k => k.Key))
        {
            Row("alarms_by_kind." + kind, kind, f => Of(f.AlarmsByKind, kind), f => Of(f.AlarmsByKind, kind).ToString(Inv));
        }

        Group("Time to take");
        Row("time_to_take.taken", "Taken", f => f.Taken, f => f.Taken.ToString(Inv));
        Row("time_to_take.p50_s", "Time to take p50", f => f.TakeP50, f => Seconds(f.TakeP50));
        Row("time_to_take.p90_s", "Time to take p90", f => f.TakeP90, f => Seconds(f.TakeP90));
        Row("time_to_take.share_within_60s", "Taken within 60 s (benchmark 97.5 %)", f => f.ShareWithin60, f => Percent(f.ShareWithin60), Benchmark60);
        Row("time_to_take.share_within_180s", "Taken within 180 s (benchmark 99 %)", f => f.ShareWithin180, f => Percent(f.ShareWithin180), Benchmark180);
        Group("Time to clear");
        Row("time_to_clear.cleared", "Cleared", f => f.Cleared, f => f.Cleared.ToString(Inv));
        Row("time_to_clear.p50_s", "Time to clear p50", f => f.ClearP50, f => Seconds(f.ClearP50));
        Row("time_to_clear.p90_s", "Time to clear p90", f => f.ClearP90, f => Seconds(f.ClearP90));
        Row("cleared_false_alarm", "Cleared as false alarm", f => f.ClearedFalseAlarm, f => f.ClearedFalseAlarm.ToString(Inv));
        Row("cleared_no_help_needed", "Cleared as no help needed", f => f.ClearedNoHelpNeeded, f => f.ClearedNoHelpNeeded.ToString(Inv));
        Group("At home");
        Row("fall_prealarms_cancelled", "Fall pre-alarms cancelled by the resident", f => f.FallPreAlarmsCancelled, f => f.FallPreAlarmsCancelled.ToString(Inv));
        Row("night_exits", "Night exits", f => f.NightExits, f => f.NightExits.ToString(Inv));
        Row("missed_doses", "Doses missed (medication dispenser)", f => f.MissedDoses, f => f.MissedDoses.ToString(Inv));
        Row("nights", "Nights", f => f.Nights, f => f.Nights.ToString(Inv));
        Row("nights_without_alarm", "Nights without any alarm (night visits saved)", f => f.NightsWithoutAlarm, f => f.NightsWithoutAlarm.ToString(Inv));
        Row("hours_saved", "Hours of night visits saved", f => f.HoursSaved, f => N(f.HoursSaved) + " h");
        Group("The gateway");
        Row("availability", "Availability (online)", f => f.Availability, f => Percent(f.Availability, 2));
        foreach (var type in spans.SelectMany(s => s.F.SupervisionAlarms.Select(k => k.Key)).Distinct().Order(StringComparer.Ordinal))
        {
            Row("supervision_alarms." + type, "Supervision: " + type["supervision.".Length..], f => Of(f.SupervisionAlarms, type), f => Of(f.SupervisionAlarms, type).ToString(Inv));
        }

        h.Append("</tbody></table>\n</section>\n");
    }

    private static void Cell(StringBuilder h, string? figure, double? value, string text, double? benchmark = null, string? span = null)
    {
        h.Append("<td");
        if (figure is not null)
        {
            h.Append(" data-figure=\"").Append(E(figure)).Append('"');
        }

        if (span is not null)
        {
            h.Append(" data-span=\"").Append(E(span)).Append('"');
        }

        if (benchmark is { } b && value is { } v)
        {
            h.Append(" class=\"").Append(v >= b ? "met" : "miss").Append('"');
        }

        h.Append(" data-value=\"").Append(value is { } x ? N(x) : "").Append("\">").Append(E(text)).Append("</td>");
    }

    /// <summary>A horizontal bar per item (count), scaled to the largest.</summary>
    private static void HorizontalBars(StringBuilder h, string title, IReadOnlyList<KeyValuePair<string, int>> items)
    {
        const int width = 340, label = 130, bar = 16, gap = 6, top = 24;
        var height = top + (Math.Max(items.Count, 1) * (bar + gap)) + 8;
        SvgStart(h, title, width, height);
        if (items.Count == 0)
        {
            h.Append("<text x=\"10\" y=\"44\">no alarms</text>");
        }

        var max = Math.Max(1, items.Count == 0 ? 1 : items.Max(i => i.Value));
        var y = top;
        foreach (var (kind, count) in items)
        {
            var w = (width - label - 40) * count / (double)max;
            h.Append(Inv, $"<text x=\"6\" y=\"{y + 12}\">{E(kind.StartsWith("alarm.", StringComparison.Ordinal) ? kind[6..] : kind)}</text>");
            h.Append(Inv, $"<rect class=\"s0\" x=\"{label}\" y=\"{y}\" width=\"{N(Math.Round(w, 1))}\" height=\"{bar}\"><title>{E(kind)}: {count}</title></rect>");
            h.Append(Inv, $"<text x=\"{N(Math.Round(label + w + 4, 1))}\" y=\"{y + 12}\">{count}</text>");
            y += bar + gap;
        }

        h.Append("</svg>\n");
    }

    /// <summary>Grouped columns per category (week), one colour per series, with dashed reference lines (benchmarks, targets).</summary>
    private static void Columns(StringBuilder h, string title, List<string> categories, (string Name, double?[] Values)[] series, (double Value, string Label)[] references, Func<double, string> format, double? fixedMax = null)
    {
        const int height = 200, left = 40, top = 34, bottom = 30;
        var group = Math.Max(36, series.Length * 18 + 12);
        var width = Math.Max(260, left + (categories.Count * group) + 50);
        var plot = height - top - bottom;
        var values = series.SelectMany(s => s.Values).OfType<double>().Concat(references.Select(r => r.Value)).DefaultIfEmpty(1).Max();
        var max = fixedMax ?? (values <= 0 ? 1 : values * 1.1);
        double Y(double v) => Math.Round(top + plot - (plot * Math.Clamp(v / max, 0, 1)), 1);
        SvgStart(h, title, width, height);
        for (var s = 0; s < series.Length; s++)
        {
            h.Append(Inv, $"<rect class=\"s{s}\" x=\"{left + (s * 80)}\" y=\"22\" width=\"9\" height=\"9\"/><text x=\"{left + 12 + (s * 80)}\" y=\"30\">{E(series[s].Name)}</text>");
        }

        h.Append(Inv, $"<line x1=\"{left}\" y1=\"{top + plot}\" x2=\"{width - 10}\" y2=\"{top + plot}\" stroke=\"#888\"/>");
        h.Append(Inv, $"<text x=\"4\" y=\"{top + 4}\">{E(format(Math.Round(max, 1)))}</text><text x=\"4\" y=\"{top + plot}\">0</text>");
        for (var c = 0; c < categories.Count; c++)
        {
            var x0 = left + (c * group) + 6;
            for (var s = 0; s < series.Length; s++)
            {
                if (series[s].Values[c] is not { } v)
                {
                    continue;
                }

                var y = Y(v);
                h.Append(Inv, $"<rect class=\"s{s}\" x=\"{x0 + (s * 18)}\" y=\"{N(y)}\" width=\"15\" height=\"{N(Math.Round(top + plot - y, 1))}\"><title>{E(categories[c])} {E(series[s].Name)}: {E(format(v))}</title></rect>");
            }

            h.Append(Inv, $"<text x=\"{x0}\" y=\"{height - 12}\">{E(categories[c].Length > 5 ? categories[c][^3..] : categories[c])}</text>");
        }

        foreach (var (value, label) in references)
        {
            var y = Y(value);
            h.Append(Inv, $"<line class=\"ref\" x1=\"{left}\" y1=\"{N(y)}\" x2=\"{width - 40}\" y2=\"{N(y)}\"/><text x=\"{width - 38}\" y=\"{N(y + 4)}\">{E(label)}</text>");
        }

        h.Append("</svg>\n");
    }

    private static void SvgStart(StringBuilder h, string title, int width, int height) =>
        h.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{E(title)}\"><title>{E(title)}</title><text x=\"6\" y=\"14\" font-weight=\"bold\">{E(title)}</text>");

    private static string Local(GainsQuery q, DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, q.Zone).ToString("yyyy-MM-dd HH:mm", Inv);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(double value) => value.ToString("0.#####", Inv);

    private static string Seconds(double? s) => s is { } v ? N(v) + " s" : "–";

    private static string Percent(double? share, int decimals = 1) => share is { } v ? Math.Round(v * 100, decimals).ToString("0.##", Inv) + " %" : "–";
}
