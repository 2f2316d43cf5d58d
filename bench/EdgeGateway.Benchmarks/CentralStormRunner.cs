using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.TestSupport;
using Npgsql;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Stopwatch runner (<c>-- central-storm</c>, issue 33): N homes, each its own MQTT connection and will (<see cref="LeanFleet"/>),
/// spread over zones, lose the network at once for an outage while they keep raising events (on average E each, one home in
/// a thousand a real alarm), then all come back within a reconnect window; two <c>central</c> processes on one PostgreSQL.
/// Prints each target of the issue on a line ending in <c>met</c> or <c>missed</c>.
/// </summary>
internal static class CentralStormRunner
{
    private sealed record Options(int Gateways, int Zones, int OutageSeconds, double EventsPerHome, double AlarmHomesPerThousand, int ReconnectSeconds, int RoutineSpreadSeconds, int StayDown, int KeepAliveSeconds, int IntervalSeconds)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(20_000, 20, 300, 10, 1, 60, 600, 5, 15, 60);
            for (var i = 1; i < args.Length; i += 2)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
                double Number(double min, double max) =>
                    double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : throw new ArgumentException($"{args[i]} '{value}' is invalid: expected {min} to {max}");
                o = args[i] switch
                {
                    "--gateways" => o with { Gateways = (int)Number(10, 100_000) },
                    "--zones" => o with { Zones = (int)Number(1, 1000) },
                    "--outage" => o with { OutageSeconds = (int)Number(10, 3600) },
                    "--events-per-home" => o with { EventsPerHome = Number(0, 1000) },
                    "--alarm-homes-per-1000" => o with { AlarmHomesPerThousand = Number(0, 1000) },
                    "--reconnect" => o with { ReconnectSeconds = (int)Number(0, 3600) },
                    "--routine-spread" => o with { RoutineSpreadSeconds = (int)Number(0, 14_400) },
                    "--stay-down" => o with { StayDown = (int)Number(0, 100_000) },
                    "--keep-alive" => o with { KeepAliveSeconds = (int)Number(2, 600) },
                    "--interval" => o with { IntervalSeconds = (int)Number(10, 3600) },
                    _ => throw new ArgumentException($"unknown option {args[i]}: expected --gateways, --zones, --outage, --events-per-home, --alarm-homes-per-1000, --reconnect, --routine-spread, --stay-down, --keep-alive, --interval"),
                };
            }

            return o.StayDown >= o.Gateways ? throw new ArgumentException("--stay-down must be fewer than --gateways") : o;
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"central-storm: {ex.Message}");
            return 2;
        }

                Console.WriteLine($"central-storm: {o.Gateways} homes in {o.Zones} zones, each its own MQTT connection (keep-alive {o.KeepAliveSeconds} s, will), heartbeat every {o.IntervalSeconds} s; " +
            $"network cut for {o.OutageSeconds} s while they raise {o.EventsPerHome} events each on average ({o.AlarmHomesPerThousand} homes in 1000 a real alarm), then back within {o.ReconnectSeconds} s " +
            $"({o.StayDown} stay down); the gateways hold routine reports up to {o.RoutineSpreadSeconds} s after an outage; 2 central instances, 1 PostgreSQL, 1 mosquitto");
        ProcStat.RaiseFdLimitFor(o.Gateways);
        await using var broker = await MosquittoBroker.StartAsync("max_queued_messages 1000000\nmax_inflight_messages 1000\nautosave_interval 1800\n");
        await using var pg = await PostgresServer.StartAsync();
        var database = await pg.CreateDatabaseAsync();
        var webPort = MosquittoBroker.FreePort();
        var a = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-a", "--store", database, "--web", $"127.0.0.1:{webPort}");
        var b = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-b", "--store", database);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}"), Timeout = TimeSpan.FromSeconds(30) };
        var result = 0;
        try
        {
            await using var conn = new NpgsqlConnection(database);
            await conn.OpenAsync();

            // Measured once the centrals, PostgreSQL and our connection to it hold their descriptors.
            var asked = o.Gateways;
            o = o with { Gateways = ProcStat.GatewaysThatFit(o.Gateways, broker.ProcessId!.Value) };
            await using var fleet = new LeanFleet(new LeanFleetOptions(IPAddress.Loopback, broker.Port, o.Gateways)
            {
                IdPrefix = "home-",
                KeepAlive = TimeSpan.FromSeconds(o.KeepAliveSeconds),
                HeartbeatInterval = TimeSpan.FromSeconds(o.IntervalSeconds),
                RoutineSpread = TimeSpan.FromSeconds(o.RoutineSpreadSeconds),
            });
            var wallAtZero = DateTimeOffset.UtcNow - fleet.Elapsed;
            fleet.ConnectAll(TimeSpan.FromSeconds(o.Gateways / 1000.0));
            var connected = await fleet.WaitConnectedAsync(o.Gateways, TimeSpan.FromMinutes(5));
            await Until(async () => await Scalar(conn, "SELECT COUNT(*) FROM gateways WHERE id LIKE 'home-%'") == o.Gateways, TimeSpan.FromMinutes(5), a, b);
            Console.WriteLine($"connected: {fleet.Connected} of {o.Gateways}{(asked > o.Gateways ? $" ({asked} asked; the rest did not fit the descriptor limit)" : "")}, every birth stored — {(connected && asked == o.Gateways ? "met" : "missed")}");

            // Each home's zone, as a resident record gives it (the bench writes the plain zone column straight, sealed part empty).
            var zoneOf = Enumerable.Range(0, o.Gateways).Select(i => $"zone-{i % o.Zones:00}").ToArray();
            await using (var insert = new NpgsqlCommand("INSERT INTO residents (gateway, zone, sealed, updated_ms, updated_by) SELECT g, z, '-', 0, 'bench' FROM unnest(@g, @z) AS t(g, z)", conn))
            {
                insert.Parameters.AddWithValue("g", Enumerable.Range(0, o.Gateways).Select(fleet.IdOf).ToArray());
                insert.Parameters.AddWithValue("z", zoneOf);
                await insert.ExecuteNonQueryAsync();
            }

            fleet.StartHeartbeats();
            var memory = new MemoryWatch(a, b);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, o.IntervalSeconds)));
            var steadyPeak = memory.TakePeak();

            // The cut, and the homes' events during it: uniformly spread; the alarm homes' alarms at random moments.
            var random = new Random(33);
            var cutAt = fleet.Elapsed;
            fleet.CutAll();
            Console.WriteLine($"t=0: network cut for all {o.Gateways} homes");
            var total = (int)Math.Round(o.Gateways * o.EventsPerHome);
            var alarmHomes = (int)Math.Round(o.Gateways * o.AlarmHomesPerThousand / 1000);
            var alarmAt = Enumerable.Range(0, alarmHomes).Select(_ => (Home: random.Next(o.Gateways), At: random.NextDouble() * o.OutageSeconds)).OrderBy(x => x.At).ToList();
            var raised = new List<FleetEvent>(total + alarmHomes);
            var outageClock = Stopwatch.StartNew();
            var sentRoutine = 0;
            var nextAlarm = 0;
            while (outageClock.Elapsed.TotalSeconds < o.OutageSeconds)
            {
                var due = (int)(total * outageClock.Elapsed.TotalSeconds / o.OutageSeconds);
                for (; sentRoutine < due; sentRoutine++)
                {
                    raised.Add(fleet.RaiseEvent(random.Next(o.Gateways), alarm: false));
                }

                for (; nextAlarm < alarmAt.Count && alarmAt[nextAlarm].At <= outageClock.Elapsed.TotalSeconds; nextAlarm++)
                {
                    raised.Add(fleet.RaiseEvent(alarmAt[nextAlarm].Home, alarm: true));
                }

                await Task.Delay(100);
            }

            for (; nextAlarm < alarmAt.Count; nextAlarm++)
            {
                raised.Add(fleet.RaiseEvent(alarmAt[nextAlarm].Home, alarm: true));
            }

            // The page during the outage: one incident per zone with a count, not an offline card per home.
            var during = await Outages(http);
            var open = during.Where(x => x.State == "open").ToList();
            var individualDuring = await Scalar(conn, $"SELECT COUNT(*) FROM alarms WHERE type IN ('{SupervisionTypes.Offline}', '{SupervisionTypes.Silent}')");
            Console.WriteLine($"page during the outage: {open.Count} open incidents for {o.Zones} zones, {open.Sum(x => x.Homes)} of {o.Gateways} homes in them (e.g. \"{open.FirstOrDefault()?.Text}\"), " +
                $"{individualDuring} offline or silent cards — {(open.Count == o.Zones && open.Sum(x => x.Homes) == o.Gateways && individualDuring == 0 ? "met" : "missed")}");

            // Back within the reconnect window, except those that stay down (their power stays off).
            var stayDown = Enumerable.Range(0, o.Gateways).OrderBy(_ => random.Next()).Take(o.StayDown).ToHashSet();
            var backAt = fleet.Elapsed;
            fleet.ReconnectAll(TimeSpan.FromSeconds(o.ReconnectSeconds), stayDown);
            Console.WriteLine($"t={(fleet.Elapsed - cutAt).TotalSeconds:F0} s: {o.Gateways - stayDown.Count} homes reconnect within {o.ReconnectSeconds} s, {stayDown.Count} stay down");

            // Every real alarm on the page (the API it reads) within 30 s of its home reconnecting.
            var alarms = raised.Where(e => e.Alarm && !stayDown.Contains(e.Gateway)).ToList();
            var onPage = new Dictionary<Guid, TimeSpan>();
            var watch = Stopwatch.StartNew();
            while (onPage.Count < alarms.Count && watch.Elapsed < TimeSpan.FromSeconds(o.ReconnectSeconds + 120))
            {
                var ids = await AlarmIds(http);
                foreach (var e in alarms.Where(e => !onPage.ContainsKey(e.Id) && ids.Contains(e.Id)))
                {
                    onPage[e.Id] = fleet.Elapsed;
                }

                await Task.Delay(250);
            }

            var pageDelays = alarms.Where(e => onPage.ContainsKey(e.Id)).Select(e => (onPage[e.Id] - fleet.ConnectedAt(e.Gateway)[^1]).TotalSeconds).Order().ToArray();
            Console.WriteLine($"real alarms on the page after their home reconnected (250 ms poll): {pageDelays.Length} of {alarms.Count}, max {Max(pageDelays):F2} s, p50 {P(pageDelays, 0.5):F2} s — target ≤ 30 s: {(pageDelays.Length == alarms.Count && Max(pageDelays) <= 30 ? "met" : "missed")}");

            // Drain: every event of a home that came back acked (the routine ones after the gateways' spread).
            var drainLimit = TimeSpan.FromSeconds(o.ReconnectSeconds + o.RoutineSpreadSeconds + 300);
            var back = raised.Where(e => !stayDown.Contains(e.Gateway)).ToList();
            watch.Restart();
            while (back.Any(e => e.Acked is null) && watch.Elapsed < drainLimit)
            {
                await Task.Delay(1000);
            }

            // Fleet-wide priority: routine events (of any home) the centre acked while an alarm was on its way (its home back, alarm not yet acked).
            var alarmLatency = alarms.Where(e => e.Acked is not null).Select(e => (e.Acked!.Value - fleet.ConnectedAt(e.Gateway)[^1]).TotalSeconds).Order().ToArray();
            var routineAcks = back.Where(e => !e.Alarm && e.Acked is not null).Select(e => e.Acked!.Value).Order().ToArray();
            var meanwhile = alarms.Where(e => e.Acked is not null).Select(e => routineAcks.Count(t => t > fleet.ConnectedAt(e.Gateway)[^1] && t < e.Acked!.Value)).DefaultIfEmpty(0).Max();
            var drained = routineAcks.Length == 0 ? double.NaN : (routineAcks[^1] - backAt).TotalSeconds;
            Console.WriteLine($"alarms ahead of the routine backlog: every alarm acked at most {Max(alarmLatency):F2} s after its home reconnected (p50 {P(alarmLatency, 0.5):F2} s); " +
                $"while one was on its way the centre acked at most {meanwhile} of {routineAcks.Length} routine events from the fleet; the routine backlog drained {drained:F0} s into the return — " +
                $"{(alarmLatency.Length == alarms.Count && Max(alarmLatency) <= 5 && meanwhile * 100 <= routineAcks.Length ? "met" : "missed")}");

            // Nothing lost, nothing twice: the archive against what the homes raised.
            var stored = await Scalar(conn, "SELECT COUNT(*) FROM events WHERE gateway LIKE 'home-%'");
            var alarmRows = await Scalar(conn, "SELECT COUNT(*) FROM alarms WHERE origin = 'gateway'");
            var unacked = back.Count(e => e.Acked is null);
            Console.WriteLine($"events: {back.Count} raised by homes that came back, {stored} stored, {unacked} never acked after a {watch.Elapsed.TotalSeconds:F0} s drain, {fleet.Retransmissions} retransmissions; " +
                $"{alarmRows} alarm rows for {alarms.Count} alarms — nothing lost, nothing twice: {(stored == back.Count && unacked == 0 && alarmRows == alarms.Count ? "met" : "missed")}");

            // The incidents close once the returns settle (2 min after the last), naming the homes not back; those alarm alone.
            watch.Restart();
            List<OutageView> after;
            do
            {
                await Task.Delay(2000);
                after = await Outages(http);
            }
            while (after.Any(x => x.State == "open") && watch.Elapsed < TimeSpan.FromMinutes(6));

            var returned = after.Sum(x => x.Returned);
            var offline = await Scalar(conn, $"SELECT COUNT(*) FROM alarms WHERE type = '{SupervisionTypes.Offline}'");
            var silent = await Scalar(conn, $"SELECT COUNT(*) FROM alarms WHERE type = '{SupervisionTypes.Silent}'");
            var named = after.SelectMany(x => x.NotReturned).ToHashSet(StringComparer.Ordinal);
            Console.WriteLine($"incidents closed: {after.Count(x => x.State == "closed")} of {after.Count}, {returned} of {o.Gateways} homes back (e.g. \"{after.FirstOrDefault(x => x.NotReturned.Count > 0)?.Summary}\"); " +
                $"{offline} offline and {silent} silent alarms for the {stayDown.Count} homes not back — " +
                $"{(after.All(x => x.State == "closed") && returned == o.Gateways - stayDown.Count && offline == stayDown.Count && silent == 0 && stayDown.All(i => named.Contains(fleet.IdOf(i))) ? "met" : "missed")}");

            await using (var detail = new NpgsqlCommand("SELECT 'incident ' || zone || ' ' || state || ' opened ' || opened_ms || ' ' || COALESCE(summary, '') FROM outages UNION ALL SELECT 'alarm ' || gateway || ' ' || type || ' at ' || raised_ms || ': ' || message FROM alarms WHERE origin = 'supervision' ORDER BY 1", conn))
            await using (var rows = await detail.ExecuteReaderAsync())
            {
                while (await rows.ReadAsync())
                {
                    Console.WriteLine($"  {rows.GetString(0)}");
                }
            }

            var peak = memory.TakePeak();
            Console.WriteLine($"centre memory: RSS peak per instance {steadyPeak / 1024} MB before the cut, {peak / 1024} MB over the storm (routine lane: at most {Centre.CentreConsumer.RoutineReceiveMaximum} events in flight per instance) — " +
                $"bounded (≤ 2 × before): {(peak <= 2 * steadyPeak ? "met" : "missed")}");
            result = pageDelays.Length == alarms.Count && stored == back.Count && offline == stayDown.Count ? 0 : 1;
            memory.Dispose();
        }
        finally
        {
            foreach (var c in new[] { a, b })
            {
                c.Kill();
                await c.DisposeAsync();
            }
        }

        return result;
    }

    private sealed record OutageView(string State, int Homes, int Returned, string? Text, string? Summary, IReadOnlyList<string> NotReturned);

    private static async Task<List<OutageView>> Outages(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/outages", UriKind.Relative)));
        return [.. doc.RootElement.GetProperty("outages").EnumerateArray().Select(x => new OutageView(
            x.GetProperty("state").GetString()!, x.GetProperty("homes").GetInt32(), x.GetProperty("returned").GetInt32(),
            x.TryGetProperty("text", out var t) ? t.GetString() : null, x.TryGetProperty("summary", out var s) ? s.GetString() : null,
            x.TryGetProperty("notReturned", out var n) && n.ValueKind == JsonValueKind.Array ? [.. n.EnumerateArray().Select(g => g.GetString()!)] : []))];
    }

    private static async Task<HashSet<Guid>> AlarmIds(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/alarms", UriKind.Relative)));
        var list = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("alarms");
        return [.. list.EnumerateArray().Select(x => Guid.Parse(x.GetProperty("id").GetString()!))];
    }

    private static async Task<long> Scalar(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, CliProcess a, CliProcess b)
    {
        var wait = Stopwatch.StartNew();
        while (!await condition())
        {
            if (wait.Elapsed > timeout || a.HasExited || b.HasExited)
            {
                throw new InvalidOperationException($"not within {timeout.TotalSeconds} s; a: {a.StdErr} b: {b.StdErr}");
            }

            await Task.Delay(500);
        }
    }

    private static double Max(double[] sorted) => sorted.Length == 0 ? double.NaN : sorted[^1];

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    // Both centrals' resident memory every second; the peak of either instance (single writer: the sampling task).
    private sealed class MemoryWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private long _peak;

        public MemoryWatch(CliProcess a, CliProcess b) => _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var rss = Math.Max(ProcStat.StatusKb(a.Id, "VmRSS"), ProcStat.StatusKb(b.Id, "VmRSS"));
                Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), rss));
                await Task.Delay(1000);
            }
        });

        // The peak since the last call (kB), and a new count from now.
        public long TakePeak() => Interlocked.Exchange(ref _peak, 0);

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
