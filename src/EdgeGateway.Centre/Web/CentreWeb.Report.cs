using System.Text.Json;
using EdgeGateway.Centre.Report;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>The gains report: <c>/api/report</c> (JSON) and <c>/report</c> (a self-contained HTML document), one query for both.</summary>
public sealed partial class CentreWeb
{
    /// <summary>Reports computed at once; more are refused (503) rather than queued, so reports cannot starve the alarms of memory.</summary>
    private const int MaxReports = 2;

    private static void MapReport(IEndpointRouteBuilder app, DutyCentre centre)
    {
        var running = new SemaphoreSlim(MaxReports, MaxReports);
        app.MapGet("/api/report", ctx => OneReportAsync(ctx, centre, running, async query =>
        {
            ctx.Response.ContentType = "application/json";

            // Straight to the socket, flushed home by home (GainsReport.WriteAsync), instead of a copy of the whole answer.
            await using var w = new Utf8JsonWriter(ctx.Response.Body);
            await GainsReport.WriteAsync(centre.Archive, query, w, ctx.RequestAborted).ConfigureAwait(false);
        }));
        app.MapGet("/report", ctx => OneReportAsync(ctx, centre, running, async query =>
        {
            var report = await GainsReport.ComputeAsync(centre.Archive, query, ctx.RequestAborted).ConfigureAwait(false);
            ctx.Response.ContentType = "text/html; charset=utf-8";

            // A report is a document of record: what was sent is what the archive held then, not a cached older copy.
            ctx.Response.Headers.CacheControl = "no-store";
            await ctx.Response.WriteAsync(GainsHtml.Render(report), ctx.RequestAborted).ConfigureAwait(false);
        }));
    }

    private static async Task OneReportAsync(HttpContext ctx, DutyCentre centre, SemaphoreSlim running, Func<GainsQuery, Task> answer)
    {
        if (await ReportQueryAsync(ctx, centre).ConfigureAwait(false) is not { } query)
        {
            return;
        }

        if (!running.Wait(0))
        {
            ctx.Response.Headers.RetryAfter = "10";
            await ProblemAsync(ctx, 503, "$", $"{MaxReports} reports are being computed; ask again in a few seconds").ConfigureAwait(false);
            return;
        }

        try
        {
            await answer(query).ConfigureAwait(false);
        }
        finally
        {
            running.Release();
        }
    }

    private static async Task<GainsQuery?> ReportQueryAsync(HttpContext ctx, DutyCentre centre)
    {
        var q = ctx.Request.Query;
        string? Get(string name) => q.TryGetValue(name, out var v) ? v.ToString() : null;
        var query = GainsReport.TryParseQuery(Get("from"), Get("to"), Get("gateway"), Get("minutes_per_visit"), centre.Zone, out var error);
        if (query is null)
        {
            await ProblemAsync(ctx, 400, error.Field, $"'{error.Field}' {error.Problem}").ConfigureAwait(false);
            return null;
        }

        if (ZonesOf(ctx) is null)
        {
            return query;
        }

        // An operator given zones gets the report of her zones' homes only.
        var (_, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
        var gateways = await centre.Archive.GatewaysAsync(ctx.RequestAborted).ConfigureAwait(false);
        return query with { Only = gateways.Where(g => sees(g.Id)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal) };
    }
}
