using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Stopwatch runner (<c>-- central-scale</c>): N simulated gateways (retained status, a heartbeat every interval, events at a
/// steady rate, unacked events retransmitted as a gateway's outbox does) published straight to a real mosquitto by a load
/// tool, against two real <c>edgegateway central</c> processes in one shared-subscription group on one real PostgreSQL.
/// Measures event → stored (and → ack) p50/p99, kills one instance with SIGKILL mid-run (restarted as systemd would) and
/// counts lost and duplicated rows, then stops the heartbeats of K gateways at once and measures the silent alarm delay.
/// </summary>
internal static partial class CentralScaleRunner
{
    // RestartSeconds null: the killed instance never comes back (a host that died); DefaultBroker: mosquitto as installed.
    // RealConnections: every gateway its own MQTT connection (LeanFleet, CentralScaleRunner.RealConnections.cs); KeepAlive, ConnectRate and Frozen apply to it only.
    private sealed record Options(int Gateways, int IntervalSeconds, double EventRate, int DurationSeconds, int Killed, int Connections, int RetransmitSeconds, int? RestartSeconds, bool DefaultBroker,
        bool RealConnections = false, int KeepAliveSeconds = 15, double ConnectRate = 500, int Frozen = 5)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(10_000, 60, 5, 120, 100, 16, 10, 10, false);
            for (var i = 1; i < args.Length; i += 2)
            {
                if (args[i] == "--default-broker")
                {
                    o = o with { DefaultBroker = true };
                    i--;
                    continue;
                }

                if (args[i] == "--real-connections")
                {
                    o = o with { RealConnections = true };
                    i--;
                    continue;
                }

                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
                double Number(double min, double max) =>
                    double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : throw new ArgumentException($"{args[i]} '{value}' is invalid: expected {min} to {max}");
                o = args[i] switch
                {
                    "--gateways" => o with { Gateways = (int)Number(1, 100_000) },
                    "--interval" => o with { IntervalSeconds = (int)Number(1, 3600) },
                    "--event-rate" => o with { EventRate = Number(0, 10_000) },
                    "--duration" => o with { DurationSeconds = (int)Number(10, 86_400) },
                    "--kill-silent" => o with { Killed = (int)Number(0, 100_000) },
                    "--connections" => o with { Connections = (int)Number(1, 1000) },
                    "--retransmit" => o with { RetransmitSeconds = (int)Number(1, 600) },
                    "--restart" => o with { RestartSeconds = value == "never" ? null : (int)Number(0, 3600) },
                    "--keep-alive" => o with { KeepAliveSeconds = (int)Number(1, 3600) },
                    "--connect-rate" => o with { ConnectRate = Number(1, 100_000) },
                    "--frozen" => o with { Frozen = (int)Number(0, 1000) },
                    _ => throw new ArgumentException($"unknown option {args[i]}: expected --gateways, --interval, --event-rate, --duration, --kill-silent, --connections, --retransmit, --restart, --default-broker, --real-connections, --keep-alive, --connect-rate, --frozen"),
                };
            }

            return o.Killed + (o.RealConnections ? 2 * o.Frozen : 0) > o.Gateways ? throw new ArgumentException("--kill-silent (and with --real-connections 2 × --frozen) must not exceed --gateways") : o;
        }
    }

    private sealed record Pending(string Gateway, string Topic, byte[] Payload, long FirstSent, long LastSent);

    public static async Task<int> RunAsync(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"central-scale: {ex.Message}");
            return 2;
        }

        if (o.RealConnections)
        {
            return await RunRealConnectionsAsync(o);
        }

        Console.WriteLine($"central-scale: {o.Gateways} gateways, heartbeat every {o.IntervalSeconds} s, {o.EventRate} events/s, {o.DurationSeconds} s, " +
            $"{o.Killed} gateways go silent, {o.Connections} load connections, retransmit after {o.RetransmitSeconds} s; 2 central instances, 1 PostgreSQL, " +
            $"1 mosquitto{(o.DefaultBroker ? " with its default settings" : "")}; one central SIGKILLed half-way, {(o.RestartSeconds is { } back ? $"restarted {back} s later" : "never restarted")}");

        // Room for the backlog of a burst (births) beyond the inflight window; --default-broker: mosquitto as installed (1000 queued, 20 inflight).
        await using var broker = await MosquittoBroker.StartAsync(o.DefaultBroker ? "" : "max_queued_messages 1000000\nmax_inflight_messages 1000\n");
        await using var pg = await PostgresServer.StartAsync();
        var database = await pg.CreateDatabaseAsync();
        var centrals = new List<CliProcess>();
        CliProcess Central(string id)
        {
            var p = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", id, "--store", database);
            centrals.Add(p);
            return p;
        }

        var a = Central("central-a");
        var b = Central("central-b");
        var load = new List<IMqttClient>();
        try
        {
            var factory = new MqttClientFactory();
            for (var i = 0; i < o.Connections; i++)
            {
                var c = factory.CreateMqttClient();
                await c.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId($"load-{i}").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
                load.Add(c);
            }

            var ids = Enumerable.Range(0, o.Gateways).Select(i => $"sim-{i:00000}").ToArray();
            var gateways = ids.Select(id => new CareEventFactory(id, TimeProvider.System, new FixedClockSyncStatus(true))).ToArray();
            var clock = Stopwatch.StartNew();
            var pending = new ConcurrentDictionary<Guid, Pending>();
            var published = new ConcurrentDictionary<Guid, bool>();
            var ackLatency = new ConcurrentBag<(long Sent, double Ms)>();
            long retransmits = 0, lateAcks = 0;

            // The gateways' ack topic, as each gateway hears it (one listener for all, which a gateway is not).
            var acks = factory.CreateMqttClient();
            acks.ApplicationMessageReceivedAsync += e =>
            {
                if (EventAck.TryParseMany(e.ApplicationMessage.Payload.ToArray(), out var list, out _))
                {
                    foreach (var ack in list)
                    {
                        if (pending.TryRemove(ack.EventId, out var p))
                        {
                            ackLatency.Add((p.FirstSent, (clock.ElapsedTicks - p.FirstSent) * 1000.0 / Stopwatch.Frequency));
                        }
                        else
                        {
                            Interlocked.Increment(ref lateAcks);
                        }
                    }
                }

                return Task.CompletedTask;
            };
            await acks.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("load-acks").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            await acks.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter(Topics.Root + "/+/acks", MqttQualityOfServiceLevel.AtLeastOnce).Build());

            Task Publish(int gateway, string topic, byte[] payload, bool retain = false) =>
                load[gateway % load.Count].PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

            // Both instances follow status, so the first retained one stored means at least one is subscribed; give the other a moment.
            await using (var archive = await PostgresArchive.OpenAsync(database))
            {
                await Publish(0, Topics.Status("probe"), GatewayStatus.Online(Guid.NewGuid()), retain: true);
                var ready = Stopwatch.StartNew();
                while (await archive.GatewayAsync("probe") is null)
                {
                    if (ready.Elapsed > TimeSpan.FromSeconds(60) || a.HasExited || b.HasExited)
                    {
                        throw new InvalidOperationException($"the centrals did not start: a: {a.StdErr} b: {b.StdErr}");
                    }

                    await Task.Delay(100);
                }

                await Task.Delay(TimeSpan.FromSeconds(3));
            }

            // Birth: every gateway's retained status, in slices so the broker and the centres are not handed 10 000 at once.
            var birth = Stopwatch.StartNew();
            for (var i = 0; i < ids.Length; i += 500)
            {
                await Task.WhenAll(Enumerable.Range(i, Math.Min(500, ids.Length - i)).Select(g => Publish(g, Topics.Status(ids[g]), GatewayStatus.Online(gateways[g].BootId), retain: true)));
            }

            Console.WriteLine($"births: {ids.Length} retained statuses published in {birth.Elapsed.TotalSeconds:F1} s");

            var interval = TimeSpan.FromSeconds(o.IntervalSeconds);
            var silent = new bool[ids.Length];
            var lastHeartbeat = new DateTimeOffset[ids.Length];
            var sentHeartbeats = new long[ids.Length];
            using var stop = new CancellationTokenSource();
            var stopEvents = new CancellationTokenSource();
            var start = clock.Elapsed;

            // Heartbeats spread evenly over the interval (gateway i at i/N of it), as independent gateways' would be.
            var heartbeats = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var elapsed = clock.Elapsed - start;
                    var sends = new List<Task>();
                    for (var g = 0; g < ids.Length; g++)
                    {
                        var due = (long)Math.Floor((elapsed - (interval * g / ids.Length)) / interval) + 1;
                        if (!silent[g] && due > sentHeartbeats[g])
                        {
                            sentHeartbeats[g] = due;
                            var now = DateTimeOffset.UtcNow;
                            lastHeartbeat[g] = now;
                            var hb = new Heartbeat(gateways[g].BootId, elapsed, 0, null, true, now, new Dictionary<string, string> { ["path.primary"] = "up" }, interval);
                            sends.Add(Publish(g, Topics.Heartbeat(ids[g]), hb.ToJson()));
                        }
                    }

                    await Task.WhenAll(sends);
                    await Task.Delay(50);
                }
            });

            // Events at a steady rate over random homes; one in ten is an alarm (a help button), the rest routine (flow totals).
            var random = new Random(17);
            long alarmsSent = 0;
            var events = Task.Run(async () =>
            {
                long sent = 0;
                var begin = clock.Elapsed;
                while (!stopEvents.IsCancellationRequested)
                {
                    var due = (long)((clock.Elapsed - begin).TotalSeconds * o.EventRate);
                    var sends = new List<Task>();
                    for (; sent < due; sent++)
                    {
                        var g = random.Next(ids.Length);
                        var alarm = random.Next(10) == 0;
                        var e = gateways[g].Create(alarm ? CareEventKind.HelpButton : CareEventKind.FlowTotals, "s", alarm ? "help" : "totals");
                        if (alarm)
                        {
                            alarmsSent++;
                        }

                        var topic = Topics.Events(ids[g], e.Class);
                        var payload = CloudEventCodec.Serialize(e);
                        var t = clock.ElapsedTicks;
                        pending[e.Id] = new Pending(ids[g], topic, payload, t, t);
                        published[e.Id] = true;
                        sends.Add(Publish(g, topic, payload));
                    }

                    await Task.WhenAll(sends);
                    await Task.Delay(10);
                }
            });

            // A gateway's outbox sends again what was not acked within the timeout, until it is.
            var retransmit = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(1000);
                    var limit = clock.ElapsedTicks - (o.RetransmitSeconds * Stopwatch.Frequency);
                    var sends = new List<Task>();
                    foreach (var (id, p) in pending)
                    {
                        if (p.LastSent < limit && pending.TryUpdate(id, p with { LastSent = clock.ElapsedTicks }, p))
                        {
                            Interlocked.Increment(ref retransmits);
                            sends.Add(load[Math.Abs(p.Gateway.GetHashCode(StringComparison.Ordinal)) % load.Count].PublishAsync(new MqttApplicationMessageBuilder().WithTopic(p.Topic).WithPayload(p.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));
                        }
                    }

                    await Task.WhenAll(sends);
                }
            });

            // Mid-run: SIGKILL one instance (a crash), back --restart s later under the same client id (systemd's Restart=), or never (a host that died).
            await Task.Delay(TimeSpan.FromSeconds(o.DurationSeconds / 2.0));
            var killedAt = clock.Elapsed;
            b.Kill();
            Console.WriteLine($"t={(killedAt - start).TotalSeconds:F0} s: central-b SIGKILLed ({pending.Count} events unacked at that moment)");
            var restartedAt = killedAt;
            if (o.RestartSeconds is { } restart)
            {
                await Task.Delay(TimeSpan.FromSeconds(restart));
                b = Central("central-b");
                restartedAt = clock.Elapsed;
                Console.WriteLine($"t={(clock.Elapsed - start).TotalSeconds:F0} s: central-b restarted");
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, (o.DurationSeconds / 2.0) - (clock.Elapsed - killedAt).TotalSeconds)));
            await stopEvents.CancelAsync();
            await events;

            // Drain: what is unacked is retransmitted until acked, as a gateway would.
            var drain = Stopwatch.StartNew();
            while (!pending.IsEmpty && drain.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(200);
            }

            Console.WriteLine($"events: {published.Count} published ({alarmsSent} alarms), {Interlocked.Read(ref retransmits)} retransmissions, {pending.Count} never acked after a {drain.Elapsed.TotalSeconds:F0} s drain");
            var all = ackLatency.ToArray();

            // Stranded: acked (if ever) later than two retransmission timeouts after the later of its first send and the kill —
            // events the broker kept handing to the dead instance's session instead of a live one.
            var killTicks = (long)(killedAt.TotalSeconds * Stopwatch.Frequency);
            var twoRetransmits = 2.0 * o.RetransmitSeconds * 1000;
            var stranded = all.Count(x => x.Ms - (Math.Max(0, killTicks - x.Sent) * 1000.0 / Stopwatch.Frequency) > twoRetransmits);
            Console.WriteLine($"stranded by the kill: {stranded} acked later than 2 × {o.RetransmitSeconds} s after the later of their send and the kill, {pending.Count} never acked " +
                $"(target: 0 and 0{(o.RestartSeconds is null ? ", with the killed instance never back" : "")}): {(stranded == 0 && pending.IsEmpty ? "met" : "missed")}");
            var acked = all.Select(x => x.Ms).Order().ToArray();
            Console.WriteLine($"publish → ack (stored, then acked), all events incl. those around the kill: p50 {P(acked, 0.5):F1} ms, p99 {P(acked, 0.99):F1} ms, max {(acked.Length == 0 ? 0 : acked[^1]):F0} ms (n={acked.Length})");

            // Sent to the dead instance's share: waiting for the retransmission is the design; the steady state is the rest.
            var window = (From: (long)((killedAt - TimeSpan.FromSeconds(2)).TotalSeconds * Stopwatch.Frequency), To: (long)((restartedAt + TimeSpan.FromSeconds(o.RetransmitSeconds + 2)).TotalSeconds * Stopwatch.Frequency));
            var steady = all.Where(x => x.Sent < window.From || x.Sent > window.To).Select(x => x.Ms).Order().ToArray();
            Console.WriteLine($"publish → ack, steady state (outside kill − 2 s … restart + retransmit + 2 s): p50 {P(steady, 0.5):F1} ms, p99 {P(steady, 0.99):F1} ms, max {(steady.Length == 0 ? 0 : steady[^1]):F0} ms (n={steady.Length}) — target p99 ≤ 1000 ms: {(P(steady, 0.99) <= 1000 ? "met" : "missed")}");

            var result = 0;
            await using (var conn = new NpgsqlConnection(database))
            {
                await conn.OpenAsync();
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

                var lost = published.Keys.Count(id => !stored.Contains(id));
                var duplicated = rows - stored.Count;
                var alarmRows = await ScalarAsync(conn, "SELECT COUNT(*) FROM alarms WHERE origin = 'gateway'");
                var printed = centrals.SelectMany(c => c.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Where(l => l.StartsWith('{'))
                    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToList();
                Console.WriteLine($"rows: {rows} event rows for {published.Count} events: {lost} lost, {duplicated} duplicated; {alarmRows} alarm rows for {alarmsSent} alarms; " +
                    $"printed as new {printed.Count} times for {printed.Distinct().Count()} events (twice: {printed.Count - printed.Distinct().Count()})");
                result |= lost == 0 && duplicated == 0 && alarmRows == alarmsSent && printed.Count == printed.Distinct().Count() ? 0 : 1;

                // Event time (the gateway's clock, set when it was created just before publishing) → the centre's received time, at insert.
                await using (var cmd = new NpgsqlCommand("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY received_ms - time_ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY received_ms - time_ms), MAX(received_ms - time_ms) FROM events WHERE gateway LIKE 'sim-%'", conn))
                await using (var r = await cmd.ExecuteReaderAsync())
                {
                    await r.ReadAsync();
                    var p99 = r.IsDBNull(1) ? double.NaN : r.GetDouble(1);
                    Console.WriteLine($"event → stored (archive received_ms − event time): p50 {(r.IsDBNull(0) ? double.NaN : r.GetDouble(0)):F0} ms, p99 {p99:F0} ms, max {(r.IsDBNull(2) ? 0 : r.GetInt64(2))} ms (all events, incl. the kill window)");
                }

                // Supervision: K gateways stop their heartbeats at once (frozen, no will); every other keeps going.
                if (o.Killed > 0)
                {
                    var victims = Enumerable.Range(ids.Length - o.Killed, o.Killed).ToList();
                    var beating = await MeasureSilenceAsync(conn, ids, victims, () =>
                    {
                        foreach (var g in victims)
                        {
                            silent[g] = true;
                        }
                    }, g => lastHeartbeat[g], o.IntervalSeconds, notBeating: []);
                    result |= beating ? 0 : 1;
                }
            }

            await stop.CancelAsync();
            await heartbeats;
            await retransmit;
            acks.Dispose();
            stopEvents.Dispose();
            return result;
        }
        finally
        {
            foreach (var c in load)
            {
                c.Dispose();
            }

            foreach (var c in centrals)
            {
                c.Kill();
                await c.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Stops the heartbeats of <paramref name="victims"/> at once (<paramref name="stopThem"/>) and follows the silent alarms in
    /// the archive: all of them within 3 intervals + 10 s of each one's last heartbeat, none twice, none for a gateway still
    /// beating (<paramref name="notBeating"/>: gateways stopped otherwise, which are not false alarms). True when all held.
    /// </summary>
    private static async Task<bool> MeasureSilenceAsync(NpgsqlConnection conn, string[] ids, List<int> victims, Action stopThem, Func<int, DateTimeOffset> lastHeartbeat, int intervalSeconds, HashSet<string> notBeating)
    {
        var victimIds = victims.Select(g => ids[g]).ToHashSet(StringComparer.Ordinal);
        var killMoment = DateTimeOffset.UtcNow;
        stopThem();

        var budget = TimeSpan.FromSeconds((3 * intervalSeconds) + 10);
        var wait = Stopwatch.StartNew();
        // Polled every 100 ms: when each alarm is there for a nurse's page to read, not only the instant the pass decided it.
        var visible = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (wait.Elapsed < budget + TimeSpan.FromSeconds(intervalSeconds + 30) && visible.Count < victims.Count)
        {
            await using (var cmd = new NpgsqlCommand($"SELECT DISTINCT gateway FROM alarms WHERE type = '{SupervisionTypes.Silent}'", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                var seenAt = DateTimeOffset.UtcNow;
                while (await r.ReadAsync())
                {
                    if (victimIds.Contains(r.GetString(0)))
                    {
                        visible.TryAdd(r.GetString(0), seenAt);
                    }
                }
            }

            await Task.Delay(100);
        }

        // Two more passes of both instances: a second alarm for the same silence would come now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var alarms = new List<(string Gateway, DateTimeOffset Raised)>();
        await using (var cmd = new NpgsqlCommand($"SELECT gateway, raised_ms FROM alarms WHERE type = '{SupervisionTypes.Silent}'", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                alarms.Add((r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))));
            }
        }

        var byGateway = alarms.GroupBy(x => x.Gateway).ToDictionary(x => x.Key, x => x.ToList());
        var missing = victimIds.Count(id => !byGateway.ContainsKey(id));
        var twice = byGateway.Count(x => x.Value.Count > 1);
        // The start-up probe is a gateway too: born once, never beating, so it is rightly silent 3 default intervals + 10 s later.
        var simulated = ids.ToHashSet(StringComparer.Ordinal);
        var falseAlarms = byGateway.Keys.Count(id => simulated.Contains(id) && !victimIds.Contains(id) && !notBeating.Contains(id));
        var sinceLast = victims.Where(g => byGateway.ContainsKey(ids[g])).Select(g => (byGateway[ids[g]].Min(x => x.Raised) - lastHeartbeat(g)).TotalSeconds).Order().ToArray();
        var visibleAfter = victims.Where(g => visible.ContainsKey(ids[g])).Select(g => (visible[ids[g]] - lastHeartbeat(g)).TotalSeconds).Order().ToArray();
        var sinceKill = victims.Where(g => byGateway.ContainsKey(ids[g])).Select(g => (byGateway[ids[g]].Min(x => x.Raised) - killMoment).TotalSeconds).Order().ToArray();
        Console.WriteLine($"silent: {victims.Count} gateways stopped at once: {victims.Count - missing} alarmed, {missing} missed, {twice} alarmed twice, {falseAlarms} alarms for gateways still beating " +
            $"— target all, none twice, none false: {(missing == 0 && twice == 0 && falseAlarms == 0 ? "met" : "missed")}");
        Console.WriteLine($"silent alarm raised (the pass's decision) after the last heartbeat: p50 {P(sinceLast, 0.5):F2} s, max {(sinceLast.Length == 0 ? double.NaN : sinceLast[^1]):F2} s; after the stop: max {(sinceKill.Length == 0 ? double.NaN : sinceKill[^1]):F1} s " +
            $"— target ≤ 3 × {intervalSeconds} s + 10 s = {budget.TotalSeconds:F0} s: {(sinceLast.Length > 0 && sinceLast[^1] <= budget.TotalSeconds ? "met" : "missed")}");
        Console.WriteLine($"silent alarm visible in the archive (100 ms poll) after the last heartbeat: p50 {P(visibleAfter, 0.5):F2} s, max {(visibleAfter.Length == 0 ? double.NaN : visibleAfter[^1]):F2} s " +
            $"— {(visibleAfter.Length == victims.Count && visibleAfter[^1] <= budget.TotalSeconds ? "met" : "missed")}");
        return missing == 0 && twice == 0 && falseAlarms == 0;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
