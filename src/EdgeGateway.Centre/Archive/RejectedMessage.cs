namespace EdgeGateway.Centre.Archive;

/// <summary>A message from a gateway that could not be used, kept with the reason for the technician.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="Topic">Where.</param>
/// <param name="Gateway">The gateway id in the topic, if any.</param>
/// <param name="Reason">What is wrong with it.</param>
/// <param name="Payload">The payload as text (bytes that are not UTF-8 replaced), at most 64 KiB.</param>
public sealed record RejectedMessage(DateTimeOffset At, string Topic, string? Gateway, string Reason, string Payload);
