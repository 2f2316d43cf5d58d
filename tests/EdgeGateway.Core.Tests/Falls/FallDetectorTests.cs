using EdgeGateway.Core.Falls;
using static EdgeGateway.Core.Tests.Falls.SyntheticTrace;

namespace EdgeGateway.Core.Tests.Falls;

public class FallDetectorTests
{
    private static readonly FallDetectorOptions Defaults = new();

    private static List<FallDetection> Run(FallDetector detector, IEnumerable<AccelerationSample> samples)
    {
        var found = new List<FallDetection>();
        foreach (var s in samples)
        {
            if (detector.Process(s, out var d))
            {
                found.Add(d);
            }
        }

        return found;
    }

    private static List<FallDetection> Run(SyntheticTrace trace, double rate = 200) =>
        Run(new FallDetector(Defaults, rate), trace.Samples);

    private static SyntheticTrace Fall(double rate = 200, double impactG = 6) =>
        new SyntheticTrace(rate).Still(3, Upright).FreeFall(0.4, LyingOnBack).Impact(impactG).Still(6, LyingOnBack);

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    public void Free_fall_then_impact_then_lying_still_is_one_fall(double rate)
    {
        var trace = Fall(rate);
        var found = Run(trace, rate);

        var d = Assert.Single(found);
        // Impact at 3.4 s; confirmation after the settle time and the observation window, plus the low-pass delay.
        var expected = 3.4 + Defaults.SettleTime.TotalSeconds + Defaults.ObservationWindow.TotalSeconds;
        Assert.InRange(d.Timestamp.TotalSeconds, expected, expected + 0.3);
        Assert.InRange(d.ImpactTime.TotalSeconds, 3.4, 3.7); // the filtered peak lags the raw one by the low-pass delay
        Assert.True(d.PeakImpactG >= Defaults.ImpactThresholdG, $"peak {d.PeakImpactG}");
        Assert.True(d.FreeFallMinG < 0.5, $"free fall {d.FreeFallMinG}");
        Assert.InRange(d.OrientationChangeDeg, 80, 100);
        Assert.InRange(d.TiltFromUprightDeg, 80, 100);
        Assert.InRange(d.PriorTiltDeg, 0, 10);
        Assert.True(d.StillnessG < 0.02, $"stillness {d.StillnessG}");
        Assert.InRange(d.Confidence, 0.5, 1);
        Assert.False(d.Saturated);
    }

    [Fact]
    public void The_same_fall_gives_nearly_the_same_features_at_100_and_200_Hz()
    {
        var fast = Assert.Single(Run(Fall(200), 200));
        var slow = Assert.Single(Run(Fall(100), 100));
        Assert.Equal(fast.PeakImpactG, slow.PeakImpactG, 0.25);
        Assert.Equal(fast.OrientationChangeDeg, slow.OrientationChangeDeg, 2.0);
        Assert.Equal(fast.Timestamp.TotalSeconds, slow.Timestamp.TotalSeconds, 0.05);
    }

    public static TheoryData<string> Activities() => ["jump", "sit down hard", "walk", "jog", "lie down slowly", "jog then stop"];

    [Theory]
    [MemberData(nameof(Activities))]
    public void Daily_activities_do_not_alarm(string activity)
    {
        foreach (var rate in new[] { 200.0, 100.0 })
        {
            var t = new SyntheticTrace(rate).Still(2, Upright);
            _ = activity switch
            {
                "jump" => t.Jump().Jump(5),
                "sit down hard" => t.SitDownHard(),
                "walk" => t.Walk(60),
                "jog" => t.Jog(60),
                "lie down slowly" => t.Turn(1.5, SeatedLeaningBack).Still(2).Turn(2, LyingOnBack).Still(10),
                "jog then stop" => t.Jog(20).Still(10, Upright),
                _ => throw new ArgumentOutOfRangeException(nameof(activity)),
            };
            Assert.Empty(Run(t, rate));
        }
    }

    [Fact]
    public void Impacts_really_happen_in_the_activity_traces()
    {
        // Guards the test above: jogging, jumping and sitting hard must open candidates, or "no alarm" proves nothing.
        var open = Defaults with { StillnessMaxG = double.PositiveInfinity, MinOrientationChangeDeg = 0, MaxPriorTiltDeg = 180, MinLyingTiltDeg = 0, ReclinedTiltDeg = 0, RefractoryPeriod = TimeSpan.Zero };
        Assert.NotEmpty(Run(new FallDetector(open, 200), new SyntheticTrace(200).Still(2, Upright).Jump().Samples));
        Assert.NotEmpty(Run(new FallDetector(open, 200), new SyntheticTrace(200).Still(2, Upright).SitDownHard().Samples));
        Assert.NotEmpty(Run(new FallDetector(open, 200), new SyntheticTrace(200).Still(2, Upright).Jog(10).Still(5).Samples));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    public void Falling_forward_while_getting_up_from_a_chair_is_a_fall(double rate)
    {
        // Seated upright, then bent forward 70° to stand up, then a soft fall onto the front: against the bent posture
        // the turn is only 20°, against the seated one a moment before it is 100° (the SisFall F08 misses).
        var t = new SyntheticTrace(rate).Still(4, Tilt(10)).Turn(0.5, Tilt(-70)).Still(1.6)
            .FreeFall(0.3, LyingOnFront, 0.6).Impact(3.5).Still(6, LyingOnFront);

        var d = Assert.Single(Run(t, rate));
        Assert.InRange(d.OrientationChangeDeg, 80, 110);
        Assert.InRange(d.PriorTiltDeg, 0, 20);
    }

    [Fact]
    public void The_posture_before_is_looked_for_only_within_the_reference_lookback()
    {
        // The same fall with the bent posture held longer than the lookback: the seated posture is out of reach.
        var t = new SyntheticTrace(200).Still(4, Tilt(10)).Turn(0.5, Tilt(-70)).Still(3.5)
            .FreeFall(0.3, LyingOnFront, 0.6).Impact(3.5).Still(6, LyingOnFront);
        Assert.Empty(Run(t));
        Assert.Single(Run(new FallDetector(Defaults with { ReferenceLookback = TimeSpan.FromSeconds(5) }, 200), t.Samples));
    }

    [Fact]
    public void The_lying_gate_when_switched_on_refuses_a_collapse_back_into_a_chair()
    {
        // Standing up, collapsing back into the chair reclined 55°: a turn and stillness, but sitting, not lying.
        var t = new SyntheticTrace(200).Still(4, Upright).FreeFall(0.3, Tilt(55), 0.5).Impact(3).Still(6, Tilt(55));
        Assert.Single(Run(t));
        Assert.Empty(Run(new FallDetector(Defaults with { MinLyingTiltDeg = 60 }, 200), t.Samples));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    public void A_reclined_posture_alarms_once_it_has_stayed_down_for_the_confirm_time(double rate)
    {
        // A backward fall that ends reclined 55° (SisFall SA11's F02/F11/F14 end 47–65°): ambiguous with a chair, so it waits.
        var t = new SyntheticTrace(rate).Still(4, Upright).FreeFall(0.3, Tilt(55), 0.5).Impact(3).Still(8, Tilt(55));
        var unconfirmed = Assert.Single(Run(new FallDetector(Defaults with { ReclinedTiltDeg = 0 }, rate), t.Samples));
        var confirmed = Assert.Single(Run(t, rate));

        Assert.True(double.IsNaN(unconfirmed.ConfirmStillnessG));
        Assert.Equal(Defaults.ReclinedConfirmTime.TotalSeconds, (confirmed.Timestamp - unconfirmed.Timestamp).TotalSeconds, 0.02);
        Assert.InRange(confirmed.ConfirmStillnessG, 0, 0.02);
        Assert.InRange(confirmed.ConfirmChangeDeg, 50, 60);
        Assert.Equal(unconfirmed.OrientationChangeDeg, confirmed.OrientationChangeDeg, 6);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    public void Dropping_back_into_a_chair_and_getting_up_within_the_confirm_time_is_not_alarmed(double rate)
    {
        // The elderly false alarms (SisFall SE08 D08): a quick sit ends reclined and still, and a second later they stand.
        var t = new SyntheticTrace(rate).Still(4, Upright).FreeFall(0.3, Tilt(55), 0.5).Impact(3).Still(3.2, Tilt(55))
            .Turn(1.0, Upright).Walk(5);
        Assert.Single(Run(new FallDetector(Defaults with { ReclinedTiltDeg = 0 }, rate), t.Samples));
        Assert.Empty(Run(t, rate));
    }

    [Fact]
    public void A_fall_ending_flat_is_not_held_back_by_the_reclined_confirmation()
    {
        var flat = Assert.Single(Run(Fall()));
        Assert.True(flat.TiltFromUprightDeg >= Defaults.ReclinedTiltDeg);
        Assert.True(double.IsNaN(flat.ConfirmStillnessG));
    }

    [Theory]
    [InlineData(nameof(FallDetectorOptions.MinLyingTiltDeg))]
    [InlineData(nameof(FallDetectorOptions.ReferenceLookback))]
    [InlineData(nameof(FallDetectorOptions.ReclinedTiltDeg))]
    [InlineData(nameof(FallDetectorOptions.ReclinedConfirmTime))]
    public void New_options_out_of_range_are_refused_with_their_name(string name)
    {
        var bad = name switch
        {
            nameof(FallDetectorOptions.MinLyingTiltDeg) => Defaults with { MinLyingTiltDeg = 181 },
            nameof(FallDetectorOptions.ReclinedTiltDeg) => Defaults with { ReclinedTiltDeg = double.NaN },
            nameof(FallDetectorOptions.ReclinedConfirmTime) => Defaults with { ReclinedConfirmTime = TimeSpan.FromSeconds(-1) },
            _ => Defaults with { ReferenceLookback = TimeSpan.Zero },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FallDetector(bad, 200));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Turning_over_while_already_lying_is_not_a_fall()
    {
        var t = new SyntheticTrace(200).Still(3, LyingOnBack).Turn(0.3, LyingOnSide).Impact(3).Still(6, LyingOnSide);
        Assert.Empty(Run(t));
    }

    [Fact]
    public void Falling_down_and_getting_straight_up_again_is_not_alarmed()
    {
        var t = new SyntheticTrace(200).Still(3, Upright).FreeFall(0.4, LyingOnBack).Impact(6).Turn(1.0, Upright).Walk(10);
        Assert.Empty(Run(t));
    }

    [Fact]
    public void A_clipping_sensor_still_detects_the_fall_and_says_it_clipped()
    {
        var t = new SyntheticTrace(200).Still(3, Upright).FreeFall(0.4, LyingOnBack)
            .Clipped(16, x => x.Impact(40, 0.05))
            .Still(6, LyingOnBack);
        Assert.Contains(t.Samples, s => s.ZG >= 16);

        var d = Assert.Single(Run(t));
        Assert.True(d.Saturated);
        Assert.Equal(1, d.Confidence, 0.3);
    }

    [Fact]
    public void A_single_clipped_sample_opens_a_candidate_even_if_the_filter_smooths_it_below_the_threshold()
    {
        // One sample at the rail is far too short to lift a 4 Hz low-pass over 1.6 g, but clipping is an impact.
        var t = new SyntheticTrace(200).Still(3, Upright).FreeFall(0.4, LyingOnBack).Clipped(16, x => x.Impact(16, 0.005)).Still(6, LyingOnBack);
        var d = Assert.Single(Run(t));
        Assert.True(d.Saturated);
        Assert.True(d.PeakImpactG < Defaults.ImpactThresholdG, $"filtered peak {d.PeakImpactG}");
    }

    [Fact]
    public void A_gap_after_the_impact_drops_the_candidate_instead_of_judging_stale_data()
    {
        var t = new SyntheticTrace(200).Still(3, Upright).FreeFall(0.4, LyingOnBack).Impact(6).Gap(5).Still(6, LyingOnBack);
        Assert.Empty(Run(t));
    }

    [Fact]
    public void History_from_before_a_gap_is_not_taken_as_the_posture_before_the_event()
    {
        // Stood before the hole, lying after it: a bump while lying must not read as "turned from upright".
        var t = new SyntheticTrace(200).Still(3, Upright).Gap(2).Still(0.5, LyingOnBack).Impact(3).Still(6, LyingOnBack);
        Assert.Empty(Run(t));
    }

    [Fact]
    public void The_detector_works_again_after_a_gap()
    {
        var t = new SyntheticTrace(200).Walk(5).Gap(10).Still(3, Upright).FreeFall(0.4, LyingOnBack).Impact(6).Still(6, LyingOnBack);
        var d = Assert.Single(Run(t));
        Assert.True(d.Timestamp > TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Short_jitter_in_timestamps_is_not_a_gap()
    {
        var jittered = Fall().Samples.Select((s, i) => s with { Timestamp = s.Timestamp + TimeSpan.FromMilliseconds(i % 3) }).ToList();
        Assert.Single(Run(new FallDetector(Defaults, 200), jittered));
    }

    [Fact]
    public void Timestamps_going_backwards_restart_the_detector()
    {
        var detector = new FallDetector(Defaults, 200);
        Assert.Single(Run(detector, Fall().Samples));
        // The sensor restarted and its clock with it: a new fall must not be swallowed by the old refractory period.
        Assert.Single(Run(detector, Fall().Samples));
    }

    [Fact]
    public void One_fall_gives_one_alarm_even_with_a_long_lie_and_a_second_bump()
    {
        var t = Fall().Impact(3).Still(20, LyingOnBack).Still(40, LyingOnBack);
        Assert.Single(Run(t));
    }

    [Fact]
    public void After_the_refractory_period_a_new_fall_alarms_again()
    {
        var t = Fall().Turn(1, Upright).Still(Defaults.RefractoryPeriod.TotalSeconds, Upright)
            .FreeFall(0.4, LyingOnSide).Impact(6).Still(6, LyingOnSide);
        Assert.Equal(2, Run(t).Count);
    }

    [Fact]
    public void Reset_forgets_the_refractory_period_and_the_signal()
    {
        var detector = new FallDetector(Defaults, 200);
        var first = Fall();
        Assert.Single(Run(detector, first.Samples));

        // Same clock continues: without Reset the refractory period would swallow this fall.
        var again = new SyntheticTrace(200, first.Now).Still(3, Upright).FreeFall(0.4, LyingOnBack).Impact(6).Still(6, LyingOnBack);
        detector.Reset();
        Assert.Single(Run(detector, again.Samples));

        var noReset = new FallDetector(Defaults, 200);
        Run(noReset, first.Samples);
        Assert.Empty(Run(noReset, again.Samples));
    }

    [Fact]
    public void Garbage_samples_do_not_poison_the_filters()
    {
        var samples = Fall().Samples.ToList();
        samples.Insert(100, AccelerationSample.FromG(double.NaN, 0, double.PositiveInfinity, samples[100].Timestamp));
        var d = Assert.Single(Run(new FallDetector(Defaults, 200), samples));
        Assert.True(double.IsFinite(d.Confidence));
    }

    [Fact]
    public void Processing_allocates_nothing_per_sample()
    {
        var samples = new List<AccelerationSample>();
        while (samples.Count < 100_000)
        {
            var offset = samples.Count == 0 ? TimeSpan.Zero : samples[^1].Timestamp + TimeSpan.FromSeconds(1);
            samples.AddRange(new SyntheticTrace(200, offset).Walk(20).Jog(10).Still(3, Upright).FreeFall(0.4, LyingOnBack).Impact(6).Still(40, LyingOnBack).Samples);
        }

        var array = samples.ToArray();
        var detector = new FallDetector(Defaults, 200);
        var alarms = 0;
        for (var i = 0; i < 2000; i++)
        {
            detector.Process(array[i], out _);
        }

        detector.Reset();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < array.Length; i++)
        {
            if (detector.Process(array[i], out _))
            {
                alarms++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(alarms > 0, "the measured run must include alarms, so the alarm path is measured too");
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_bad_sample_rate_is_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FallDetector(Defaults, rate));

    [Fact]
    public void A_cut_off_above_Nyquist_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FallDetector(Defaults with { LowPassCutoffHz = 60 }, 100));
        Assert.Equal(nameof(FallDetectorOptions.LowPassCutoffHz), e.ParamName);
    }
}
