using EdgeGateway.Core.Falls;
using static EdgeGateway.Core.Tests.Falls.SyntheticTrace;

namespace EdgeGateway.Core.Tests.Falls;

public class WearerMonitorTests
{
    private static readonly WearerMonitorOptions Defaults = new();

    private static List<WearerChange> Run(WearerMonitor monitor, IEnumerable<AccelerationSample> samples)
    {
        var changes = new List<WearerChange>();
        foreach (var s in samples)
        {
            if (monitor.Process(s, out var c))
            {
                changes.Add(c);
            }
        }

        return changes;
    }

    private static List<WearerChange> Run(SyntheticTrace trace) => Run(new WearerMonitor(Defaults), trace.Samples);

    private static List<WearerChangeKind> Kinds(SyntheticTrace trace) => [.. Run(trace).Select(c => c.Kind)];

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    public void A_wearable_lying_flat_on_a_table_is_lifeless_after_the_lifeless_time_and_moving_when_picked_up(double rate)
    {
        // A table: flat on its back, nothing but the sensor noise (about 6 mg per sample, as SyntheticTrace makes it).
        var t = new SyntheticTrace(rate).Walk(20).Turn(1, LyingOnBack).Still(3 * 60, LyingOnBack).Turn(1, Upright).Walk(20);
        var changes = Run(new WearerMonitor(Defaults), t.Samples);

        var lifeless = Assert.Single(changes, c => c.Kind == WearerChangeKind.Lifeless);
        // Put down at 21 s; the first full quiet window ends by 40 s, then a minute of them.
        Assert.InRange(lifeless.Timestamp.TotalSeconds, 21 + Defaults.LifelessTime.TotalSeconds, 21 + Defaults.LifelessTime.TotalSeconds + 20);
        Assert.True(lifeless.MovementG <= Defaults.MaxLifelessMovementG, $"movement {lifeless.MovementG}");
        var moving = Assert.Single(changes, c => c.Kind == WearerChangeKind.Moving);
        Assert.InRange(moving.Timestamp.TotalSeconds, 201, 215);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    public void A_person_lying_still_and_breathing_is_never_lifeless(double rate)
    {
        // ±0.15° per breath is about ±2.6 mg on an axis: less than the quietest 5 s of lying after a SisFall fall.
        var t = new SyntheticTrace(rate).Walk(10).Turn(1, LyingOnBack).Breathe(20 * 60, LyingOnBack, 0.15);
        Assert.DoesNotContain(WearerChangeKind.Lifeless, Kinds(t));
    }

    [Fact]
    public void Somebody_sitting_motionless_is_upright_and_so_never_lifeless()
    {
        // No breath visible at all, but upright: a wearable on a table does not stand up.
        var t = new SyntheticTrace(100).Still(10 * 60, SeatedLeaningBack);
        Assert.Equal([WearerChangeKind.Upright], Kinds(t));
    }

    [Fact]
    public void A_wearable_that_is_moved_to_another_still_place_starts_its_lifeless_time_again()
    {
        // 50 s on one side, 50 s on the other: never a full minute in one place.
        var t = new SyntheticTrace(100).Walk(5).Turn(1, LyingOnBack);
        for (var i = 0; i < 6; i++)
        {
            t.Still(50, LyingOnBack).Turn(0.5, LyingOnFront).Still(50, LyingOnFront).Turn(0.5, LyingOnBack);
        }

        Assert.DoesNotContain(WearerChangeKind.Lifeless, Kinds(t));
    }

    [Fact]
    public void Posture_is_reported_when_it_settles_upright_or_down()
    {
        var t = new SyntheticTrace(100).Walk(15).FreeFall(0.4, LyingOnFront).Impact(4).Breathe(30, LyingOnFront, 0.5)
            .Turn(2, Upright).Walk(15);
        var changes = Run(t);

        Assert.Equal([WearerChangeKind.Upright, WearerChangeKind.Down, WearerChangeKind.Upright], changes.Select(c => c.Kind));
        Assert.InRange(changes[0].Timestamp.TotalSeconds, 10, 11.5);
        Assert.InRange(changes[1].Timestamp.TotalSeconds, 15 + Defaults.DownTime.TotalSeconds, 15 + Defaults.DownTime.TotalSeconds + 1.5);
        Assert.InRange(changes[1].TiltDeg, 85, 95);
        Assert.InRange(changes[2].Timestamp.TotalSeconds, 47.4 + Defaults.UprightTime.TotalSeconds - 1, 47.4 + Defaults.UprightTime.TotalSeconds + 1.5);
    }

    [Fact]
    public void Reclined_in_between_keeps_the_last_posture_until_it_lasts_the_down_time()
    {
        // 50° back is neither upright nor lying; it counts towards "down" only once it lasts (a slumped resident).
        var t = new SyntheticTrace(100).Walk(15).Turn(1, Tilt(50)).Still(3, Tilt(50)).Turn(1, Upright).Walk(5);
        Assert.Equal([WearerChangeKind.Upright], Kinds(t));
    }

    [Fact]
    public void A_gap_restarts_the_counting()
    {
        var t = new SyntheticTrace(100).Walk(5).Turn(1, LyingOnBack).Still(40, LyingOnBack).Gap(1).Still(40, LyingOnBack);
        Assert.DoesNotContain(WearerChangeKind.Lifeless, Kinds(t));
    }

    [Fact]
    public void Processing_allocates_nothing_per_sample()
    {
        var array = new SyntheticTrace(200).Walk(30).Turn(1, LyingOnBack).Still(120, LyingOnBack).Turn(1, Upright).Walk(30).Samples.ToArray();
        // One pass first, as the detector's test does: what is paid once per process (type initialisers, tier-up of the
        // paths a change takes) is not a per-sample cost. A clean-clone run counted 7,904 B here without it.
        var warm = new WearerMonitor(Defaults);
        foreach (var sample in array)
        {
            warm.Process(sample, out _);
        }

        var monitor = new WearerMonitor(Defaults);
        var changes = 0;
        monitor.Process(array[0], out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < array.Length; i++)
        {
            if (monitor.Process(array[i], out _))
            {
                changes++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(changes >= 3, "the measured run must include posture and lifeless changes");
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(nameof(WearerMonitorOptions.UprightMaxTiltDeg))]
    [InlineData(nameof(WearerMonitorOptions.MovementWindow))]
    [InlineData(nameof(WearerMonitorOptions.MaxLifelessMovementG))]
    [InlineData(nameof(WearerMonitorOptions.LifelessTime))]
    public void Bad_options_are_refused_with_their_name(string name)
    {
        var bad = name switch
        {
            nameof(WearerMonitorOptions.UprightMaxTiltDeg) => Defaults with { UprightMaxTiltDeg = -1 },
            nameof(WearerMonitorOptions.MovementWindow) => Defaults with { MovementWindow = TimeSpan.FromSeconds(1) },
            nameof(WearerMonitorOptions.MaxLifelessMovementG) => Defaults with { MaxLifelessMovementG = double.NaN },
            _ => Defaults with { LifelessTime = TimeSpan.Zero },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new WearerMonitor(bad));
        Assert.Equal(name, e.ParamName);
    }
}
