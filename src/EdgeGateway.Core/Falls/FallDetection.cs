using UnitsNet;

namespace EdgeGateway.Core.Falls;

/// <summary>A confirmed fall: when it was confirmed, how sure the detector is, and the features that decided it.</summary>
/// <param name="Timestamp">Sample time at which the fall was confirmed (end of the observation window).</param>
/// <param name="ImpactTime">Sample time of the highest filtered impact; lags the raw peak by the low-pass delay (about 0.1 s at 4 Hz).</param>
/// <param name="Confidence">0..1 heuristic: how far the features are past their thresholds; for ranking, not a probability.</param>
/// <param name="PeakImpactG">Highest filtered acceleration magnitude of the impact (g).</param>
/// <param name="FreeFallMinG">Lowest filtered magnitude in the pre-impact window (g); near 0 means free fall.</param>
/// <param name="StillnessG">Standard deviation of the filtered magnitude in the observation window (g).</param>
/// <param name="OrientationChangeDeg">Angle between the posture before the event and the posture after it.</param>
/// <param name="PriorTiltDeg">Angle of the posture before the event from the sensor's upright axis.</param>
/// <param name="TiltFromUprightDeg">Angle of the final posture from the sensor's upright axis (y along gravity when standing).</param>
/// <param name="Saturated">Whether the sensor clipped during the impact, so the true peak was higher.</param>
/// <param name="ConfirmStillnessG">For a reclined posture, the standard deviation (g) of the filtered magnitude over the confirmation that followed (infinity: an impact cut it short); NaN when none was needed.</param>
/// <param name="ConfirmChangeDeg">For a reclined posture, the angle between the posture before and the mean posture of the confirmation; NaN when none was needed.</param>
public readonly record struct FallDetection(
    TimeSpan Timestamp,
    TimeSpan ImpactTime,
    double Confidence,
    double PeakImpactG,
    double FreeFallMinG,
    double StillnessG,
    double OrientationChangeDeg,
    double PriorTiltDeg,
    double TiltFromUprightDeg,
    bool Saturated,
    double ConfirmStillnessG = double.NaN,
    double ConfirmChangeDeg = double.NaN)
{
    /// <summary>The impact's peak as a quantity.</summary>
    public Acceleration PeakImpact => Acceleration.FromStandardGravity(PeakImpactG);

    /// <summary>The lowest magnitude before the impact as a quantity.</summary>
    public Acceleration FreeFallMin => Acceleration.FromStandardGravity(FreeFallMinG);

    /// <summary>The spread of the magnitude while lying as a quantity.</summary>
    public Acceleration Stillness => Acceleration.FromStandardGravity(StillnessG);
}
