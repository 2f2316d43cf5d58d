namespace EdgeGateway.Centre.Residents;

/// <summary>A home's resident record as opened from the archive, with who saved it last and when.</summary>
/// <param name="Gateway">The home.</param>
/// <param name="Record">The record.</param>
/// <param name="UpdatedAt">When it was last saved.</param>
/// <param name="UpdatedBy">Who saved it.</param>
public sealed record StoredResident(string Gateway, ResidentRecord Record, DateTimeOffset UpdatedAt, string UpdatedBy);
