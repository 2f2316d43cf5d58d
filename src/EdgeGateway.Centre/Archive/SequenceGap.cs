namespace EdgeGateway.Centre.Archive;

/// <summary>Events missing from one boot: sequences <paramref name="First"/> to <paramref name="Last"/>.</summary>
/// <param name="Gateway">The gateway.</param>
/// <param name="BootId">The boot.</param>
/// <param name="First">First missing sequence.</param>
/// <param name="Last">Last missing sequence.</param>
/// <param name="NextReceivedAt">When the event after the gap arrived (the gap is flagged a grace after this).</param>
public sealed record SequenceGap(string Gateway, Guid BootId, long First, long Last, DateTimeOffset NextReceivedAt);
