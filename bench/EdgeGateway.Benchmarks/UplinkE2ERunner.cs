using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGateway.Centre;
using EdgeGateway.Composition;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Stopwatch runner (<c>-- e2e</c>): durable accept rate vs raw synced commits, end-to-end ack latency, backlog drain;
/// <c>-- e2e drain</c> runs only the backlog drain, against a default mosquitto and one with <c>set_tcp_nodelay true</c> side by side;
/// <c>-- e2e latency [seconds]</c> only the ack latency at 100 events/s against both (default 20 s each).
/// </summary>
internal static class UplinkE2ERunner
{
    private const int Backlog = 10_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("bench-uplink-").FullName;
        try
        {
            if (args is [_, "drain", ..])
            {
                await DrainSideBySideAsync(dir);
                return 0;
            }

            if (args is [_, "latency", ..])
            {
                var seconds = args.Length > 2 && int.TryParse(args[2], out var s) && s is > 0 and <= 600 ? s : 20;
                foreach (var (label, config) in new[] { ("mosquitto defaults", ""), ("mosquitto set_tcp_nodelay true", "set_tcp_nodelay true") })
                {
                    await using var broker = await MosquittoBroker.StartAsync(config);
                    await LatencyAsync(broker.Url, LinkSecurity.LoopbackDemo, Path.Combine(dir, $"lat-{config.Length}"), 100, $" ({label})", seconds: seconds);
                }

                return 0;
            }

            Console.WriteLine($"raw SQLite synced commits (WAL, FULL, 1 row/commit): {RawSyncedCommitsPerSecond(Path.Combine(dir, "raw.db")):F0}/s");
            var factory = new CareEventFactory("bench", TimeProvider.System, new FixedClockSyncStatus(true));
            await using (var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = Path.Combine(dir, "a") }, factory, TimeProvider.System, NullLogger.Instance))
            {
                var clock = Stopwatch.StartNew();
                var n = 0;
                while (clock.Elapsed < TimeSpan.FromSeconds(2))
                {
                    await outbox.AcceptAsync(factory.Create(CareEventKind.TestAlarm, "b", "x"));
                    n++;
                }

                Console.WriteLine($"durable accept, single events one at a time: {n / clock.Elapsed.TotalSeconds:F0}/s");
                clock.Restart();
                n = 0;
                while (clock.Elapsed < TimeSpan.FromSeconds(2))
                {
                    await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => outbox.AcceptAsync(factory.Create(CareEventKind.TestAlarm, "b", "x"))));
                    n += 500;
                }

                Console.WriteLine($"durable accept, bursts of 500: {n / clock.Elapsed.TotalSeconds:F0}/s");
            }

            // mosquitto leaves Nagle on by default (set_tcp_nodelay false): its small PUBLISH/PUBACK writes then wait for
            // the peer's delayed ACK (~40 ms on Linux). Measured both ways so the broker's share is visible.
            foreach (var (label, config) in new[] { ("mosquitto defaults", ""), ("mosquitto set_tcp_nodelay true", "set_tcp_nodelay true") })
            {
                Console.WriteLine($"-- broker: {label}");
                await using var broker = await MosquittoBroker.StartAsync(config);
                foreach (var rate in new[] { 10, 100, 1000 })
                {
                    await LatencyAsync(broker.Url, LinkSecurity.LoopbackDemo, Path.Combine(dir, $"e2e-{rate}-{config.Length}"), rate, "");
                }

                // The price of batching for a lone event (the centre waits for the burst to pause): the same rates, one ack per event.
                foreach (var rate in new[] { 10, 100 })
                {
                    await LatencyAsync(broker.Url, LinkSecurity.LoopbackDemo, Path.Combine(dir, $"e2e-single-{rate}-{config.Length}"), rate, " one ack per event (--ack-batch 1)", acks: new CentreAckOptions { MaxBatch = 1 });
                }

            }

            await DrainSideBySideAsync(dir);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double RawSyncedCommitsPerSecond(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(id BLOB, payload BLOB);";
            setup.ExecuteNonQuery();
        }

        var payload = new byte[450];
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var tx = c.BeginTransaction();
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO t VALUES ($id, $p)";
            cmd.Parameters.AddWithValue("$id", Guid.NewGuid().ToByteArray());
            cmd.Parameters.AddWithValue("$p", payload);
            cmd.ExecuteNonQuery();
            tx.Commit();
            n++;
        }

        return n / clock.Elapsed.TotalSeconds;
    }

    /// <summary>End-to-end p50/p99 at <paramref name="rate"/> events/s against <paramref name="url"/>; returns the p99 in ms.</summary>
    public static async Task<double> LatencyAsync(string url, LinkSecurity security, string dir, int rate, string label, LinkSecurity? centralSecurity = null, CentreAckOptions? acks = null, int seconds = 3)
    {
        var (outbox, uplink, factory, central) = await PipelineAsync(url, security, centralSecurity ?? security, dir, $"lat-{rate}-{acks?.MaxBatch ?? 0}", acks);
        var sentAt = new ConcurrentDictionary<Guid, long>();
        var latencies = new ConcurrentBag<double>();
        uplink.AckReceived += a =>
        {
            if (sentAt.TryRemove(a.EventId, out var t))
            {
                latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            return Task.CompletedTask;
        };
        using var stop = new CancellationTokenSource();
        var run = uplink.RunAsync(stop.Token);
        while (!uplink.IsConnected)
        {
            await Task.Delay(10);
        }

        var count = rate * seconds;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var e = factory.Create(CareEventKind.TestAlarm, "b", "x");
            sentAt[e.Id] = Stopwatch.GetTimestamp();
            await outbox.AcceptAsync(e);
        }

        while (latencies.Count < count && clock.Elapsed < TimeSpan.FromSeconds(seconds + 27))
        {
            await Task.Delay(20);
        }

        var sorted = latencies.OrderBy(x => x).ToArray();
        var p99 = sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))];
        Console.WriteLine($"e2e{label} accept→mosquitto→central→ack committed, {rate}/s, {sorted.Length}/{count} acked: p50 {sorted[sorted.Length / 2]:F2} ms, p99 {p99:F2} ms");
        await stop.CancelAsync();
        await run;
        await central.DisposeAsync();
        await outbox.DisposeAsync();
        return p99;
    }

    /// <summary>
    /// The backlog drain against two brokers running at once, mosquitto's defaults and <c>set_tcp_nodelay true</c>, each with
    /// the centre's batched acks (its default) and with one ack per event (<c>central --ack-batch 1</c>, what centres sent before).
    /// </summary>
    private static async Task DrainSideBySideAsync(string dir)
    {
        await using var defaults = await MosquittoBroker.StartAsync();
        await using var nodelay = await MosquittoBroker.StartAsync("set_tcp_nodelay true");
        var rows = new List<string>();
        foreach (var (label, batch) in new[] { ("batched acks (central default)", new CentreAckOptions().MaxBatch), ("one ack per event (--ack-batch 1)", 1) })
        {
            var cells = new List<string>();
            foreach (var (broker, name) in new[] { (defaults, "defaults"), (nodelay, "nodelay") })
            {
                var (seconds, messages) = await BacklogAsync(broker, Path.Combine(dir, $"backlog-{name}-{batch}"), Backlog, batch);
                cells.Add($"{seconds,6:F2} s ({messages,5} ack msgs)");
            }

            rows.Add($"{label,-36} {cells[0],-26} {cells[1]}");
        }

        Console.WriteLine($"backlog of {Backlog} drained (all acked):  mosquitto defaults          mosquitto set_tcp_nodelay true");
        rows.ForEach(Console.WriteLine);
    }

    private static async Task<(double Seconds, long AckMessages)> BacklogAsync(MosquittoBroker broker, string dir, int count, int ackBatch)
    {
        var (outbox, uplink, factory, central) = await PipelineAsync(broker.Url, LinkSecurity.LoopbackDemo, LinkSecurity.LoopbackDemo, dir, $"backlog-{ackBatch}", new CentreAckOptions { MaxBatch = ackBatch });
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => outbox.AcceptAsync(factory.Create(CareEventKind.TestAlarm, "b", "x"))));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = uplink.RunAsync(stop.Token);
        while (outbox.Depth > 0 && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(10);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var messages = central.AckMessagesSent;
        if (outbox.Depth > 0)
        {
            Console.WriteLine($"backlog against {broker.Url}: {outbox.Depth} of {count} still unacked after {seconds:F0} s");
        }

        await stop.CancelAsync();
        await run;
        await central.DisposeAsync();
        await outbox.DisposeAsync();
        return (seconds, messages);
    }

    /// <summary>The gateway's delivery as <c>loadgen</c> and <c>run</c> build it (through <see cref="GatewayBuilder"/>), and a centre's acking end as <see cref="CentreBuilder"/> makes it.</summary>
    private static async Task<(SqliteOutbox, ReliableUplink, CareEventFactory, CentreConsumer)> PipelineAsync(string url, LinkSecurity security, LinkSecurity centralSecurity, string dir, string gw, CentreAckOptions? acks = null)
    {
        var defaults = new UplinkOptions();
        var options = new UplinkCliOptions(MqttEndpoint.Parse(url), dir, gw, defaults.KeepAlive, defaults.HeartbeatInterval, defaults.AckTimeout)
        {
            Security = security,
            FailBackHold = defaults.FailBackHold,
            ClockSync = new FixedClockSyncStatus(true),
        };
        var delivery = new GatewayBuilder(options.ClockSync, NullLoggerFactory.Instance, TimeProvider.System).BuildDeliveryOnly(options);
        var central = new CentreBuilder(NullLoggerFactory.Instance) { Brokers = [new CentreBroker(MqttEndpoint.Parse(url), centralSecurity)], ClientId = $"central-{gw}", Acks = acks, FollowGateways = false }.BuildConsumers()[0];
        await central.StartAsync(CancellationToken.None);
        return (delivery.Outbox, delivery.Uplink, delivery.Factory, central);
    }
}
