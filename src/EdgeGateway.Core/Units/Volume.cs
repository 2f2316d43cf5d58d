namespace EdgeGateway.Core.Units;

/// <summary>A volume of water in litres.</summary>
public readonly record struct Volume(double Litres)
{
    /// <summary>Creates a volume from litres.</summary>
    public static Volume FromLitres(double litres) => new(litres);

    /// <inheritdoc />
    public override string ToString() => $"{Litres:0.###} L";
}
