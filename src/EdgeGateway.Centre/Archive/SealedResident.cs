namespace EdgeGateway.Centre.Archive;

/// <summary>A home's resident record as the archive keeps it: sealed with the centre's resident key, only the zone in the clear.</summary>
/// <param name="Gateway">The home.</param>
/// <param name="Zone">The home-care zone responsible for it, or null.</param>
/// <param name="Sealed">The record, encrypted and authenticated (<see cref="Residents.ResidentKey"/>); opaque to the archive.</param>
/// <param name="UpdatedAt">When it was last saved.</param>
/// <param name="UpdatedBy">Who saved it.</param>
public sealed record SealedResident(string Gateway, string? Zone, string Sealed, DateTimeOffset UpdatedAt, string UpdatedBy);
