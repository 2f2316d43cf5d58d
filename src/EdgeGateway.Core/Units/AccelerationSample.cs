namespace EdgeGateway.Core.Units;

/// <summary>One three-axis accelerometer sample in g, stamped with monotonic time since the sensor started.</summary>
/// <remarks>Axes follow the wearer: y along gravity when standing, x to the right, z forward (SisFall's convention).</remarks>
public readonly record struct AccelerationSample(Acceleration X, Acceleration Y, Acceleration Z, TimeSpan Timestamp)
{
    /// <summary>Creates a sample from raw g values.</summary>
    public static AccelerationSample FromG(double x, double y, double z, TimeSpan timestamp) =>
        new(new(x), new(y), new(z), timestamp);

    /// <summary>The magnitude of the acceleration vector in g.</summary>
    public double MagnitudeG => Math.Sqrt((X.G * X.G) + (Y.G * Y.G) + (Z.G * Z.G));
}
