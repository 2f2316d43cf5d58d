using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Escalation;

namespace EdgeGateway.Centre.Supervision;

/// <summary>
/// One pass of supervision and escalation: raises offline, silent, sequence-gap and daily-test alarms from what the
/// archive holds and what was heard but not yet stored, then escalates untaken alarms. Passes never overlap.
/// </summary>
internal sealed class GatewaySupervisor(
    IArchive archive, IReadOnlyList<CentreConsumer> consumers, DutyCentreOptions options, ChangeFeed changes,
    StatusFollower follower, GatewayPaths paths, SupervisionAlarms alarms, MassOutages outages, Escalator escalator, CheckLoop loop) : IDisposable
{
    private const string OfflineKind = "offline";
    private const string SilentKind = "silent";

    private readonly TimeProvider _time = options.Time;
    private readonly Dictionary<CentreConsumer, bool> _sight = []; // each consumer's connection at the last pass (under _checking)
    private readonly SemaphoreSlim _checking = new(1, 1);
    private DateTimeOffset _connectedSince = options.Time.GetUtcNow();
    private DateTimeOffset _lastGapCheck = DateTimeOffset.MinValue;

    private bool AnyConnected => consumers.Count == 0 || consumers.Any(c => c.IsConnected);

    /// <summary>Our consumers are connected as of now: silence is counted from here, not from before the start.</summary>
    public void Connected() => _connectedSince = _time.GetUtcNow();

    /// <summary>One pass as of now.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            loop.Reset();
            if (!AnyConnected)
            {
                // Our own link is down: every gateway would look silent. Count silence again from the reconnect.
                _connectedSince = now;
            }

            var sightChanged = SightChanged();
            var all = await archive.GatewaysAsync(cancellationToken).ConfigureAwait(false);
            var pass = await outages.BeginAsync(now, cancellationToken).ConfigureAwait(false);
            var dues = new List<MassOutages.Due>();
            foreach (var g in all)
            {
                await SuperviseAsync(g, now, pass, dues, cancellationToken).ConfigureAwait(false);
                if (sightChanged.Count > 0 && paths.HeardThroughAny(g, sightChanged))
                {
                    // Nothing arrives when we lose (or regain) a broker, yet the path we heard through it is no longer (again) known up.
                    changes.Publish(new CentreChange("gateway", null, g));
                }
            }

            // Offline and silent alarms are decided together: many of one zone at once are one incident, not many cards.
            foreach (var due in await outages.AbsorbAsync(pass, dues, g => Quiet(g, now), all, now, cancellationToken).ConfigureAwait(false))
            {
                await alarms.RaiseAsync(due.Alarm, cancellationToken).ConfigureAwait(false);
            }

            foreach (var due in dues.Where(d => d.Kind == SilentKind))
            {
                // Raised (or held in an incident) before marking: an instance dying in between leaves the gateway online and the next pass finishes.
                if (await archive.MarkSilentAsync(due.Gateway.Id, now, cancellationToken).ConfigureAwait(false))
                {
                    changes.Publish(new CentreChange("gateway", null, await archive.GatewayAsync(due.Gateway.Id, cancellationToken).ConfigureAwait(false)));
                }
            }

            if (now - _lastGapCheck >= TimeSpan.FromSeconds(30) || now < _lastGapCheck)
            {
                _lastGapCheck = now;
                foreach (var gap in await archive.GapsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (gap.NextReceivedAt + options.GapGrace <= now)
                    {
                        var range = gap.First == gap.Last ? $"event {gap.First}" : $"events {gap.First}–{gap.Last}";
                        await alarms.RaiseAsync(new SupervisionAlarm($"gap:{gap.Gateway}:{gap.BootId:D}:{gap.First}-{gap.Last}", gap.Gateway, SupervisionTypes.SequenceGap, 6,
                            $"{range} of boot {gap.BootId.ToString("D")[..8]} never arrived", now), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await escalator.EscalateAsync(now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checking.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _checking.Dispose();

    // The consumers whose connection went down or came back since the last pass.
    private List<CentreConsumer> SightChanged()
    {
        var changed = new List<CentreConsumer>();
        foreach (var c in consumers)
        {
            var connected = c.IsConnected;
            if (_sight.TryGetValue(c, out var was) && was != connected)
            {
                changed.Add(c);
            }

            _sight[c] = connected;
        }

        return changed;
    }

    // Quiet for mass-outage counting: offline, marked silent, or online with a heartbeat overdue by more than the margin.
    private bool Quiet(GatewayRecord g, DateTimeOffset now) => g.State != GatewayStates.Online
        || Instants.Max(Instants.Max(g.LastHeartbeatAt ?? g.StatusAt ?? g.FirstSeen, _connectedSince) + g.HeartbeatInterval + options.SilentMargin, follower.HeardOf(g.Id).At + g.HeartbeatInterval) < now;

    private async Task SuperviseAsync(GatewayRecord g, DateTimeOffset now, MassOutages.Pass pass, List<MassOutages.Due> dues, CancellationToken ct)
    {
        // What was received but may not be stored yet (the follow queue's backlog) counts as much as what is.
        var heard = follower.HeardOf(g.Id);
        var held = pass.Held.Contains(g.Id); // in an open mass outage: the incident speaks for it until it closes
        if (g.State == GatewayStates.Offline && g.OfflineSince is { } since && !held)
        {
            // A birth or heartbeat received after the will says it is back; bounded, so one that is never stored still alarms.
            var offlineAt = Instants.Max(since, heard.At) + options.OfflineGrace;
            if (offlineAt > now)
            {
                loop.Due(offlineAt);
            }
            else
            {
                // The episode is named by what every instance agrees on (the first recorded offline instant), so it is raised once.
                dues.Add(new(g, OfflineKind, since, new SupervisionAlarm($"offline:{g.Id}:{since.ToUnixTimeMilliseconds()}", g.Id, SupervisionTypes.Offline, 2,
                    $"gateway {g.Id} offline since {Instants.Clock(since)} (its last will) and not back", now)));
            }
        }

        if (g.State == GatewayStates.Online && !held)
        {
            var last = Instants.Max(g.LastHeartbeatAt ?? g.StatusAt ?? g.FirstSeen, _connectedSince);

            // The pass starts SilentLead early so that the alarm is stored within the budget, not a pass's duration after it.
            var silentAt = Instants.Max(last + options.SilenceBudget(g.HeartbeatInterval), heard.SilentAt);
            if (silentAt > now)
            {
                loop.Due(silentAt);
            }
            else
            {
                var lastHeard = g.LastHeartbeatAt ?? g.StatusAt ?? g.FirstSeen;
                dues.Add(new(g, SilentKind, lastHeard, new SupervisionAlarm($"silent:{g.Id}:{g.BootId:D}:{HeartbeatTime(g)}", g.Id, SupervisionTypes.Silent, 2,
                    $"gateway {g.Id} silent: no heartbeat since {Instants.Clock(lastHeard)} (every {g.HeartbeatInterval.TotalSeconds:0} s expected), no last will", now)));
            }
        }

        if (options.DailyTestBy is { } by)
        {
            var deadline = LastDeadline(now, by);
            var windowStart = deadline - TimeSpan.FromDays(1);
            if (g.FirstSeen <= windowStart && (g.LastDailyTestAt is not { } last || last <= windowStart))
            {
                var day = TimeZoneInfo.ConvertTime(deadline, options.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                await alarms.RaiseAsync(new SupervisionAlarm($"daily-test:{g.Id}:{day}", g.Id, SupervisionTypes.DailyTestMissing, 5,
                    $"no daily test from {g.Id} by {by:HH\\:mm} on {day}" + (g.LastDailyTestAt is { } t ? $" (last {Instants.Clock(t)})" : " (never)"), now), ct).ConfigureAwait(false);
            }
        }
    }

    private static string HeartbeatTime(GatewayRecord g)
    {
        if (g.Heartbeat is null)
        {
            return "none";
        }

        try
        {
            using var doc = JsonDocument.Parse(g.Heartbeat);
            return doc.RootElement.TryGetProperty("time", out var t) ? t.GetString() ?? "none" : "none";
        }
        catch (JsonException)
        {
            return "none";
        }
    }

    private DateTimeOffset LastDeadline(DateTimeOffset now, TimeOnly by)
    {
        var local = TimeZoneInfo.ConvertTime(now, options.Zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < 3; i++, date = date.AddDays(-1))
        {
            var wall = date.ToDateTime(by);
            var offset = options.Zone.IsInvalidTime(wall) ? options.Zone.GetUtcOffset(wall.AddHours(1)) : options.Zone.GetUtcOffset(wall);
            var deadline = new DateTimeOffset(wall, offset);
            if (deadline <= now)
            {
                return deadline;
            }
        }

        return now;
    }
}
