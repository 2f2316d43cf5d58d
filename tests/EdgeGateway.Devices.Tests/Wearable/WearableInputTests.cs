using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Wearable;

public class WearableInputTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // A link whose channels the test writes; WearableInput sees it as it sees the radio.
    private sealed class FakeLink : IWearableLink
    {
        private readonly Channel<AccelerationSample> _samples = Channel.CreateUnbounded<AccelerationSample>();
        private readonly Channel<WearableNotice> _notices = Channel.CreateUnbounded<WearableNotice>();

        public FakeLink(TimeProvider time) => Stream = new WearableStream(time, s => _samples.Writer.TryWrite(s), _ => { });

        public event Action<WearableLinkStatus>? StatusChanged;

        public ChannelReader<AccelerationSample> Samples => _samples.Reader;

        public ChannelReader<WearableNotice> Notices => _notices.Reader;

        public WearableStream Stream { get; }

        public WearableLinkStatus Status { get; set; } = new(WearableLinkState.Searching, "Device1.Connected turned false", DateTimeOffset.UnixEpoch);

        public long DroppedSamples => 0;

        public int? BatteryPercent { get; private set; }

        public bool Started { get; private set; }

        public bool Disposed { get; private set; }

        public void Start() => Started = true;

        public void Sample() => _samples.Writer.TryWrite(new AccelerationSample(0, 0, 1, TimeSpan.Zero));

        public void Notice(WearableNoticeKind kind, int value)
        {
            if (kind == WearableNoticeKind.Battery)
            {
                BatteryPercent = value;
            }

            _notices.Writer.TryWrite(new WearableNotice(kind, value, DateTimeOffset.UnixEpoch));
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            Stream.Dispose();
            _samples.Writer.TryComplete();
            _notices.Writer.TryComplete();
            StatusChanged?.Invoke(Status);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Rig : IDisposable
    {
        private readonly Lock _lock = new();

        public Rig(WearableInputOptions? options = null, Action<AccelerationSample>? samples = null)
        {
            Link = new FakeLink(Time);
            Input = new WearableInput(
                Link,
                options ?? new WearableInputOptions(),
                Time,
                samples ?? (_ => Interlocked.Increment(ref _detected)),
                where =>
                {
                    lock (_lock)
                    {
                        Help.Add(where);
                    }
                },
                (kind, text) =>
                {
                    lock (_lock)
                    {
                        Events.Add((kind, text));
                    }
                });
        }

        private int _detected;

        public FakeTimeProvider Time { get; } = new();

        public FakeLink Link { get; }

        public WearableInput Input { get; }

        public List<string> Help { get; } = [];

        public List<(CareEventKind Kind, string Text)> Events { get; } = [];

        public int Detected => Volatile.Read(ref _detected);

        public List<CareEventKind> Kinds()
        {
            lock (_lock)
            {
                return [.. Events.Select(e => e.Kind)];
            }
        }

        public int HelpCount()
        {
            lock (_lock)
            {
                return Help.Count;
            }
        }

        // The sample pump runs on its own task: wait (bounded) until it has handed over n samples.
        public void SampleAndWait()
        {
            var before = Input.SamplesSeen;
            Link.Sample();
            Assert.True(SpinWait.SpinUntil(() => Input.SamplesSeen > before, Wait), "the sample never reached the input");
        }

        public void Dispose() => Input.Dispose();
    }

    [Fact]
    public void A_wearable_that_never_sends_is_lost_after_30_s_naming_the_links_reason()
    {
        using var rig = new Rig();
        rig.Input.Start();
        Assert.True(rig.Link.Started);

        rig.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(rig.Kinds());
        rig.Time.Advance(TimeSpan.FromSeconds(1));

        var (kind, text) = Assert.Single(rig.Events);
        Assert.Equal(CareEventKind.WearableLost, kind);
        Assert.Equal("wearable: no samples since the gateway started; falls are not detected (link searching: Device1.Connected turned false)", text);
        Assert.True(rig.Input.IsLost);

        // Still lost: said once.
        rig.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Single(rig.Events);
    }

    [Fact]
    public void Samples_keep_it_found_and_their_return_after_a_loss_restores_it_once()
    {
        using var rig = new Rig();
        rig.Input.Start();
        for (var i = 0; i < 60; i++)
        {
            rig.SampleAndWait();
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(rig.Kinds());
        Assert.Equal(60, rig.Detected);

        for (var i = 0; i < 30; i++)
        {
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([CareEventKind.WearableLost], rig.Kinds());
        Assert.StartsWith("wearable: no samples for 30 s", rig.Events[0].Text, StringComparison.Ordinal);

        rig.Time.Advance(TimeSpan.FromSeconds(15));
        rig.SampleAndWait();
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        rig.SampleAndWait();
        rig.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([CareEventKind.WearableLost, CareEventKind.WearableRestored], rig.Kinds());
        Assert.Equal("wearable: samples again after 46 s; 0 samples not recovered", rig.Events[1].Text);
        Assert.False(rig.Input.IsLost);
    }

    [Fact]
    public void The_cell_is_low_at_20_percent_critical_at_10_and_restored_only_well_above_low()
    {
        using var rig = new Rig();
        rig.Input.Start();
        void Level(int percent, int expectedEvents)
        {
            rig.Link.Notice(WearableNoticeKind.Battery, percent);
            Assert.True(SpinWait.SpinUntil(() => rig.Kinds().Count == expectedEvents, Wait), $"at {percent} %: {string.Join(", ", rig.Kinds())}");
        }

        Level(50, 0);
        Assert.True(SpinWait.SpinUntil(() => rig.Input.Battery == WearableBattery.Ok, Wait));
        Level(21, 0);
        Level(20, 1);
        Level(15, 1);
        Level(10, 2);
        Level(25, 2);
        Level(12, 2);

        // Give the pump time to judge the last level before the restore; then a fresh cell.
        Level(95, 3);
        Assert.Equal([CareEventKind.WearableBatteryLow, CareEventKind.WearableBatteryCritical, CareEventKind.WearableBatteryRestored], rig.Kinds());
        Assert.Equal("wearable battery 10 %: change its cell today; when it is empty, falls go undetected", rig.Events[1].Text);
        Assert.Equal(WearableBattery.Ok, rig.Input.Battery);
    }

    [Fact]
    public void A_first_reading_that_is_already_empty_is_critical_without_a_low_first()
    {
        using var rig = new Rig();
        rig.Input.Start();
        rig.Link.Notice(WearableNoticeKind.Battery, 5);
        Assert.True(SpinWait.SpinUntil(() => rig.Kinds().Count == 1, Wait));
        Assert.Equal([CareEventKind.WearableBatteryCritical], rig.Kinds());
    }

    [Fact]
    public void Each_help_notice_is_one_help_call_and_is_seen_by_observers()
    {
        using var rig = new Rig();
        var seen = new List<WearableNoticeKind>();
        rig.Input.NoticeSeen += n =>
        {
            lock (seen)
            {
                seen.Add(n.Kind);
            }
        };
        rig.Input.Start();
        rig.Link.Notice(WearableNoticeKind.Help, 7);
        rig.Link.Notice(WearableNoticeKind.Reboot, 0);
        rig.Link.Notice(WearableNoticeKind.Help, 1);

        Assert.True(SpinWait.SpinUntil(() => { lock (seen) { return seen.Count == 3; } }, Wait));
        Assert.Equal(["wearable button pressed", "wearable button pressed"], rig.Help);
        Assert.Equal([WearableNoticeKind.Help, WearableNoticeKind.Reboot, WearableNoticeKind.Help], seen);
        Assert.Empty(rig.Kinds());
    }

    [Fact]
    public void Paused_it_is_never_lost_and_resumed_the_lost_time_starts_afresh()
    {
        using var rig = new Rig();
        rig.Input.Start();
        rig.Input.Pause();
        rig.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(rig.Kinds());

        rig.Input.Resume();
        rig.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(rig.Kinds());
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([CareEventKind.WearableLost], rig.Kinds());
    }

    [Fact]
    public void A_detector_that_throws_does_not_stop_the_samples_or_the_button()
    {
        var calls = 0;
        using var rig = new Rig(samples: _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("detector bug");
            }
        });
        rig.Input.Start();
        rig.SampleAndWait();
        rig.SampleAndWait();
        rig.Link.Notice(WearableNoticeKind.Help, 3);

        Assert.True(SpinWait.SpinUntil(() => rig.HelpCount() == 1, Wait));
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public void Dispose_disposes_the_link_and_ends_the_readers()
    {
        var rig = new Rig();
        rig.Input.Start();
        rig.Dispose();
        Assert.True(rig.Link.Disposed);
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(rig.Kinds());
    }

    [Theory]
    [InlineData(10, 10, "critical 10, low 10")]
    [InlineData(20, 0, "critical 0, low 20")]
    public void Thresholds_that_cannot_work_are_refused_naming_them(int low, int critical, string named)
    {
        var link = new FakeLink(TimeProvider.System);
        var ex = Assert.Throws<ArgumentException>(() => new WearableInput(link, new WearableInputOptions { BatteryLowPercent = low, BatteryCriticalPercent = critical }, TimeProvider.System, _ => { }, _ => { }, (_, _) => { }));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
