using System.Buffers;
using System.Text.Json;
using EdgeGateway.Centre.Report;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>The gains report: <c>/api/report</c> (JSON) and <c>/report</c> (a self-contained HTML document), one query for both.</summary>
public sealed partial class CentreWeb
{
    private static void MapReport(IEndpointRouteBuilder app, DutyCentre centre)
    {
        app.MapGet("/api/report", async ctx =>
        {
            if (await ReportQueryAsync(ctx, centre).ConfigureAwait(false) is not { } query)
            {
                return;
            }

            var buffer = new ArrayBufferWriter<byte>(4096);
            await using (var w = new Utf8JsonWriter(buffer))
            {
                await GainsReport.WriteAsync(centre.Archive, query, w, ctx.RequestAborted).ConfigureAwait(false);
            }

            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/report", async ctx =>
        {
            if (await ReportQueryAsync(ctx, centre).ConfigureAwait(false) is not { } query)
            {
                return;
            }

            var report = await GainsReport.ComputeAsync(centre.Archive, query, ctx.RequestAborted).ConfigureAwait(false);
            ctx.Response.ContentType = "text/html; charset=utf-8";

            // A report is a document of record: what was sent is what the archive held then, not a cached older copy.
            ctx.Response.Headers.CacheControl = "no-store";
            await ctx.Response.WriteAsync(GainsHtml.Render(report), ctx.RequestAborted).ConfigureAwait(false);
        });
    }

    private static async Task<GainsQuery?> ReportQueryAsync(HttpContext ctx, DutyCentre centre)
    {
        var q = ctx.Request.Query;
        string? Get(string name) => q.TryGetValue(name, out var v) ? v.ToString() : null;
        var query = GainsReport.TryParseQuery(Get("from"), Get("to"), Get("gateway"), Get("minutes_per_visit"), centre.Zone, out var error);
        if (query is null)
        {
            await ProblemAsync(ctx, 400, error.Field, $"'{error.Field}' {error.Problem}").ConfigureAwait(false);
        }

        return query;
    }
}
