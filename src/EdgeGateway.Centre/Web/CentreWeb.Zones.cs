using EdgeGateway.Centre.Residents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Zones (issue 29): an operator given zones sees only the homes whose resident record names one of them. A request about
/// one home, alarm or record outside them is answered exactly as if it did not exist (404), before the endpoint runs, so a
/// new endpoint under <c>/api/alarms/{id}</c>, <c>/api/gateways/{id}</c> or <c>/api/residents/{id}</c> is covered without
/// knowing it; lists and the live feed leave such homes out (<see cref="VisibleAsync"/>), and the feed says <c>hidden</c>
/// for a home it showed her that has left her zones.
/// </summary>
public sealed partial class CentreWeb
{
    /// <summary>Answers 404 for a single home, alarm or record outside the logged-in operator's zones (after UseRoles).</summary>
    private static void UseZones(WebApplication app, DutyCentre centre) =>
        app.Use(async (ctx, next) =>
        {
            if (ZonesOf(ctx) is not { } zones || (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is not { } template
                || ctx.Request.RouteValues["id"] is not string id)
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }

            var parts = template.ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
            var residents = await centre.Residents.DirectoryAsync(ctx.RequestAborted).ConfigureAwait(false);
            var hidden = parts switch
            {
                // An id that is no UUID, or no alarm, is left to the endpoint: its 400 or 404 tells nothing about a zone.
                ["api", "alarms", "{id}", ..] when Guid.TryParseExact(id, "D", out var alarmId)
                    && await centre.Archive.AlarmAsync(alarmId, ctx.RequestAborted).ConfigureAwait(false) is { } alarm
                    && !residents.Sees(zones, alarm.Gateway) => $"no alarm {alarmId}",
                ["api", "gateways", "{id}", ..] when !residents.Sees(zones, id) => $"no gateway {PrintableText.Of(id, 80)}",
                ["api", "residents", "{id}", ..] when !residents.Sees(zones, id) => $"no resident record for {PrintableText.Of(id, 80)}",
                _ => null,
            };
            if (hidden is not null)
            {
                await ProblemAsync(ctx, 404, "id", hidden).ConfigureAwait(false);
                return;
            }

            await next(ctx).ConfigureAwait(false);
        });

    /// <summary>For an operator given zones, the homes she sees as her live feed starts (it then keeps the set); null without zones.</summary>
    private static async Task<HashSet<string>?> ShownAsync(HttpContext ctx, DutyCentre centre)
    {
        if (ZonesOf(ctx) is null)
        {
            return null;
        }

        var (_, sees) = await VisibleAsync(ctx, centre).ConfigureAwait(false);
        var gateways = await centre.Archive.GatewaysAsync(ctx.RequestAborted).ConfigureAwait(false);
        return gateways.Where(g => sees(g.Id)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Writes the live feed's <c>event: hidden</c> for <paramref name="gateway"/>.</summary>
    private static Task WriteHiddenAsync(HttpContext ctx, string gateway, CancellationToken ct)
    {
        var data = CentreJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("gateway", gateway);
            w.WriteEndObject();
        });
        return ctx.Response.WriteAsync($"event: hidden\ndata: {System.Text.Encoding.UTF8.GetString(data)}\n\n", ct);
    }

    /// <summary>The resident directory and a test of whether the requesting operator sees a home (always, without zones).</summary>
    private static async Task<(ResidentDirectory Residents, Func<string?, bool> Sees)> VisibleAsync(HttpContext ctx, DutyCentre centre)
    {
        var residents = await centre.Residents.DirectoryAsync(ctx.RequestAborted).ConfigureAwait(false);
        var zones = ZonesOf(ctx);
        return (residents, gateway => residents.Sees(zones, gateway));
    }
}
