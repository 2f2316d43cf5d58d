namespace EdgeGateway.Centre.Archive;

/// <summary>One recorded event, as the gains report counts it.</summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="Type">The CloudEvents type.</param>
/// <param name="ReceivedAt">When the centre stored it.</param>
public sealed record EventSummary(string Gateway, string Type, DateTimeOffset ReceivedAt);
