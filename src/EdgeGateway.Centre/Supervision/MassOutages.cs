using System.Globalization;
using EdgeGateway.Centre.Archive;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Supervision;

/// <summary>
/// Turns many homes of one zone going quiet together (a regional power or network cut) into one incident, "N homes in zone
/// Z offline since T", instead of one offline or silent alarm per home burying the one real alarm among them. Homes of the
/// zone going quiet while it is open join it; when they come back it closes with how many returned, and each home still
/// out gets its own alarm then. Every step is a conditional write, so centre instances supervising together agree.
/// </summary>
internal sealed partial class MassOutages(IArchive archive, DutyCentreOptions options, ChangeFeed changes, CheckLoop loop, ILogger logger)
{
    private const int NamedInSummary = 20;
    private static readonly TimeSpan ZoneRefresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EmptyGrace = TimeSpan.FromMinutes(1);

    private IReadOnlyDictionary<string, string> _zones = new Dictionary<string, string>();
    private DateTimeOffset _zonesAt = DateTimeOffset.MinValue;
    private string _shown = "";

    /// <summary>What one pass knows of the incidents: the open ones, the homes in them, and the homes a closed one left out.</summary>
    internal sealed record Pass(IReadOnlyDictionary<string, OutageRecord> OpenByZone, IReadOnlySet<string> Held, IReadOnlySet<string> LeftOut);

    /// <summary>An offline or silent alarm a pass found due for one home, not yet raised.</summary>
    internal sealed record Due(GatewayRecord Gateway, string Kind, DateTimeOffset QuietSince, SupervisionAlarm Alarm);

    /// <summary>The zone a home's incidents are counted in (empty: homes without a resident record).</summary>
    public string ZoneOf(string gateway) => _zones.TryGetValue(gateway, out var z) ? z : "";

    /// <summary>Starts a pass: closes the incidents whose homes are back (or whose returns settled) and says which homes are held in open ones.</summary>
    public async Task<Pass> BeginAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (options.MassOutageHomes == 0)
        {
            return new Pass(new Dictionary<string, OutageRecord>(), new HashSet<string>(), new HashSet<string>());
        }

        var open = (await archive.OutagesAsync(now, ct).ConfigureAwait(false)).Where(o => o.IsOpen).ToList();
        var homes = await archive.OutageHomesAsync(null, ct).ConfigureAwait(false);
        var changed = false;
        foreach (var o in open.ToArray())
        {
            // Opened by an instance that is joining its homes right now: not "every home back" (the storm bench caught a
            // second instance closing such an incident between the open and the join). One left empty by an instance
            // that died in between closes after a minute.
            if (o.Homes == 0 && now - o.OpenedAt < EmptyGrace)
            {
                loop.Due(o.OpenedAt + EmptyGrace);
                continue;
            }

            var settleAt = o.LastReturnAt is { } last ? last + options.MassOutageSettle : DateTimeOffset.MaxValue;
            if (o.Returned < o.Homes && settleAt > now)
            {
                if (settleAt != DateTimeOffset.MaxValue)
                {
                    loop.Due(settleAt);
                }

                continue;
            }

            var stillOut = homes.Where(h => h.Outage == o.Id && h.ReturnedAt is null).Select(h => h.Gateway).Order(StringComparer.Ordinal).ToList();
            if (await archive.CloseOutageAsync(o.Id, Summary(o, stillOut), now, ct).ConfigureAwait(false) is { } closed)
            {
                LogClosed(logger, closed.Zone, closed.Returned, closed.Homes, stillOut.Count);
            }

            open.Remove(o);
            changed = true;
        }

        var openIds = open.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var held = homes.Where(h => openIds.Contains(h.Outage)).Select(h => h.Gateway).ToHashSet(StringComparer.Ordinal);
        var leftOut = homes.Where(h => !openIds.Contains(h.Outage) && h.ReturnedAt is null).Select(h => h.Gateway).ToHashSet(StringComparer.Ordinal);

        // One change per pass at most, and only when a count moved: a storm's returns must not flood every page with changes.
        var shown = string.Join(';', open.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Id}:{o.Homes}:{o.Returned}")));
        if (changed || shown != _shown)
        {
            _shown = shown;
            changes.Publish(new CentreChange("outage", null, null));
        }

        return new Pass(open.ToDictionary(o => o.Zone, StringComparer.Ordinal), held, leftOut);
    }

    /// <summary>
    /// Puts the due alarms of a zone with <see cref="DutyCentreOptions.MassOutageHomes"/> or more quiet homes, and at least
    /// <see cref="DutyCentreOptions.MassOutageShare"/> of its homes (or with an incident open for less than
    /// <see cref="DutyCentreOptions.MassOutageJoin"/>), into that zone's incident; returns the alarms to raise one by one.
    /// </summary>
    public async Task<IReadOnlyList<Due>> AbsorbAsync(Pass pass, IReadOnlyList<Due> dues, Func<GatewayRecord, bool> quiet, IReadOnlyList<GatewayRecord> all, DateTimeOffset now, CancellationToken ct)
    {
        if (options.MassOutageHomes == 0 || dues.Count == 0)
        {
            return dues;
        }

        // Read only when alarms are due (rarely, but then fresh: a home given its zone a moment ago is counted in it).
        if (now - _zonesAt >= ZoneRefresh || now < _zonesAt)
        {
            _zones = await archive.ZonesAsync(ct).ConfigureAwait(false);
            _zonesAt = now;
        }

        var individual = new List<Due>();
        var quietByZone = all.Where(g => !pass.LeftOut.Contains(g.Id) && quiet(g)).GroupBy(g => ZoneOf(g.Id)).ToDictionary(z => z.Key, z => z.Count(), StringComparer.Ordinal);
        var homesByZone = all.GroupBy(g => ZoneOf(g.Id)).ToDictionary(z => z.Key, z => z.Count(), StringComparer.Ordinal);
        foreach (var zone in dues.GroupBy(d => ZoneOf(d.Gateway.Id)))
        {
            var candidates = zone.Where(d => !pass.LeftOut.Contains(d.Gateway.Id)).ToList();
            individual.AddRange(zone.Where(d => pass.LeftOut.Contains(d.Gateway.Id)));
            var joinable = pass.OpenByZone.TryGetValue(zone.Key, out var open) && now - open.OpenedAt <= options.MassOutageJoin;
            var quietHomes = quietByZone.GetValueOrDefault(zone.Key);
            if (candidates.Count == 0 || (!joinable && (quietHomes < options.MassOutageHomes || quietHomes < options.MassOutageShare * homesByZone.GetValueOrDefault(zone.Key))))
            {
                individual.AddRange(candidates);
                continue;
            }

            var outage = joinable ? open! : await archive.OpenOutageAsync(zone.Key, now, ct).ConfigureAwait(false);
            var joined = await archive.JoinOutageAsync(outage.Id, [.. candidates.Select(d => new OutageHome(outage.Id, d.Gateway.Id, d.Kind, d.QuietSince, null))], ct).ConfigureAwait(false);
            if (joined is null)
            {
                // Closed by another instance between our read and our join: these homes alarm one by one.
                individual.AddRange(candidates);
                continue;
            }

            if (joined > 0)
            {
                LogJoined(logger, joined.Value, zone.Key, outage.Id);
                changes.Publish(new CentreChange("outage", null, null));
            }
        }

        return individual;
    }

    /// <summary>The closing line: how many came back and which did not (by gateway, at most <see cref="NamedInSummary"/> named).</summary>
    internal static string Summary(OutageRecord o, IReadOnlyList<string> stillOut)
    {
        var returned = o.Homes - stillOut.Count;
        if (o.Homes == 0)
        {
            return "no home joined it";
        }

        if (stillOut.Count == 0)
        {
            return $"all {o.Homes} homes back";
        }

        var named = string.Join(", ", stillOut.Take(NamedInSummary)) + (stillOut.Count > NamedInSummary ? $" and {stillOut.Count - NamedInSummary} more" : "");
        return $"{returned} of {o.Homes} homes back; {stillOut.Count} not: {named} (each now its own alarm)";
    }

    [LoggerMessage(EventId = 3330, Level = LogLevel.Warning, Message = "Mass outage: {Count} homes of zone '{Zone}' joined incident {Outage} (an empty zone: homes without a resident record)")]
    private static partial void LogJoined(ILogger logger, int count, string zone, string outage);

    [LoggerMessage(EventId = 3331, Level = LogLevel.Information, Message = "Mass outage of zone '{Zone}' closed: {Returned} of {Homes} homes back, {StillOut} get their own alarms")]
    private static partial void LogClosed(ILogger logger, string zone, int returned, int homes, int stillOut);
}
