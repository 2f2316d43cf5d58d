using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.FlowMeters;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Supervision;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.FlowMeters;

public sealed class FlowMeterTests : IDisposable
{
    private const int Pin = 22;
    private const double YfS201 = 450;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("flow-").FullName;
    private readonly List<SensorReading> _readings = [];
    private readonly List<SupervisionChange> _supervision = [];

    private sealed class Rig : IDisposable
    {
        public Rig(FakeTimeProvider time) => (Time, Gpio) = (time, new GpioController(Driver));

        public FakeTimeProvider Time { get; }

        public SimulatedGpioDriver Driver { get; } = new();

        public GpioController Gpio { get; }

        public void Dispose() => Gpio.Dispose();
    }

    private FlowMeter Open(Rig rig, double k = YfS201, TimeSpan? debounce = null) => new(
        rig.Gpio,
        new FlowMeterOptions { SensorId = "kitchen", Pin = Pin, PulsesPerLitre = k, Debounce = debounce ?? TimeSpan.Zero },
        _dataDir,
        rig.Time,
        new CareEventFactory("home-1", rig.Time, new FixedClockSyncStatus(true)).Now,
        _readings.Add,
        _supervision.Add);

    /// <summary>One pulse of a Hall sensor: the open-collector output pulls low for half the period.</summary>
    private static void Pulse(Rig rig, TimeSpan period)
    {
        var half = period / 2;
        rig.Driver.SetInputLevel(Pin, PinValue.Low);
        rig.Time.Advance(half);
        rig.Driver.SetInputLevel(Pin, null);
        rig.Time.Advance(period - half);
    }

    /// <summary>A 250 Hz train with ±30 % period jitter; deterministic per seed.</summary>
    private static IEnumerable<TimeSpan> Jittered(int count, double hz, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            yield return TimeSpan.FromSeconds((1 / hz) * (0.7 + (0.6 * random.NextDouble())));
        }
    }

    [Fact]
    public void A_250_Hz_pulse_train_with_jitter_is_counted_exactly()
    {
        using var rig = new Rig(new FakeTimeProvider());
        using var meter = Open(rig);
        foreach (var period in Jittered(20_000, 250, seed: 1))
        {
            Pulse(rig, period);
        }

        Assert.Equal(20_000, meter.Pulses);
        Assert.Equal(20_000 / YfS201, meter.Total.Liters, 9);
    }

    [Fact]
    public async Task Pulses_from_another_thread_at_full_speed_are_all_counted()
    {
        // Real threads, real timers: the counting path must not lose increments while the persist timer runs.
        using var rig = new Rig(new FakeTimeProvider());
        using var meter = new FlowMeter(
            rig.Gpio,
            new FlowMeterOptions { SensorId = "kitchen", Pin = Pin, PulsesPerLitre = YfS201 },
            _dataDir,
            TimeProvider.System,
            new CareEventFactory("home-1", TimeProvider.System, new FixedClockSyncStatus(true)).Now,
            _ => { });
        var pusher = Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                rig.Driver.SetInputLevel(Pin, PinValue.Low);
                rig.Driver.SetInputLevel(Pin, null);
            }
        });
        await pusher.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(50_000, meter.Pulses);
        meter.Flush();
        Assert.Equal(50_000, meter.PersistedPulses);
    }

    [Fact]
    public void Flow_is_averaged_over_the_window_and_drops_to_zero_when_the_tap_closes()
    {
        using var rig = new Rig(new FakeTimeProvider());
        using var meter = Open(rig);

        // 225 Hz on a YF-S201 is 30 L/min.
        for (var i = 0; i < 225 * 15; i++)
        {
            Pulse(rig, TimeSpan.FromSeconds(1.0 / 225));
        }

        Assert.Equal(30, meter.Flow.LitersPerMinute, 0.5);
        Assert.Equal(30, _readings[^1].Flow.LitersPerMinute, 0.5);
        Assert.Equal(7.5, meter.Total.Liters, 0.01);
        Assert.Equal(7.5, _readings[^1].Total.Liters, 0.5); // readings come once a second
        rig.Time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(0, meter.Flow.LitersPerMinute);
        Assert.False(_readings[^1].IsFlowing);
    }

    [Theory]
    [InlineData(1, 250.0, 1_000)]
    [InlineData(2, 250.0, 7_777)]
    [InlineData(3, 250.0, 12_345)]
    [InlineData(4, 2.0, 600)] // a trickle: 0.27 L/min, so the 60 s rule is the one that binds
    [InlineData(5, 0.5, 200)]
    [InlineData(6, 2.0, 178)]
    [InlineData(7, 2.0, 359)]
    [InlineData(8, 0.5, 44)]
    [InlineData(9, 1.0, 89)]
    public void A_power_cut_loses_at_most_one_litre_or_sixty_seconds_of_counting(int seed, double hz, int pulsesBeforeCut)
    {
        var periods = Jittered(pulsesBeforeCut, hz, seed).ToList();
        using (var rig = new Rig(new FakeTimeProvider()))
        {
            var meter = Open(rig);
            foreach (var period in periods)
            {
                Pulse(rig, period);
            }

            Assert.Equal(pulsesBeforeCut, meter.Pulses);

            // Power cut: the meter is dropped without Dispose or Flush, and its clock never runs again.
            GC.KeepAlive(meter);
        }

        using var afterBoot = new Rig(new FakeTimeProvider());
        using var reloaded = Open(afterBoot);
        var lost = pulsesBeforeCut - reloaded.Pulses;
        var lastMinute = 0;
        var age = TimeSpan.Zero;
        for (var i = periods.Count - 1; i >= 0 && age < TimeSpan.FromSeconds(60); i--)
        {
            age += periods[i];
            lastMinute++;
        }

        Assert.InRange(lost, 0, YfS201 - 1);
        Assert.InRange(lost, 0, lastMinute);
    }

    [Fact]
    public void A_clean_shutdown_loses_nothing_and_the_total_carries_on_after_restart()
    {
        using (var rig = new Rig(new FakeTimeProvider()))
        using (var meter = Open(rig))
        {
            for (var i = 0; i < 1_234; i++)
            {
                Pulse(rig, TimeSpan.FromMilliseconds(4));
            }
        }

        using var again = new Rig(new FakeTimeProvider());
        using var reloaded = Open(again);
        Assert.Equal(1_234, reloaded.Pulses);
        Pulse(again, TimeSpan.FromMilliseconds(4));
        Assert.Equal(1_235 / YfS201, reloaded.Total.Liters, 9);
    }

    [Fact]
    public void A_changed_k_factor_keeps_the_litres_counted_with_the_old_one()
    {
        using (var rig = new Rig(new FakeTimeProvider()))
        using (var meter = Open(rig))
        {
            for (var i = 0; i < 900; i++)
            {
                Pulse(rig, TimeSpan.FromMilliseconds(4));
            }
        }

        using var again = new Rig(new FakeTimeProvider());
        using var recalibrated = Open(again, k: 500);
        Assert.Equal(2.0, recalibrated.Total.Liters, 9);
        for (var i = 0; i < 500; i++)
        {
            Pulse(again, TimeSpan.FromMilliseconds(4));
        }

        Assert.Equal(3.0, recalibrated.Total.Liters, 9);
    }

    [Fact]
    public void A_damaged_total_file_is_kept_aside_and_reported_as_a_fault()
    {
        File.WriteAllText(Path.Combine(_dataDir, "flow-kitchen.total"), "garbage");
        using var rig = new Rig(new FakeTimeProvider());
        using var meter = Open(rig);
        Assert.Equal(0, meter.Pulses);
        Assert.Equal(SupervisionState.Faulted, meter.State);
        Assert.Contains("damaged", Assert.Single(_supervision).Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dataDir, "flow-kitchen.total.damaged")));
    }

    [Fact]
    public void Reed_bounce_is_ignored_with_debounce_but_would_triple_the_count_without()
    {
        static void BouncyClosure(Rig rig)
        {
            // The reed closes, bounces twice within 3 ms, stays closed 200 ms, opens.
            foreach (var level in new PinValue?[] { PinValue.Low, null, PinValue.Low, null, PinValue.Low })
            {
                rig.Driver.SetInputLevel(Pin, level);
                rig.Time.Advance(TimeSpan.FromMilliseconds(0.7));
            }

            rig.Time.Advance(TimeSpan.FromMilliseconds(200));
            rig.Driver.SetInputLevel(Pin, null);
            rig.Time.Advance(TimeSpan.FromSeconds(2));
        }

        using (var rig = new Rig(new FakeTimeProvider()))
        using (var reed = Open(rig, k: 1, debounce: TimeSpan.FromMilliseconds(20)))
        {
            for (var i = 0; i < 10; i++)
            {
                BouncyClosure(rig);
            }

            Assert.Equal(10, reed.Pulses);
            Assert.Equal(10, reed.Total.Liters, 9);
        }

        Directory.Delete(_dataDir, recursive: true);
        using var bare = new Rig(new FakeTimeProvider());
        using var undebounced = Open(bare, k: 1);
        for (var i = 0; i < 10; i++)
        {
            BouncyClosure(bare);
        }

        Assert.Equal(30, undebounced.Pulses);
    }

    [Fact]
    public void A_meter_without_pulses_for_36_hours_is_reported_silent_until_water_flows_again()
    {
        using var rig = new Rig(new FakeTimeProvider());
        using var meter = Open(rig);
        rig.Time.Advance(TimeSpan.FromHours(36.01));
        Assert.Equal(SupervisionState.Silent, meter.State);
        Pulse(rig, TimeSpan.FromMilliseconds(4));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SupervisionState.Alive, meter.State);
        Assert.Equal([CareEventKind.SensorSilent, CareEventKind.SensorRestored], _supervision.Select(s => s.Event));
    }

    [Fact]
    public void A_sink_that_throws_is_logged_with_the_sensor_id_and_counted_and_the_meter_keeps_reporting()
    {
        using var rig = new Rig(new FakeTimeProvider());
        var logger = new RecordingLogger();
        var calls = 0;
        using var meter = new FlowMeter(
            rig.Gpio,
            new FlowMeterOptions { SensorId = "kitchen", Pin = Pin, PulsesPerLitre = 10 },
            _dataDir,
            rig.Time,
            new CareEventFactory("home-1", rig.Time, new FixedClockSyncStatus(true)).Now,
            r =>
            {
                if (++calls == 1)
                {
                    throw new InvalidOperationException("consumer bug");
                }

                _readings.Add(r);
            },
            _supervision.Add,
            logger);

        // 5 pulses, then the sample timer fires inside Advance: the first reading's sink throws there.
        for (var i = 0; i < 5; i++)
        {
            Pulse(rig, TimeSpan.FromMilliseconds(100));
        }

        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, meter.SinkFailures);
        Assert.Contains("kitchen", Assert.Single(logger.Entries).Message, StringComparison.Ordinal);

        Pulse(rig, TimeSpan.FromMilliseconds(100));
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.6, _readings[^1].Total.Liters, 9);
        Assert.Equal(6, meter.Pulses);
    }

    [Fact]
    public void A_k_factor_of_zero_is_refused_with_the_field_name()
    {
        using var rig = new Rig(new FakeTimeProvider());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Open(rig, k: 0));
        Assert.Contains("PulsesPerLitre", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
