using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// <c>central-scale --real-connections</c> (issue 33): every simulated gateway its own MQTT connection, client id, keep-alive
/// and last will (<see cref="LeanFleet"/>), so the broker holds N sessions, wills and keep-alives as in the field; the two
/// centrals on PostgreSQL as in the shared-connection mode. Steady-state publish → ack, a frozen gateway offline on the page,
/// silent alarms, and what each side spends per connection.
/// </summary>
internal static partial class CentralScaleRunner
{
    private sealed record Sample(long Mosquitto, long A, long B, long Load);

    private static async Task<int> RunRealConnectionsAsync(Options o)
    {
        var budgetOffline = (1.5 * o.KeepAliveSeconds) + 2;
        Console.WriteLine($"central-scale --real-connections: {o.Gateways} gateways, each its own MQTT connection (keep-alive {o.KeepAliveSeconds} s, retained birth, last will), " +
            $"heartbeat every {o.IntervalSeconds} s, {o.EventRate} events/s, connecting at {o.ConnectRate}/s, steady state {o.DurationSeconds} s, {o.Frozen} frozen + {o.Frozen} killed, {o.Killed} muted; " +
            "2 central instances, 1 PostgreSQL, 1 mosquitto");

        ProcStat.RaiseFdLimitFor(o.Gateways);

        await using var broker = await MosquittoBroker.StartAsync("max_queued_messages 1000000\nmax_inflight_messages 1000\n" +
            // N retained statuses: mosquitto's own default (save every 30 min) instead of the fixture's every second, which would rewrite them all each second.
            "autosave_interval 1800\n");
        var brokerPid = broker.ProcessId!.Value;
        await using var pg = await PostgresServer.StartAsync();
        var database = await pg.CreateDatabaseAsync();
        var webPort = MosquittoBroker.FreePort();
        var centrals = new List<CliProcess>();
        try
        {
            var a = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-a", "--store", database, "--web", $"127.0.0.1:{webPort}");
            centrals.Add(a);
            var b = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-b", "--store", database);
            centrals.Add(b);
            await WaitForCentralsAsync(broker, database, a, b);

            var n = ProcStat.GatewaysThatFit(o.Gateways, brokerPid);

            var before = Rss(brokerPid, a, b);
            await using var fleet = new LeanFleet(new LeanFleetOptions(IPAddress.Loopback, broker.Port, n)
            {
                IdPrefix = "sim-",
                KeepAlive = TimeSpan.FromSeconds(o.KeepAliveSeconds),
                HeartbeatInterval = TimeSpan.FromSeconds(o.IntervalSeconds),
            });
            var ids = Enumerable.Range(0, n).Select(fleet.IdOf).ToArray();
            var connecting = Stopwatch.StartNew();
            fleet.ConnectAll(TimeSpan.FromSeconds(n / o.ConnectRate));
            var allConnected = await fleet.WaitConnectedAsync(n, TimeSpan.FromSeconds((n / o.ConnectRate) + 120));
            Console.WriteLine($"connect: {fleet.Connected} of {n} connected in {connecting.Elapsed.TotalSeconds:F1} s ({fleet.Drops} drops{(fleet.LastDropReason is { } why ? $", last: {why}" : "")})");

            await using var conn = new NpgsqlConnection(database);
            await conn.OpenAsync();
            var births = Stopwatch.StartNew();
            long online = 0;
            while (births.Elapsed < TimeSpan.FromSeconds(120) && (online = await ScalarAsync(conn, "SELECT COUNT(*) FROM gateways WHERE id LIKE 'sim-%' AND state = 'online'")) < n)
            {
                await Task.Delay(500);
            }

            Console.WriteLine($"births: {online} of {n} gateways online in the archive {births.Elapsed.TotalSeconds:F1} s after the last CONNACK");

            // Events over random live homes, one in ten an alarm; a gateway frozen, killed or muted raises none (its home is down or hung).
            var excluded = new bool[n];
            using var stopEvents = new CancellationTokenSource();
            var events = Task.Run(async () =>
            {
                var random = new Random(17);
                long raised = 0;
                var begin = Stopwatch.StartNew();
                while (!stopEvents.IsCancellationRequested)
                {
                    for (var due = (long)(begin.Elapsed.TotalSeconds * o.EventRate); raised < due; raised++)
                    {
                        var g = random.Next(n);
                        if (!Volatile.Read(ref excluded[g]))
                        {
                            fleet.RaiseEvent(g, alarm: random.Next(10) == 0);
                        }
                    }

                    await Task.Delay(10);
                }
            });

            // One interval so every gateway has beaten once before the steady state is measured.
            fleet.StartHeartbeats();
            await Task.Delay(TimeSpan.FromSeconds(o.IntervalSeconds));
            var steadyFrom = fleet.Elapsed;
            var cpuFrom = Cpu(brokerPid, a, b);
            var maxConnected = fleet.Connected;
            var steady = Stopwatch.StartNew();
            while (steady.Elapsed < TimeSpan.FromSeconds(o.DurationSeconds))
            {
                await Task.Delay(1000);
                maxConnected = Math.Max(maxConnected, fleet.Connected);
            }

            var cpuTo = Cpu(brokerPid, a, b);
            var steadyTo = fleet.Elapsed;
            var seconds = (steadyTo - steadyFrom).TotalSeconds;
            var after = Rss(brokerPid, a, b);
            var peakSteady = new Sample(ProcStat.StatusKb(brokerPid, "VmHWM"), ProcStat.StatusKb(a.Id, "VmHWM"), ProcStat.StatusKb(b.Id, "VmHWM"), ProcStat.StatusKb(Environment.ProcessId, "VmHWM"));
            var connectedAtEnd = fleet.Connected;
            var drops = fleet.Drops;

            Console.WriteLine($"(a) {maxConnected} of {o.Gateways} gateways connected at once, each its own connection, client id, keep-alive and will ({connectedAtEnd} at the end of the steady state, {drops} connections lost) " +
                $"— {(allConnected && maxConnected >= o.Gateways ? "met" : "missed")}");

            // Steady state: events raised in the window; one not acked by the end of the run counts as slower than any acked.
            var result = allConnected && maxConnected >= o.Gateways ? 0 : 1;
            var frozen = Enumerable.Range(0, o.Frozen).ToList();
            var killed = Enumerable.Range(o.Frozen, o.Frozen).ToList();
            var muted = Enumerable.Range(n - o.Killed, o.Killed).ToList();

            // (c) frozen: the broker finds out by keep-alive; the page's live feed and its list say offline.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/"), Timeout = TimeSpan.FromSeconds(60) };
            var (frozenFeed, frozenList, listMs) = await OfflineOnPageAsync(http, fleet, frozen, excluded, fleet.Freeze, TimeSpan.FromSeconds(budgetOffline + 30));
            var worstFrozen = frozenFeed.Length == frozen.Count && frozenList.Length == frozen.Count ? Math.Max(frozenFeed[^1], frozenList[^1]) : double.PositiveInfinity;
            Console.WriteLine($"offline on the page after a freeze (no FIN: the broker's keep-alive), {frozen.Count} gateways: live feed p50 {P(frozenFeed, 0.5):F1} s max {Max(frozenFeed):F1} s, " +
                $"api/gateways (100 ms poll, one call {P(listMs, 0.5):F0} ms p50, {Max(listMs):F0} ms max) p50 {P(frozenList, 0.5):F1} s max {Max(frozenList):F1} s " +
                $"— (c) target ≤ 1.5 × {o.KeepAliveSeconds} s + 2 s = {budgetOffline:F1} s: {(worstFrozen <= budgetOffline ? "met" : "missed")}");
            result |= worstFrozen <= budgetOffline ? 0 : 1;

            var (killedFeed, killedList, _) = await OfflineOnPageAsync(http, fleet, killed, excluded, fleet.Kill, TimeSpan.FromSeconds(30));
            Console.WriteLine($"offline on the page after a kill (FIN: the broker publishes the will at once), {killed.Count} gateways: live feed p50 {P(killedFeed, 0.5):F2} s max {Max(killedFeed):F2} s, " +
                $"api/gateways p50 {P(killedList, 0.5):F2} s max {Max(killedList):F2} s (info)");

            // (d) muted: pings go on (online), heartbeats stop: the centre's silent alarm.
            var notBeating = frozen.Concat(killed).Select(g => ids[g]).ToHashSet(StringComparer.Ordinal);
            if (muted.Count > 0)
            {
                var silenceOk = await MeasureSilenceAsync(conn, ids, muted, () =>
                {
                    foreach (var g in muted)
                    {
                        Volatile.Write(ref excluded[g], true);
                    }

                    fleet.Mute(muted);
                }, g => fleet.LastHeartbeat(g) ?? DateTimeOffset.MinValue, o.IntervalSeconds, notBeating);
                result |= silenceOk ? 0 : 1;
            }

            await stopEvents.CancelAsync();
            await events;
            var drain = Stopwatch.StartNew();
            while (fleet.Pending > 0 && drain.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            var all = fleet.Events;
            var inWindow = all.Where(e => e.Raised >= steadyFrom && e.Raised < steadyTo).ToList();
            var latencies = inWindow.Select(e => e.Acked is { } acked && e.FirstSent is { } sent ? (acked - sent).TotalMilliseconds : double.PositiveInfinity).Order().ToArray();
            var p99 = P(latencies, 0.99);
            Console.WriteLine($"(b) publish → ack in the steady state ({seconds:F0} s, {inWindow.Count} events, {inWindow.Count(e => e.Alarm)} alarms): p50 {P(latencies, 0.5):F1} ms, p99 {p99:F1} ms, max {Max(latencies):F0} ms, " +
                $"{inWindow.Count(e => e.Retransmissions > 0)} retransmitted — target p99 ≤ 1000 ms: {(p99 <= 1000 ? "met" : "missed")}");
            result |= p99 <= 1000 ? 0 : 1;

            var stored = new HashSet<Guid>();
            long rows = 0;
            await using (var cmd = new NpgsqlCommand("SELECT id FROM events WHERE gateway LIKE 'sim-%'", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    rows++;
                    stored.Add(Guid.Parse(r.GetString(0)));
                }
            }

            Console.WriteLine($"events: {all.Count} raised, {fleet.Acked} acked, {fleet.Pending} pending after a {drain.Elapsed.TotalSeconds:F0} s drain, {fleet.Retransmissions} retransmissions; " +
                $"{rows} rows: {all.Count(e => !stored.Contains(e.Id))} lost, {rows - stored.Count} duplicated");

            // What sets the limit: each side's memory per connection, descriptors against the limit, the single-threaded broker's CPU.
            Console.WriteLine($"limits at {connectedAtEnd} connections (RSS before the fleet → at the end of the steady state; peak (VmHWM) then and after the page checks; per connection = the growth / {n}):");
            void Side(string name, int pid, long from, long to, long peak, double cpu) =>
                Console.WriteLine($"  {name,-10} RSS {from / 1024.0:F0} → {to / 1024.0:F0} MB (peak {peak / 1024.0:F0} MB, {ProcStat.StatusKb(pid, "VmHWM") / 1024.0:F0} MB at the end), {(to - from) * 1024.0 / n / 1024:F1} KB per connection; " +
                    $"fds {ProcStat.Fds(pid)} of {ProcStat.FdLimit(pid).Soft}; CPU {cpu / seconds * 100:F1} % of one core over the steady state");
            Side("mosquitto", brokerPid, before.Mosquitto, after.Mosquitto, peakSteady.Mosquitto, cpuTo.Mosquitto - cpuFrom.Mosquitto);
            Side("central-a", a.Id, before.A, after.A, peakSteady.A, cpuTo.A - cpuFrom.A);
            Side("central-b", b.Id, before.B, after.B, peakSteady.B, cpuTo.B - cpuFrom.B);
            Side("load", Environment.ProcessId, before.Load, after.Load, peakSteady.Load, cpuTo.Load - cpuFrom.Load);
            return result;
        }
        finally
        {
            foreach (var c in centrals)
            {
                c.Kill();
                await c.DisposeAsync();
            }
        }
    }

    private static Sample Rss(int broker, CliProcess a, CliProcess b) =>
        new(ProcStat.StatusKb(broker, "VmRSS"), ProcStat.StatusKb(a.Id, "VmRSS"), ProcStat.StatusKb(b.Id, "VmRSS"), ProcStat.StatusKb(Environment.ProcessId, "VmRSS"));

    private static (double Mosquitto, double A, double B, double Load) Cpu(int broker, CliProcess a, CliProcess b) =>
        (ProcStat.CpuSeconds(broker), ProcStat.CpuSeconds(a.Id), ProcStat.CpuSeconds(b.Id), ProcStat.CpuSeconds(Environment.ProcessId));

    private static double Max(double[] sorted) => sorted.Length == 0 ? double.NaN : sorted[^1];

    // Both instances follow status, so the first retained one stored means at least one is subscribed; give the other a moment.
    private static async Task WaitForCentralsAsync(MosquittoBroker broker, string database, CliProcess a, CliProcess b)
    {
        var factory = new MqttClientFactory();
        using var probe = factory.CreateMqttClient();
        await probe.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("load-probe").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await probe.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Status("probe")).WithPayload(GatewayStatus.Online(Guid.NewGuid())).WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await using var archive = await PostgresArchive.OpenAsync(database);
        var ready = Stopwatch.StartNew();
        while (await archive.GatewayAsync("probe") is null)
        {
            if (ready.Elapsed > TimeSpan.FromSeconds(60) || a.HasExited || b.HasExited)
            {
                throw new InvalidOperationException($"the centrals did not start: a: {a.StdErr} b: {b.StdErr}");
            }

            await Task.Delay(100);
        }

        await probe.DisconnectAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
    }

    /// <summary>
    /// Stops <paramref name="victims"/> with <paramref name="stop"/> at once and measures, per gateway, the seconds until the
    /// page shows it offline: on the live feed it follows (api/events/stream) and in api/gateways, polled every 100 ms.
    /// </summary>
    private static async Task<(double[] Feed, double[] List, double[] ListMs)> OfflineOnPageAsync(HttpClient http, LeanFleet fleet, List<int> victims, bool[] excluded, Action<int> stop, TimeSpan patience)
    {
        var watched = victims.ToDictionary(fleet.IdOf, g => g, StringComparer.Ordinal);
        var feed = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var list = new Dictionary<string, double>(StringComparer.Ordinal);
        var listMs = new List<double>();
        using var done = new CancellationTokenSource();
        using var response = await http.GetAsync(new Uri("api/events/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        var reader = Task.Run(async () =>
        {
            using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(done.Token));
            var kind = "";
            while (!done.IsCancellationRequested && await lines.ReadLineAsync(done.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line[7..];
                }
                else if (kind == "gateway" && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    using var json = JsonDocument.Parse(line[6..]);
                    var id = json.RootElement.GetProperty("id").GetString()!;
                    if (watched.ContainsKey(id) && json.RootElement.GetProperty("state").GetString() == "offline")
                    {
                        feed.TryAdd(id, clock.Elapsed.TotalSeconds);
                    }
                }
            }
        });

        // The feed is open before the stop, so no change is missed.
        await Task.Delay(500);
        clock.Restart();
        foreach (var g in victims)
        {
            Volatile.Write(ref excluded[g], true);
            stop(g);
        }

        while (clock.Elapsed < patience && (list.Count < victims.Count || feed.Count < victims.Count))
        {
            var call = Stopwatch.StartNew();
            using (var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/gateways", UriKind.Relative))))
            {
                var seen = clock.Elapsed.TotalSeconds;
                listMs.Add(call.Elapsed.TotalMilliseconds);
                foreach (var g in doc.RootElement.EnumerateArray())
                {
                    var id = g.GetProperty("id").GetString()!;
                    if (watched.ContainsKey(id) && g.GetProperty("state").GetString() == "offline")
                    {
                        list.TryAdd(id, seen);
                    }
                }
            }

            var wait = TimeSpan.FromMilliseconds(100) - call.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        await done.CancelAsync();
        try
        {
            await reader;
        }
        catch (OperationCanceledException)
        {
            // The feed ends with the measurement.
        }

        return (feed.Values.Order().ToArray(), list.Values.Order().ToArray(), listMs.Order().ToArray());
    }
}
