namespace EdgeGateway.Centre.Residents;

/// <summary>Someone to call: a next of kin (with the relation) or the GP (relation null).</summary>
/// <param name="Name">Their name.</param>
/// <param name="Relation">E.g. daughter, neighbour; null for the GP.</param>
/// <param name="Phone">Their phone, international form.</param>
public sealed record ResidentContact(string Name, string? Relation, string Phone);
