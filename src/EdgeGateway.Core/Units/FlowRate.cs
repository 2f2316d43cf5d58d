namespace EdgeGateway.Core.Units;

/// <summary>A water flow rate in litres per minute.</summary>
public readonly record struct FlowRate(double LitresPerMinute)
{
    /// <summary>No flow.</summary>
    public static FlowRate Zero => default;

    /// <summary>Creates a flow rate from litres per minute.</summary>
    public static FlowRate FromLitresPerMinute(double value) => new(value);

    /// <summary>The flow that moves <paramref name="volume"/> in <paramref name="duration"/>.</summary>
    public static FlowRate From(Volume volume, TimeSpan duration) =>
        duration <= TimeSpan.Zero ? Zero : new(volume.Litres / duration.TotalMinutes);

    /// <summary>True when water is flowing at all.</summary>
    public bool IsFlowing => LitresPerMinute > 0;

    /// <inheritdoc />
    public override string ToString() => $"{LitresPerMinute:0.###} L/min";
}
