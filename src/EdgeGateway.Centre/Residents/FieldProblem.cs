namespace EdgeGateway.Centre.Residents;

/// <summary>Why one field of a resident record was refused.</summary>
/// <param name="Field">The field's path in the JSON, e.g. <c>next_of_kin[0].phone</c>.</param>
/// <param name="Detail">What is wrong with it, for the person who typed it.</param>
public sealed record FieldProblem(string Field, string Detail);
