namespace EdgeGateway.Core.Falls;

/// <summary>One change reported by <see cref="WearerMonitor"/>.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Timestamp">Sample time at which the change was decided.</param>
/// <param name="TiltDeg">Tilt of the last one-second mean from upright (the sensor's y axis along gravity).</param>
/// <param name="MovementG">Largest standard deviation (g) of the one-second means on any axis in the last window: breathing shows here.</param>
public readonly record struct WearerChange(WearerChangeKind Kind, TimeSpan Timestamp, double TiltDeg, double MovementG);
