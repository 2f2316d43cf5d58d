namespace EdgeGateway.Centre.Residents;

/// <summary>What an alarm card and a home card show of the resident to every operator of the home's zone; never an access code.</summary>
/// <param name="Name">The resident's name.</param>
/// <param name="Age">Her age in years today, or null.</param>
/// <param name="Language">Her language, or null.</param>
/// <param name="Phone">Her phone, or null.</param>
/// <param name="Address">The address on one line.</param>
/// <param name="Access">Where and how to get in, without codes, or null.</param>
/// <param name="CareNotes">The care notes, or null.</param>
/// <param name="Zone">The home-care zone, or null.</param>
public sealed record ResidentSummary(string Name, int? Age, string? Language, string? Phone, string Address, string? Access, string? CareNotes, string? Zone)
{
    /// <summary>The summary of <paramref name="record"/> as of <paramref name="today"/>.</summary>
    public static ResidentSummary Of(ResidentRecord record, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Name, record.Born is { } born ? AgeOn(born, today) : null, record.Language, record.Phone,
            record.Address.Line(), record.Access.Summary(), record.CareNotes, record.Zone);
    }

    private static int AgeOn(DateOnly born, DateOnly today)
    {
        var age = today.Year - born.Year;
        return today < born.AddYears(age) ? age - 1 : age;
    }
}
