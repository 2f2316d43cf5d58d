namespace EdgeGateway.Centre.Residents;

/// <summary>Someone to call: a next of kin (with the relation) or the GP (relation null).</summary>
/// <param name="Name">Their name.</param>
/// <param name="Relation">E.g. daughter, neighbour; null for the GP.</param>
/// <param name="Phone">Their phone, international form.</param>
/// <param name="Sms">Whether they are told by SMS when the home's <see cref="KinSmsRule"/> says so (next of kin only).</param>
public sealed record ResidentContact(string Name, string? Relation, string Phone, bool Sms = false);
