namespace EdgeGateway.Core.Units;

/// <summary>A volume of water in litres.</summary>
public readonly record struct Volume(double Litres) : IComparable<Volume>
{
    /// <summary>Creates a volume from litres.</summary>
    public static Volume FromLitres(double litres) => new(litres);

    /// <summary>Adds two volumes.</summary>
    public static Volume operator +(Volume a, Volume b) => new(a.Litres + b.Litres);

    /// <summary>Subtracts two volumes.</summary>
    public static Volume operator -(Volume a, Volume b) => new(a.Litres - b.Litres);

    /// <summary>Compares two volumes.</summary>
    public static bool operator <(Volume a, Volume b) => a.Litres < b.Litres;

    /// <summary>Compares two volumes.</summary>
    public static bool operator >(Volume a, Volume b) => a.Litres > b.Litres;

    /// <summary>Compares two volumes.</summary>
    public static bool operator <=(Volume a, Volume b) => a.Litres <= b.Litres;

    /// <summary>Compares two volumes.</summary>
    public static bool operator >=(Volume a, Volume b) => a.Litres >= b.Litres;

    /// <inheritdoc />
    public int CompareTo(Volume other) => Litres.CompareTo(other.Litres);

    /// <inheritdoc />
    public override string ToString() => $"{Litres:0.###} L";
}
