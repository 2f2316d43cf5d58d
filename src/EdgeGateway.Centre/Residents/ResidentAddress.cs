namespace EdgeGateway.Centre.Residents;

/// <summary>Where a home is, down to the door.</summary>
/// <param name="Street">Street and number.</param>
/// <param name="Postcode">Postcode, or null.</param>
/// <param name="City">City or place.</param>
/// <param name="Floor">Floor, or null.</param>
/// <param name="Door">Flat or door, or null.</param>
public sealed record ResidentAddress(string Street, string? Postcode, string City, string? Floor, string? Door)
{
    /// <summary>One line for a card, e.g. <c>Storgata 1, floor 3, door 3B, 0155 Oslo</c>.</summary>
    public string Line()
    {
        var parts = new List<string> { Street };
        if (Floor is not null)
        {
            parts.Add("floor " + Floor);
        }

        if (Door is not null)
        {
            parts.Add("door " + Door);
        }

        parts.Add(Postcode is null ? City : $"{Postcode} {City}");
        return string.Join(", ", parts);
    }
}
