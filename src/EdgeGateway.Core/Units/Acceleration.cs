namespace EdgeGateway.Core.Units;

/// <summary>An acceleration stored in standard gravity (g); convert explicitly to m/s².</summary>
public readonly record struct Acceleration(double G)
{
    /// <summary>Standard gravity in m/s² (CGPM 1901).</summary>
    public const double StandardGravity = 9.80665;

    /// <summary>Zero acceleration.</summary>
    public static Acceleration Zero => default;

    /// <summary>The value in metres per second squared.</summary>
    public double MetersPerSecondSquared => G * StandardGravity;

    /// <summary>Creates an acceleration from g.</summary>
    public static Acceleration FromG(double g) => new(g);

    /// <summary>Creates an acceleration from m/s².</summary>
    public static Acceleration FromMetersPerSecondSquared(double value) => new(value / StandardGravity);

    /// <inheritdoc />
    public override string ToString() => $"{G:0.###} g";
}
