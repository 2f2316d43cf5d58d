using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeGateway.Centre.Web;

/// <summary>
/// Mass outages (issue 33, <c>GET /api/outages</c>): a regional power or network cut shown as one incident per zone with a
/// count ("40 homes in zone north offline since 02:14"), open ones and those closed in the last 24 h, so the page shows
/// it as one band instead of forty cards burying the one fall. The live feed's <c>outage</c> change says when to read it again.
/// </summary>
public sealed partial class CentreWeb
{
    /// <summary>How far back a closed incident is still shown: the shift that saw it open sees how it ended.</summary>
    internal static readonly TimeSpan ClosedOutagesShown = TimeSpan.FromHours(24);

    /// <summary>The most gateways a closed incident names as not returned; the count says how many there are.</summary>
    internal const int NotReturnedShown = 50;

    private static void MapOutages(IEndpointRouteBuilder app, DutyCentre centre) =>
        app.MapGet("/api/outages", async ctx =>
        {
            var now = centre.Time.GetUtcNow();
            var zones = ZonesOf(ctx);

            // An incident is a zone's, not a home's: an operator given zones sees her zones' incidents; the incident of the
            // homes without a zone only operators who see every zone, as those homes themselves.
            var outages = (await centre.Archive.OutagesAsync(now - ClosedOutagesShown, ctx.RequestAborted).ConfigureAwait(false))
                .Where(o => zones is null || (o.Zone.Length > 0 && zones.Contains(o.Zone)))
                .OrderBy(o => o.IsOpen ? 0 : 1).ThenByDescending(o => o.ClosedAt ?? o.OpenedAt)
                .ToList();
            var notReturned = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var o in outages.Where(o => !o.IsOpen))
            {
                var homes = await centre.Archive.OutageHomesAsync(o.Id, ctx.RequestAborted).ConfigureAwait(false);
                notReturned[o.Id] = [.. homes.Where(h => h.ReturnedAt is null).Select(h => h.Gateway).Order(StringComparer.Ordinal).Take(NotReturnedShown)];
            }

            await WriteJsonAsync(ctx, 200, w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("outages");
                foreach (var o in outages)
                {
                    WriteOutage(w, o, notReturned.GetValueOrDefault(o.Id), centre.Zone);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        });

    private static void WriteOutage(Utf8JsonWriter w, OutageRecord o, IReadOnlyList<string>? notReturned, TimeZoneInfo zone)
    {
        w.WriteStartObject();
        w.WriteString("id", o.Id);
        CentreJson.Str(w, "zone", o.Zone.Length == 0 ? null : o.Zone);
        w.WriteString("state", o.State);
        CentreJson.Time(w, "since", o.Since);
        CentreJson.Time(w, "openedAt", o.OpenedAt);
        CentreJson.Time(w, "closedAt", o.ClosedAt);
        w.WriteNumber("homes", o.Homes);
        w.WriteNumber("returned", o.Returned);
        w.WriteNumber("stillOut", o.Homes - o.Returned);
        w.WriteString("summary", o.Summary);
        if (notReturned is null)
        {
            w.WriteNull("notReturned");
        }
        else
        {
            w.WriteStartArray("notReturned");
            foreach (var g in notReturned)
            {
                w.WriteStringValue(g);
            }

            w.WriteEndArray();
        }

        w.WriteString("text", OutageText(o, zone));
        w.WriteEndObject();
    }

    /// <summary>
    /// The incident in one line, times as HH:mm in the centre's zone (as the SMS to next of kin give them): every operator
    /// reads the same hour whatever her device's clock or zone says. Open: "40 homes in zone north offline since 02:14";
    /// closed: "Outage of zone north closed 03:05: 39 of 40 homes back; 1 not: gw-17 (each now its own alarm)".
    /// </summary>
    internal static string OutageText(OutageRecord o, TimeZoneInfo zone)
    {
        string Clock(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
        var where = o.Zone.Length == 0 ? "without a zone" : $"in zone {o.Zone}";
        if (o.IsOpen)
        {
            return $"{o.Homes} {(o.Homes == 1 ? "home" : "homes")} {where} offline since {Clock(o.Since)}";
        }

        var of = o.Zone.Length == 0 ? "of homes without a zone" : $"of zone {o.Zone}";
        return $"Outage {of} closed {Clock(o.ClosedAt ?? o.OpenedAt)}: {o.Summary}";
    }
}
