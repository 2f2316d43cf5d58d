namespace EdgeGateway.Configuration;

/// <summary>One line of a configuration diff.</summary>
/// <param name="Key">The dotted key.</param>
/// <param name="Before">The JSON value before; null when added.</param>
/// <param name="After">The JSON value after; null when removed.</param>
public sealed record ConfigChange(string Key, string? Before, string? After)
{
    /// <inheritdoc />
    public override string ToString() => (Before, After) switch
    {
        (null, _) => $"+ {Key} = {After}",
        (_, null) => $"- {Key} (was {Before})",
        _ => $"~ {Key}: {Before} -> {After}",
    };
}
