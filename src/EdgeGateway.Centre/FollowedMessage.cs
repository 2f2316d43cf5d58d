namespace EdgeGateway.Centre;

/// <summary>A status or heartbeat message as the consumer received it.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="Retained">The broker replayed it as the retained message.</param>
/// <param name="ReceivedAt">When it arrived (not when it was handled: a backlog must not move a gateway's deadline).</param>
public sealed record FollowedMessage(string Topic, byte[] Payload, bool Retained, DateTimeOffset ReceivedAt);
