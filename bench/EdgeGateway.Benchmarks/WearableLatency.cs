using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Wearable;
using EdgeGateway.TestSupport.BlueZ;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Wearable sample → pre-alarm buzzer through the BLE path, as percentiles over many falls: a SisFall fall's packets as
/// BlueZ notifications (python3-dbusmock on a private bus) → <see cref="BlueZWearableLink"/> → a reader into
/// <see cref="WearableFeed"/> → <see cref="AlarmLoop"/> with the fall rule → buzzer. Run:
/// <c>dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- wearable-latency [falls]</c> (bench/README.md).
/// </summary>
internal static class WearableLatency
{
    private const string Address = "F1:E2:D3:C4:B5:A6";
    private const int PacedPackets = 34; // the last 2 s before the deciding packet go at the device's pace
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        var falls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var samples = WearableRecording.Load(WearableRecording.ForwardFall);

        // Where the detector decides, learnt offline: the notification carrying that sample starts the clock.
        var decides = WearableRecording.DetectionIndex(samples);
        if (decides < 0)
        {
            Console.Error.WriteLine("the recording's fall is not detected offline");
            return 1;
        }

        var decidingPacket = decides / WearableProtocol.SamplesPerPacket;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wearable latency: notification carrying the deciding sample → pre-alarm buzzer; SisFall F01_SA01_R01 at 50 Hz, the detector decides at sample {decides} (packet {decidingPacket}); {falls} falls after 1 warm-up"));
        Console.WriteLine("  path: mock BlueZ (dbusmock, private bus) → BlueZWearableLink → reader → WearableFeed → AlarmLoop (fall rule) → buzzer");
        Console.WriteLine("  from when the bench hands the packet to the mock (its controller process emits the PropertiesChanged) to the buzzer's first command;");
        Console.WriteLine("  not included: the wearable's 60 ms batching of 3 samples per packet and the radio (add up to 60 ms + a connection interval for sample → buzzer)");

        await using var bluez = await BlueZMock.StartAsync();
        var wearable = await bluez.AddWearableAsync(Address, new WearableGatt());
        await using var link = new BlueZWearableLink(new WearableLinkOptions { Address = Address, BusAddress = bluez.BusAddress, SampleQueueCapacity = 5000 }, TimeProvider.System);
        link.Start();
        await WaitAsync(() => link.Status.State == WearableLinkState.Connected, () => link.Status.ToString());

        using var stop = new CancellationTokenSource();
        var pump = new Pump();
        var pumping = Task.Run(() => pump.RunAsync(link, stop.Token));
        var seq = 0L;
        var millis = new double[falls + 1];
        var read = new double[falls + 1];
        for (var fall = 0; fall <= falls; fall++)
        {
            (millis[fall], read[fall]) = await MeasureFallAsync(wearable, link, pump, samples, decidingPacket, decides, seq);
            seq += decidingPacket + 1;
        }

        await stop.CancelAsync();
        await pumping;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first fall after start (JIT) {millis[0]:0.00} ms, not in the figures below"));
        Report("notification → pre-alarm buzzer", millis[1..]);
        Report("  of which notification → deciding sample read from link.Samples (mock's controller, D-Bus, link)", read[1..]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  link: {link.Stream.SamplesDelivered:N0} samples delivered, {link.Stream.LostSamples} lost, {link.DroppedSamples} dropped, {link.Stream.ResendRequests} resend requests"));
        return link.Stream.LostSamples == 0 && link.DroppedSamples == 0 ? 0 : 1;
    }

    /// <summary>One fall on a fresh loop and detector: the lead-in in bursts, the last 2 s at 60 ms per packet; returns the deciding packet → buzzer, and → its sample read, in ms.</summary>
    private static async Task<(double Buzzer, double Read)> MeasureFallAsync(MockWearable wearable, BlueZWearableLink link, Pump pump, List<WearableSample> samples, int decidingPacket, int decides, long firstSeq)
    {
        // The previous fall's samples all read first, so the new detector sees this recording from its first sample and
        // decides where it did offline.
        await WaitAsync(() => Interlocked.Read(ref pump.Consumed) == firstSeq * WearableProtocol.SamplesPerPacket, () => $"{pump.Consumed} of {firstSeq * 3} samples read");
        var buzzer = new LoopLatency.TimestampBuzzer();
        var events = new CareEventFactory("bench-home", TimeProvider.System, new FixedClockSyncStatus(true));
        var loop = new AlarmLoop(events, TimeProvider.System, [new FallRule(new FallOptions())], buzzer, new LoopLatency.NullLed());
        using var stop = new CancellationTokenSource();
        pump.Mark((firstSeq * WearableProtocol.SamplesPerPacket) + decides + 1);
        var running = Runtime.Gateway.StartLoop(loop, TimeProvider.System, out _, stop.Token);
        var drained = Task.Run(async () => { await foreach (var _ in loop.Outbound.ReadAllAsync()) { } });
        pump.Feed = new WearableFeed("wearable", new FallDetector(new FallDetectorOptions(), WearableProtocol.SampleRateHz), new WearerMonitor(new WearerMonitorOptions()), loop);

        byte[] Packet(int n) => new WearablePacket(
            (ushort)(firstSeq + n),
            samples[n * 3],
            samples[(n * 3) + 1],
            samples[(n * 3) + 2]).ToBytes();

        var paced = Math.Max(0, decidingPacket - PacedPackets);
        for (var n = 0; n < paced; n += 17)
        {
            await wearable.NotifySamplesAsync([.. Enumerable.Range(n, Math.Min(17, paced - n)).Select(Packet)]);
        }

        var seen = buzzer.Changes;
        long sent = 0;
        using (var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(60)))
        {
            for (var n = paced; n <= decidingPacket; n++)
            {
                await tick.WaitForNextTickAsync();
                if (buzzer.Changes != seen)
                {
                    throw new InvalidOperationException($"the buzzer changed before the deciding packet (at packet {n}): the detector decided elsewhere than offline");
                }

                if (n == decidingPacket)
                {
                    sent = Stopwatch.GetTimestamp();
                }

                await wearable.NotifySamplesAsync(Packet(n));
            }
        }

        var changed = await Task.Run(() => buzzer.WaitForChange(seen, block: true));
        await stop.CancelAsync();
        await running;
        await drained.WaitAsync(Bound);
        return (Stopwatch.GetElapsedTime(sent, changed).TotalMilliseconds, Stopwatch.GetElapsedTime(sent, pump.MarkedAt).TotalMilliseconds);
    }

    private static async Task WaitAsync(Func<bool> condition, Func<string> context)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException($"not within {Bound.TotalSeconds:0} s: {context()}");
            }

            await Task.Delay(5);
        }
    }

    private static void Report(string name, double[] millis)
    {
        var sorted = (double[])millis.Clone();
        Array.Sort(sorted);
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: n={sorted.Length:N0} p50={P(0.50):0.00} ms p99={P(0.99):0.00} ms max={sorted[^1]:0.00} ms"));
    }

    /// <summary>The gateway's reader task: the link's samples into the current fall's feed.</summary>
    private sealed class Pump
    {
        private WearableFeed? _feed;
        private long _mark = -1;
        private long _markedAt;

        public long Consumed;

        public long MarkedAt => Volatile.Read(ref _markedAt);

        public WearableFeed? Feed
        {
            get => Volatile.Read(ref _feed);
            set => Volatile.Write(ref _feed, value);
        }

        /// <summary>Timestamps the moment the <paramref name="count"/>th sample since start has been read (before the feed sees it).</summary>
        public void Mark(long count)
        {
            Volatile.Write(ref _markedAt, 0);
            Volatile.Write(ref _mark, count);
        }

        public async Task RunAsync(BlueZWearableLink link, CancellationToken ct)
        {
            try
            {
                await foreach (var sample in link.Samples.ReadAllAsync(ct))
                {
                    // The feed before the count: a fall's last sample counted is one its own detector gets, never the next's.
                    var feed = Feed;
                    if (Interlocked.Increment(ref Consumed) == Volatile.Read(ref _mark))
                    {
                        Volatile.Write(ref _markedAt, Stopwatch.GetTimestamp());
                    }

                    feed?.Process(sample);
                }
            }
            catch (OperationCanceledException)
            {
                // The bench is over.
            }
        }
    }
}
