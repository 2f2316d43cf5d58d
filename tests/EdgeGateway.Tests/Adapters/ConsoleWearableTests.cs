using System.Threading.Channels;
using EdgeGateway.Adapters;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Adapters;

/// <summary>The console's <see cref="IWearable"/> over a real <see cref="WearableInput"/> fed by a link made of two channels.</summary>
public sealed class ConsoleWearableTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly ChannelLink _link = new();
    private readonly List<(CareEventKind Kind, string Message)> _technical = [];
    private readonly List<string> _help = [];
    private readonly WearableInput _input;
    private readonly ConsoleWearable _wearable;

    public ConsoleWearableTests()
    {
        _input = new WearableInput(_link, new WearableInputOptions { SensorId = "belt" }, TimeProvider.System, _ => { }, h => { lock (_help) { _help.Add(h); } }, (k, m) => { lock (_technical) { _technical.Add((k, m)); } });
        _wearable = new ConsoleWearable(() => _input, () => "belt-button", () => false, new BlueZPairing(new BlueZPairingOptions { BusAddress = "unix:path=/nonexistent/eg-test-bus", CallTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System));
        _input.Start();
    }

    public void Dispose() => _input.Dispose();

    [Fact]
    public async Task The_snapshot_reads_the_links_state_the_judged_cell_and_the_counters()
    {
        _link.Set(WearableLinkState.Connected, "C8:11:22:33:EE:FF through /org/bluez/hci0");
        _link.Notify(new WearableNotice(WearableNoticeKind.Battery, 15, DateTimeOffset.UtcNow));
        for (var i = 0; i < 5; i++)
        {
            _link.Sample(AccelerationSample.FromG(0, 0, 1, TimeSpan.FromMilliseconds(20 * i)));
        }

        await Eventually.UntilAsync(() => _input.SamplesSeen == 5 && _input.Battery == WearableBattery.Low, Bound);
        var s = _wearable.Snapshot()!;
        Assert.Equal(("belt", "belt-button", null, "connected", "C8:11:22:33:EE:FF through /org/bluez/hci0"), (s.SensorId, s.ButtonSensorId, s.Address, s.LinkState, s.LinkReason));
        Assert.Equal((15, "low", 20, 10), (s.BatteryPercent, s.Battery, s.BatteryLowPercent, s.BatteryCriticalPercent));
        Assert.Equal((5L, 0L, 0L, 0L, false, TimeSpan.FromSeconds(30)), (s.SamplesSeen, s.LostSamples, s.DroppedSamples, s.ResendRequests, s.Lost, s.LostAfter));
        Assert.NotNull(s.SinceLastSample);

        // Not a BlueZ link: the console says there is nothing to pair.
        Assert.True(_wearable.Simulated);
    }

    [Fact]
    public async Task A_press_and_a_shake_reach_the_walk_test_and_stop_after_unsubscribing()
    {
        var presses = 0;
        var magnitudes = new List<double>();
        var help = _wearable.SubscribeHelp(() => Interlocked.Increment(ref presses));
        var samples = _wearable.SubscribeSamples(g => { lock (magnitudes) { magnitudes.Add(g); } });

        _link.Notify(new WearableNotice(WearableNoticeKind.Battery, 90, DateTimeOffset.UtcNow));
        _link.Notify(new WearableNotice(WearableNoticeKind.Help, 1, DateTimeOffset.UtcNow));
        _link.Sample(AccelerationSample.FromG(0, 0, 1, TimeSpan.Zero));
        _link.Sample(AccelerationSample.FromG(1.2, -1.6, 1.8, TimeSpan.FromMilliseconds(20)));
        await Eventually.UntilAsync(() => Volatile.Read(ref presses) == 1 && _input.SamplesSeen == 2, Bound);
        lock (magnitudes)
        {
            Assert.Equal([1.0, Math.Sqrt((1.2 * 1.2) + (1.6 * 1.6) + (1.8 * 1.8))], magnitudes);
        }

        // The walk-test's press is the wearer's press: the gateway raised help for it.
        lock (_help)
        {
            Assert.Equal(["belt button pressed"], _help);
        }

        help.Dispose();
        samples.Dispose();
        _link.Notify(new WearableNotice(WearableNoticeKind.Help, 2, DateTimeOffset.UtcNow));
        _link.Sample(AccelerationSample.FromG(0, 0, 3, TimeSpan.FromMilliseconds(40)));
        await Eventually.UntilAsync(() => _input.SamplesSeen == 3 && _help.Count == 2, Bound);
        Assert.Equal(1, Volatile.Read(ref presses));
        lock (magnitudes)
        {
            Assert.Equal(2, magnitudes.Count);
        }
    }

    [Fact]
    public async Task Without_a_wearable_pairing_still_runs_and_names_a_missing_bus()
    {
        var none = new ConsoleWearable(() => null, () => null, () => false, new BlueZPairing(new BlueZPairingOptions { BusAddress = "unix:path=/nonexistent/eg-test-bus", CallTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System));
        Assert.Null(none.Snapshot());
        Assert.False(none.Simulated);
        using (none.SubscribeHelp(() => { }))
        using (none.SubscribeSamples(_ => { }))
        {
        }

        var scan = await none.ScanAsync(TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(Bound);
        Assert.False(scan.Ok);
        Assert.Contains("D-Bus at unix:path=/nonexistent/eg-test-bus", scan.Message, StringComparison.Ordinal);
        var pair = await none.PairAsync("C8:11:22:33:EE:FF", CancellationToken.None).WaitAsync(Bound);
        Assert.False(pair.Ok);
        Assert.Contains("D-Bus at unix:path=/nonexistent/eg-test-bus", pair.Message, StringComparison.Ordinal);
        Assert.True(new ConsoleWearable(() => null, () => null, () => true, new BlueZPairing(null, TimeProvider.System)).Simulated);
    }

    /// <summary>A link that is two channels and a status the test sets.</summary>
    private sealed class ChannelLink : IWearableLink
    {
        private readonly Channel<AccelerationSample> _samples = Channel.CreateUnbounded<AccelerationSample>();
        private readonly Channel<WearableNotice> _notices = Channel.CreateUnbounded<WearableNotice>();

        public event Action<WearableLinkStatus>? StatusChanged;

        public ChannelReader<AccelerationSample> Samples => _samples.Reader;

        public ChannelReader<WearableNotice> Notices => _notices.Reader;

        public WearableStream Stream { get; } = new(TimeProvider.System, _ => { }, _ => { });

        public WearableLinkStatus Status { get; private set; } = new(WearableLinkState.Searching, "not started", DateTimeOffset.UtcNow);

        public long DroppedSamples => 0;

        public int? BatteryPercent { get; private set; }

        public void Start()
        {
        }

        public void Set(WearableLinkState state, string reason)
        {
            Status = new WearableLinkStatus(state, reason, DateTimeOffset.UtcNow);
            StatusChanged?.Invoke(Status);
        }

        public void Sample(AccelerationSample sample) => _samples.Writer.TryWrite(sample);

        public void Notify(WearableNotice notice)
        {
            if (notice.Kind == WearableNoticeKind.Battery)
            {
                BatteryPercent = notice.Value;
            }

            _notices.Writer.TryWrite(notice);
        }

        public ValueTask DisposeAsync()
        {
            Stream.Dispose();
            _samples.Writer.TryComplete();
            _notices.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
