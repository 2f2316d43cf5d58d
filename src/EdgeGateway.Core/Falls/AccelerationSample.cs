using UnitsNet;

namespace EdgeGateway.Core.Falls;

/// <summary>One three-axis accelerometer sample in standard gravity (g), stamped with monotonic time since the sensor started.</summary>
/// <remarks>
/// Axes follow the wearer: y along gravity when standing, x to the right, z forward (SisFall's convention). The axes are
/// plain doubles in g because this is the fall detector's per-sample hot path (200 samples/s, 0 B allocated); drivers,
/// readers and output go through the UnitsNet <see cref="Acceleration"/> of <see cref="From"/>, <see cref="X"/>,
/// <see cref="Y"/>, <see cref="Z"/> and <see cref="Magnitude"/>.
/// </remarks>
/// <param name="XG">The x axis in g.</param>
/// <param name="YG">The y axis in g.</param>
/// <param name="ZG">The z axis in g.</param>
/// <param name="Timestamp">Monotonic time since the sensor started.</param>
public readonly record struct AccelerationSample(double XG, double YG, double ZG, TimeSpan Timestamp)
{
    /// <summary>Creates a sample from raw g values.</summary>
    public static AccelerationSample FromG(double x, double y, double z, TimeSpan timestamp) => new(x, y, z, timestamp);

    /// <summary>Creates a sample from three accelerations in any unit.</summary>
    public static AccelerationSample From(Acceleration x, Acceleration y, Acceleration z, TimeSpan timestamp) =>
        new(x.StandardGravity, y.StandardGravity, z.StandardGravity, timestamp);

    /// <summary>The x axis.</summary>
    public Acceleration X => Acceleration.FromStandardGravity(XG);

    /// <summary>The y axis (along gravity when the wearer stands).</summary>
    public Acceleration Y => Acceleration.FromStandardGravity(YG);

    /// <summary>The z axis.</summary>
    public Acceleration Z => Acceleration.FromStandardGravity(ZG);

    /// <summary>The magnitude of the acceleration vector in g.</summary>
    public double MagnitudeG => Math.Sqrt((XG * XG) + (YG * YG) + (ZG * ZG));

    /// <summary>The magnitude of the acceleration vector.</summary>
    public Acceleration Magnitude => Acceleration.FromStandardGravity(MagnitudeG);
}
