using EdgeGateway.Core.Events;

namespace EdgeGateway.Uplink.Outbox;

/// <summary>One accepted, not yet acknowledged event as the outbox holds it.</summary>
/// <param name="Sequence">The store's insertion order (FIFO within a class).</param>
/// <param name="Id">The event id; retransmissions reuse it.</param>
/// <param name="Class">The event class, which orders delivery.</param>
/// <param name="Payload">The CloudEvent JSON exactly as it goes on the wire.</param>
/// <param name="AcceptedAt">When the outbox accepted it.</param>
public sealed record OutboxEntry(long Sequence, Guid Id, EventClass Class, ReadOnlyMemory<byte> Payload, DateTimeOffset AcceptedAt);
