using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Time;
using EdgeGateway.Demo;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Stopwatch runner (<c>-- command-flood [seconds] [rate]</c>, issue 27): how long a nurse's <c>alarm.acknowledge</c> takes to be
/// carried out (published → the loop marks the alarm taken) and answered (→ its reply arrives) while a rogue client floods
/// the gateway with <c>status.request</c> commands claiming to expire in year 9999, its clock unsynchronised; real mosquitto,
/// the real gateway in this process. Also the local loop's test alarm (raise → the loop has it) during the flood.
/// </summary>
internal static class CommandFloodRunner
{
    private const string GatewayId = "bench-flood";
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var rate = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        await using var broker = await MosquittoBroker.StartAsync("set_tcp_nodelay true");
        var dir = Directory.CreateTempSubdirectory("bench-command-flood-").FullName;
        Gateway? gateway = null;
        try
        {
            gateway = await StartGatewayAsync(broker.Url, dir);
            await using var centre = await CommandFlood.ConnectAsync(broker.Url, GatewayId);
            await using var rogue = await CommandFlood.ConnectAsync(broker.Url, GatewayId);

            // Warm-up (JIT of the whole path), then quiet rounds for the baseline.
            await RoundsAsync(gateway, centre, TimeSpan.FromSeconds(2), "warm-up", print: false);
            await RoundsAsync(gateway, centre, TimeSpan.FromSeconds(seconds), "no flood", print: true);

            using var stop = new CancellationTokenSource();
            var flood = Task.Run(() => rogue.PublishAsync(seconds * rate + (rate * 5), rate, "9999-12-31T23:59:59Z", cancellationToken: stop.Token));
            await RoundsAsync(gateway, centre, TimeSpan.FromSeconds(seconds), $"flood {rate}/s", print: true);
            await stop.CancelAsync();
            try
            {
                await flood;
            }
            catch (OperationCanceledException)
            {
            }

            Console.WriteLine($"flood: {rogue.Replies} replies to the rogue's commands, {rogue.Refused} of them refused");
            return 0;
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task RoundsAsync(Gateway gateway, CommandFlood centre, TimeSpan duration, string label, bool print)
    {
        var carried = new List<double>();
        var answered = new List<double>();
        var raised = new List<double>();
        var notOk = 0;
        var notCarried = 0;
        var rounds = 0;
        var loop = gateway.Home.Loop;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            rounds++;
            var raiseAt = Stopwatch.GetTimestamp();
            var alarm = await loop.RaiseTestAlarmAsync("bench");
            raised.Add(Stopwatch.GetElapsedTime(raiseAt).TotalMilliseconds);

            // The loop says when it has the alarm taken: stamped on its own thread, no polling.
            long takenAt = 0;
            void OnHappened(LoopHappening h)
            {
                if (h.Kind == LoopHappeningKind.AlarmTaken && h.AlarmId == alarm)
                {
                    Interlocked.CompareExchange(ref takenAt, Stopwatch.GetTimestamp(), 0);
                }
            }

            loop.Happened += OnHappened;
            var sentAt = Stopwatch.GetTimestamp();
            var reply = centre.CommandAsync("alarm.acknowledge", "Nurse Berit", new { alarm });
            while (Interlocked.Read(ref takenAt) == 0 && Stopwatch.GetElapsedTime(sentAt) < GiveUp && !reply.IsCompleted)
            {
                await Task.Delay(5);
            }

            // A reply can come before the loop's turn: give the loop the rest of the time.
            while (Interlocked.Read(ref takenAt) == 0 && Stopwatch.GetElapsedTime(sentAt) < GiveUp && reply.IsCompletedSuccessfully && reply.Result.GetProperty("status").GetString() == "ok")
            {
                await Task.Delay(5);
            }

            loop.Happened -= OnHappened;
            if (Interlocked.Read(ref takenAt) is var at && at != 0)
            {
                carried.Add(Stopwatch.GetElapsedTime(sentAt, at).TotalMilliseconds);
            }
            else
            {
                notCarried++;
            }

            try
            {
                var r = await reply.WaitAsync(GiveUp - Stopwatch.GetElapsedTime(sentAt) is var left && left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
                answered.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                if (r.GetProperty("status").GetString() != "ok")
                {
                    notOk++;
                }
            }
            catch (TimeoutException)
            {
            }

            loop.TryClear(alarm, ClearReason.Centre);
            await Task.Delay(200);
        }

        if (print)
        {
            Console.WriteLine($"{label}: {rounds} acknowledges; carried out (published → loop has it taken) {Stats(carried)}, not within {GiveUp.TotalSeconds:0} s: {notCarried}; "
                + $"reply {Stats(answered)}, none within {GiveUp.TotalSeconds:0} s: {rounds - answered.Count}, not ok: {notOk}; local test alarm raise {Stats(raised)}");
        }
    }

    private static string Stats(List<double> values)
    {
        if (values.Count == 0)
        {
            return "(none)";
        }

        var sorted = values.Order().ToArray();
        double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return $"p50 {P(0.5):F1} ms p90 {P(0.9):F1} ms max {sorted[^1]:F1} ms (n={sorted.Length})";
    }

    private static async Task<Gateway> StartGatewayAsync(string brokerUrl, string dir)
    {
        var dataDir = Path.Combine(dir, "data");
        var home = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), dataDir);
        var config = new GatewayConfig
        {
            GatewayId = GatewayId,
            Simulated = true,
            DataDirectory = dataDir,
            Devices = home.Devices,
            Rules = home.Rules,
            Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 5, KeepAliveSeconds = 5, PlainLoopbackDemo = true },
        };
        var configPath = Path.Combine(dir, "config.json");
        await File.WriteAllTextAsync(configPath, config.ToJson());
        var builder = new GatewayBuilder(new FixedClockSyncStatus(false), NullLoggerFactory.Instance, TimeProvider.System);
        var gateway = builder.Build(config, dataDir);
        builder.AttachRemoteCommands(gateway, builder.OpenConfigStore(configPath), dataDir);
        await gateway.StartAsync(CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        while (!gateway.Uplink.AnyPathUp)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the gateway never connected to the broker");
            }

            await Task.Delay(50);
        }

        return gateway;
    }
}
