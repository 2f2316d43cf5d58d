using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Wearable;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Wearable;

public class SimulatedWearableTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private sealed class Rig : IAsyncDisposable
    {
        public Rig(int sampleQueueCapacity = 2000)
        {
            Wearable = new SimulatedWearable(Time, sampleQueueCapacity: sampleQueueCapacity);
            Wearable.StatusChanged += Statuses.Add;
        }

        public FakeTimeProvider Time { get; } = new();

        public SimulatedWearable Wearable { get; }

        public List<AccelerationSample> Received { get; } = [];

        public List<WearableNotice> Notices { get; } = [];

        public List<WearableLinkStatus> Statuses { get; } = [];

        public WearableStream Stream => Wearable.Stream;

        // Device time passes in 100 ms steps (the fake clock fires every timer due inside a step) and the test reads the
        // channels after each, as a consumer would.
        public void Run(TimeSpan span)
        {
            for (var left = span; left > TimeSpan.Zero; left -= TimeSpan.FromMilliseconds(100))
            {
                Time.Advance(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
                Drain();
            }
        }

        public void Run(double seconds) => Run(TimeSpan.FromSeconds(seconds));

        public void Drain()
        {
            while (Wearable.Samples.TryRead(out var s))
            {
                Received.Add(s);
            }

            while (Wearable.Notices.TryRead(out var n))
            {
                Notices.Add(n);
            }
        }

        public List<WearableNotice> NoticesOf(WearableNoticeKind kind) => [.. Notices.Where(n => n.Kind == kind)];

        public ValueTask DisposeAsync() => Wearable.DisposeAsync();
    }

    // Sample k of the body carries k - 4000 mg on x (distinct for 160 s), -1 g on y and 0.25 g on z.
    private static AccelerationTrace Ramp() => new(Enumerable.Range(0, 8000).Select(k => ((k - 4000) / 1000.0, -1.0, 0.25)));

    // Which body samples arrived, from their x.
    private static List<int> BodyIndexes(IEnumerable<AccelerationSample> samples) => [.. samples.Select(s => (int)Math.Round(s.XG * 1000) + 4000)];

    private static List<int> Range(params (int From, int Count)[] runs) => [.. runs.SelectMany(r => Enumerable.Range(r.From, r.Count))];

    private static void AssertEvery20Ms(List<AccelerationSample> samples)
    {
        for (var i = 1; i < samples.Count; i++)
        {
            Assert.Equal(Tick, samples[i].Timestamp - samples[i - 1].Timestamp);
        }
    }

    [Fact]
    public async Task Samples_arrive_in_order_20_ms_apart_with_the_traces_values_in_milli_g()
    {
        await using var rig = new Rig();
        rig.Wearable.Play(new AccelerationTrace([(0.0004, -0.9996, 0.0625), (1.23456, -1.0, 9.5), (-0.0625, -8.7, 0.0017)]));
        rig.Wearable.Start();

        rig.Run(3);

        // Tick n (every 20 ms) takes sample n - 1; packet p is complete at tick 3p + 3, and after the reboot event in the
        // first slot (20 ms) each packet goes out in the slot 20 ms after it completes: packet p at 60p + 80 ms, so 49 by 3 s.
        Assert.Equal(150, rig.Wearable.SamplesTaken);
        Assert.Equal(49 * 3, rig.Received.Count);
        AssertEvery20Ms(rig.Received);
        for (var i = 0; i < rig.Received.Count; i++)
        {
            // Rounded to 1 mg (halves away from zero) and clipped at ±8 g, as the device does.
            var (x, y, z) = (i % 3) switch
            {
                0 => (0.0, -1.0, 0.063),
                1 => (1.235, -1.0, 8.0),
                _ => (-0.063, -8.0, 0.002),
            };
            Assert.Equal(x, rig.Received[i].XG, 9);
            Assert.Equal(y, rig.Received[i].YG, 9);
            Assert.Equal(z, rig.Received[i].ZG, 9);
        }

        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(0, rig.Stream.ResendRequests);
        Assert.Equal(0, rig.Stream.DuplicatePackets);
        Assert.Equal(0, rig.Wearable.DroppedSamples);
        Assert.Equal(new WearableLinkState[] { WearableLinkState.Connected }, rig.Statuses.Select(s => s.State));
        Assert.Equal("simulated", rig.Wearable.Status.Reason);
    }

    [Fact]
    public async Task Before_start_nothing_flows_and_the_status_says_not_started()
    {
        await using var rig = new Rig();

        rig.Run(1);

        Assert.Empty(rig.Received);
        Assert.Empty(rig.Notices);
        Assert.Equal(WearableLinkState.Searching, rig.Wearable.Status.State);
        Assert.Equal("not started", rig.Wearable.Status.Reason);
    }

    [Fact]
    public async Task A_5_s_drop_is_resent_from_the_ring_after_restore_with_nothing_lost()
    {
        await using var rig = new Rig();
        rig.Wearable.Play(Ramp());
        rig.Wearable.Start();
        rig.Run(10);
        var beforeDrop = rig.Received.Count;

        rig.Wearable.DropLink();
        Assert.Equal(WearableLinkState.Searching, rig.Wearable.Status.State);
        Assert.Equal("link dropped", rig.Wearable.Status.Reason);
        rig.Run(5);
        Assert.Equal(beforeDrop, rig.Received.Count);

        rig.Wearable.RestoreLink();
        Assert.Equal(WearableLinkState.Connected, rig.Wearable.Status.State);
        rig.Run(10);

        // Every sample in order, the 5 s of the drop (250 samples, 84 packets counting the one in progress) included.
        Assert.Equal(Range((0, rig.Received.Count)), BodyIndexes(rig.Received));
        Assert.InRange(rig.Received.Count, rig.Wearable.SamplesTaken - 6, rig.Wearable.SamplesTaken);
        AssertEvery20Ms(rig.Received);
        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(1, rig.Stream.ResendRequests);
        Assert.Equal(0, rig.Stream.DuplicatePackets);
        Assert.Equal(0, rig.Wearable.DroppedSamples);
        Assert.Equal(
            new WearableLinkState[] { WearableLinkState.Connected, WearableLinkState.Searching, WearableLinkState.Connected },
            rig.Statuses.Select(s => s.State));
    }

    [Fact]
    public async Task A_60_s_drop_loses_exactly_what_left_the_ring_and_delivers_the_rest()
    {
        // The default queue: asked for only what is still in the ring when the device answers, the gap fills in order as
        // the resends come; the live samples held behind it (some 750) come at once when it closes, which the queue holds.
        await using var rig = new Rig();
        rig.Wearable.Play(Ramp());
        rig.Wearable.Start();
        rig.Run(10);

        // At 10 s packets 0–165 are out (samples 0–497); 498 and 499 wait in packet 166.
        Assert.Equal(498, rig.Received.Count);
        rig.Wearable.DropLink();
        rig.Run(60);
        rig.Wearable.RestoreLink();
        rig.Run(25);

        // Restored at 70 s (3500 ticks: packets 0–1165 in the device), live resumes with packet 1166 at 70.02 s: the gap
        // is 166–1165 (1000 packets). The ring holds 1166 and the 499 before it, so 166–666 (501) are lost at once, and
        // the stream leaves the next 20 (RingAnswerMargin) to the device's overwriting: 687–1165 are asked for. The
        // device reads the request at the next tick, then waits 400 ms for the catch-up interval (CATCHUP_SETTLE_MS):
        // by its first resend (70.46 s) its ring starts at 675, so everything asked for comes. 521 packets, 1563 samples.
        const int LostPackets = 501 + WearableProtocol.RingAnswerMargin;
        Assert.Equal(LostPackets * 3, rig.Stream.LostSamples);
        Assert.Equal(1, rig.Stream.ResendRequests);
        Assert.Equal(0, rig.Stream.DuplicatePackets);
        Assert.Equal(0, rig.Wearable.DroppedSamples);
        Assert.Equal(Range((0, 498), (687 * 3, rig.Received.Count - 498)), BodyIndexes(rig.Received));
        Assert.InRange(rig.Received.Count + rig.Stream.LostSamples, rig.Wearable.SamplesTaken - 6, rig.Wearable.SamplesTaken);

        // The lost samples leave a hole of their own length in the device's timeline, nothing else moves.
        Assert.Equal(Tick * ((687 * 3) - 497), rig.Received[498].Timestamp - rig.Received[497].Timestamp);
        AssertEvery20Ms(rig.Received[..498]);
        AssertEvery20Ms(rig.Received[498..]);
    }

    [Fact]
    public async Task A_help_press_is_one_help_notice_though_sent_three_times()
    {
        await using var rig = new Rig();
        rig.Wearable.Start();
        rig.Run(1);

        rig.Wearable.PressHelp();
        rig.Run(1);

        // Counter 0 was the boot's reboot event.
        var help = Assert.Single(rig.NoticesOf(WearableNoticeKind.Help));
        Assert.Equal(1, help.Value);
        Assert.Equal(0, rig.Stream.LostSamples);
    }

    [Fact]
    public async Task Help_pressed_while_the_link_is_down_is_queued_and_delivered_once_on_restore()
    {
        await using var rig = new Rig();
        rig.Wearable.Start();
        rig.Run(1);
        rig.Wearable.DropLink();

        rig.Wearable.PressHelp();
        rig.Run(3);
        Assert.Empty(rig.NoticesOf(WearableNoticeKind.Help));

        rig.Wearable.RestoreLink();
        rig.Run(1);

        Assert.Single(rig.NoticesOf(WearableNoticeKind.Help));
    }

    [Fact]
    public async Task A_reboot_is_a_reboot_notice_and_the_stream_goes_on_from_seq_0_with_nothing_counted_lost()
    {
        await using var rig = new Rig();
        rig.Wearable.Play(Ramp());
        rig.Wearable.Start();
        rig.Run(10);
        rig.Wearable.PressHelp();
        rig.Run(1);
        Assert.Equal(0, rig.Stream.Restarts); // the boot's reboot event came before any packet
        var atReboot = rig.Received.Count;
        var taken = (int)rig.Wearable.SamplesTaken;

        rig.Wearable.Reboot();
        rig.Run(5);
        rig.Wearable.PressHelp();
        rig.Run(1);

        // The new stream's packet 0 starts with the body's next sample; what was sampled but not sent (a packet or two
        // behind the help press, the half-full one) went with the device's memory: the Pi never saw it, so nothing is
        // counted lost.
        Assert.InRange(taken - atReboot, 0, 3 * 4);
        Assert.Equal(Range((0, atReboot), (taken, rig.Received.Count - atReboot)), BodyIndexes(rig.Received));
        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(1, rig.Stream.Restarts);
        Assert.Equal(0, rig.Stream.ResendRequests);
        Assert.Equal(new[] { 0, 0 }, rig.NoticesOf(WearableNoticeKind.Reboot).Select(n => n.Value));

        // The event counter restarted too: the second press reuses counter 1 and is still a press of its own.
        Assert.Equal(new[] { 1, 1 }, rig.NoticesOf(WearableNoticeKind.Help).Select(n => n.Value));

        // A new stream never goes back in time for the detector.
        AssertEvery20Ms(rig.Received[..atReboot]);
        AssertEvery20Ms(rig.Received[atReboot..]);
        Assert.True(rig.Received[atReboot].Timestamp > rig.Received[atReboot - 1].Timestamp);
    }

    [Fact]
    public async Task Battery_levels_are_notices_and_the_last_is_kept()
    {
        await using var rig = new Rig();
        Assert.Null(rig.Wearable.BatteryPercent);
        rig.Wearable.Start();

        // The link reads the level once on connecting, as BlueZWearableLink does.
        Assert.Equal(100, rig.Wearable.BatteryPercent);
        rig.Wearable.SetBattery(42);
        rig.Run(0.2);

        Assert.Equal(new[] { 100, 42 }, rig.NoticesOf(WearableNoticeKind.Battery).Select(n => n.Value));
        Assert.Equal(42, rig.Wearable.BatteryPercent);

        // And again every minute, as the device's 60 s battery interval.
        rig.Run(60);
        Assert.Equal(new[] { 100, 42, 42 }, rig.NoticesOf(WearableNoticeKind.Battery).Select(n => n.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => rig.Wearable.SetBattery(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => rig.Wearable.SetBattery(-1));
        Assert.Equal(0, rig.Stream.LostSamples);
    }

    [Fact]
    public async Task A_pause_sends_nothing_and_resuming_restarts_the_stream_without_loss()
    {
        await using var rig = new Rig();
        rig.Wearable.Play(Ramp());
        rig.Wearable.Start();
        rig.Run(5);

        rig.Wearable.PauseSampling();
        rig.Run(0.2);
        var atPause = rig.Received.Count;
        var taken = rig.Wearable.SamplesTaken;
        rig.Run(60);
        Assert.Equal(atPause, rig.Received.Count);
        Assert.Equal(taken, rig.Wearable.SamplesTaken);

        rig.Wearable.ResumeSampling();
        rig.Run(5);

        // The sampling stopped at a packet boundary (after packet 83, sample 251) and went on with the body where it was.
        Assert.Equal(84 * 3, atPause);
        Assert.Equal(Range((0, rig.Received.Count)), BodyIndexes(rig.Received));
        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(0, rig.Stream.ResendRequests);
        Assert.Equal(1, rig.Stream.Restarts);

        // The pause is a hole in time (the monitor must not stitch across it), not a gap in the sequence.
        Assert.InRange(rig.Received[atPause].Timestamp - rig.Received[atPause - 1].Timestamp, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(61));
        AssertEvery20Ms(rig.Received[atPause..]);
    }

    [Fact]
    public async Task Seq_wraps_at_65536_without_a_gap()
    {
        await using var rig = new Rig();
        rig.Wearable.Play(AccelerationTrace.AtRest());
        rig.Wearable.Start();

        // 65536 packets take 3932.16 s.
        rig.Run(3940);

        Assert.True(rig.Received.Count > 65536 * 3);
        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(0, rig.Stream.Restarts);
        Assert.Equal(0, rig.Stream.ResendRequests);
        AssertEvery20Ms(rig.Received);
    }

    [Fact]
    public void At50Hz_is_the_mean_of_each_4_rounded_to_milli_g()
    {
        var at200 = new AccelerationTrace([(0.25, -1, 9), (0.5, -1, 9), (0.75, -1, 9), (1.0, -1, 9), (0.001, 0, 0), (0.002, 0, 0), (0.003, 0, 0), (0.0041, 0, 0), (5, 5, 5)], loop: false);

        var at50 = SimulatedWearable.At50Hz(at200);

        Assert.Equal(2, at50.Count);
        Assert.False(at50.Loop);
        Assert.Equal((0.625, -1.0, 8.0), at50[0]);
        Assert.Equal((0.003, 0.0, 0.0), at50[1]); // 2.525 mg; the trailing part of a block is dropped
    }

    [Fact]
    public async Task A_SisFall_fall_resampled_to_50_Hz_is_detected_from_the_wearables_stream()
    {
        using var reader = File.OpenText(Path.Combine(AppContext.BaseDirectory, "Data", "F01_SA01_R01.from5s.txt"));
        var at200 = AccelerationTrace.FromSisFall(reader, loop: false);
        var at50 = SimulatedWearable.At50Hz(at200);
        Assert.Equal(at200.Count / 4, at50.Count);
        await using var rig = new Rig();
        rig.Wearable.Play(at50);
        rig.Wearable.Start();

        rig.Run(20);

        var detector = new FallDetector(new FallDetectorOptions(), 50);
        var falls = rig.Received.Where(s => detector.Process(s, out _)).ToList();
        Assert.NotEmpty(falls);
        Assert.Equal(0, rig.Stream.LostSamples);

        // The recording as the device sent it, then held with a body's noise, never frozen.
        for (var i = 0; i < at50.Count; i++)
        {
            Assert.Equal(at50[i].X, rig.Received[i].XG, 9);
        }

        var held = rig.Received[at50.Count..];
        Assert.True(held.Count > 400);
        Assert.True(held.Select(s => (s.XG, s.YG, s.ZG)).Distinct().Count() > 10);
        Assert.All(held, s => Assert.InRange(s.YG - at50[at50.Count - 1].Y, -0.02, 0.02));
    }

    [Fact]
    public async Task Dispose_completes_the_channels()
    {
        var rig = new Rig();
        rig.Wearable.Start();
        rig.Run(1);

        await rig.DisposeAsync();

        rig.Drain();
        Assert.True(rig.Wearable.Samples.Completion.IsCompleted);
        Assert.True(rig.Wearable.Notices.Completion.IsCompleted);
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(rig.Wearable.Samples.TryRead(out _));
    }
}
