namespace EdgeGateway.Core.Falls;

/// <summary>Tuning parameters of <see cref="FallDetector"/>; all windows are in time, so one set works at any sample rate.</summary>
/// <remarks>
/// The defaults are the values chosen by subject-wise cross-validation on the SisFall training subjects
/// (see <c>Falls/README.md</c> and <c>bench/EdgeGateway.FallTuning</c>). Change them only with a new evaluation.
/// </remarks>
public sealed record FallDetectorOptions
{
    /// <summary>Cut-off of the 4th-order Butterworth low-pass applied to every axis; removes sensor noise and sharp spikes so peaks compare across sample rates.</summary>
    public double LowPassCutoffHz { get; init; } = 4.0;

    /// <summary>Filtered acceleration magnitude (g) that opens an impact candidate; a clipped sample always does.</summary>
    public double ImpactThresholdG { get; init; } = 1.6;

    /// <summary>How far before an impact the free-fall minimum is looked for; the posture before the event is taken just before this window.</summary>
    public TimeSpan PreImpactWindow { get; init; } = TimeSpan.FromSeconds(1.0);

    /// <summary>How far before the pre-impact window the detector looks for the most upright posture, which is the posture "before" the event.</summary>
    public TimeSpan ReferenceLookback { get; init; } = TimeSpan.FromSeconds(2.0);

    /// <summary>Quiet time after the last impact before stillness is judged; later impacts inside it belong to the same fall (bounces).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Length of the post-impact window in which the wearer must lie still in a changed posture.</summary>
    public TimeSpan ObservationWindow { get; init; } = TimeSpan.FromSeconds(1.0);

    /// <summary>Largest standard deviation (g) of the filtered magnitude in the observation window that still counts as lying still.</summary>
    public double StillnessMaxG { get; init; } = 0.1;

    /// <summary>Smallest angle (degrees) between the posture before the event and the posture in the observation window.</summary>
    public double MinOrientationChangeDeg { get; init; } = 45.0;

    /// <summary>Smallest tilt (degrees) from upright of the posture after the event: lying on the floor, not sitting or slumped back in a chair. 0 disables the gate.</summary>
    public double MinLyingTiltDeg { get; init; } = 40.0;

    /// <summary>
    /// Below this tilt (degrees) from upright the posture after the event is ambiguous, reclined as in a chair as much as on
    /// the floor, so the alarm waits <see cref="ReclinedConfirmTime"/> of further stillness. 0 disables the wait.
    /// </summary>
    public double ReclinedTiltDeg { get; init; } = 65.0;

    /// <summary>How long a reclined wearer must stay still (and turned) after the observation window: someone who dropped into a chair moves again within seconds, someone who fell stays down.</summary>
    public TimeSpan ReclinedConfirmTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest tilt (degrees) of the posture before the event from upright; someone already lying (turning over in bed) is not falling. 180 disables the gate.</summary>
    public double MaxPriorTiltDeg { get; init; } = 85.0;

    /// <summary>The free-fall minimum (g) must be at or below this for a fall; <see cref="double.PositiveInfinity"/> disables the free-fall gate.</summary>
    public double FreeFallMaxG { get; init; } = double.PositiveInfinity;

    /// <summary>After an alarm, no further alarm for this long, so one fall gives one alarm.</summary>
    public TimeSpan RefractoryPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A jump in timestamps longer than this (or backwards) resets filters and the phase machine.</summary>
    public TimeSpan MaxGap { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Absolute axis reading (g) at or above which the sensor is taken as clipped (ADXL345 and MPU-6050 at ±16 g).</summary>
    public double SaturationG { get; init; } = 15.9;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first parameter that makes no sense.</summary>
    public void Validate(double sampleRateHz)
    {
        if (!(sampleRateHz > 0) || double.IsInfinity(sampleRateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRateHz), sampleRateHz, "sample rate must be a positive finite number of hertz");
        }

        if (!(LowPassCutoffHz > 0) || LowPassCutoffHz >= sampleRateHz / 2)
        {
            throw OutOfRange(nameof(LowPassCutoffHz), LowPassCutoffHz, $"cut-off must be above 0 and below Nyquist ({sampleRateHz / 2} Hz)");
        }

        RequirePositive(ImpactThresholdG, nameof(ImpactThresholdG));
        RequirePositive(SaturationG, nameof(SaturationG));
        RequirePositive(PreImpactWindow, nameof(PreImpactWindow));
        RequirePositive(ObservationWindow, nameof(ObservationWindow));
        RequirePositive(ReferenceLookback, nameof(ReferenceLookback));
        RequirePositive(MaxGap, nameof(MaxGap));
        RequireNonNegative(SettleTime, nameof(SettleTime));
        RequireNonNegative(RefractoryPeriod, nameof(RefractoryPeriod));
        RequireNonNegative(ReclinedConfirmTime, nameof(ReclinedConfirmTime));
        if (double.IsNaN(StillnessMaxG) || StillnessMaxG < 0)
        {
            throw OutOfRange(nameof(StillnessMaxG), StillnessMaxG, "must be zero or more");
        }

        if (double.IsNaN(MinOrientationChangeDeg) || MinOrientationChangeDeg < 0 || MinOrientationChangeDeg > 180)
        {
            throw OutOfRange(nameof(MinOrientationChangeDeg), MinOrientationChangeDeg, "must be between 0 and 180 degrees");
        }

        if (double.IsNaN(MinLyingTiltDeg) || MinLyingTiltDeg < 0 || MinLyingTiltDeg > 180)
        {
            throw OutOfRange(nameof(MinLyingTiltDeg), MinLyingTiltDeg, "must be between 0 and 180 degrees");
        }

        if (double.IsNaN(ReclinedTiltDeg) || ReclinedTiltDeg < 0 || ReclinedTiltDeg > 180)
        {
            throw OutOfRange(nameof(ReclinedTiltDeg), ReclinedTiltDeg, "must be between 0 and 180 degrees");
        }

        if (double.IsNaN(MaxPriorTiltDeg) || MaxPriorTiltDeg < 0 || MaxPriorTiltDeg > 180)
        {
            throw OutOfRange(nameof(MaxPriorTiltDeg), MaxPriorTiltDeg, "must be between 0 and 180 degrees");
        }

        if (double.IsNaN(FreeFallMaxG) || FreeFallMaxG < 0)
        {
            throw OutOfRange(nameof(FreeFallMaxG), FreeFallMaxG, "must be zero or more (infinity disables the gate)");
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(string name, double value, string message) =>
        new(name, value, message);

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a positive finite number");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be longer than zero");
        }
    }

    private static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must not be negative");
        }
    }
}
