using EdgeGateway.Core.Events;

namespace EdgeGateway.Uplink.Outbox;

/// <summary>The accepting side of the outbox: step 1 (persist) of the write order.</summary>
/// <remarks>
/// Write order, which the promise "an accepted event reaches the centre" rests on:
/// 1. persist — <see cref="AcceptAsync"/> completes only once the event is durable;
/// 2. deliver — an <see cref="IOutboxReader"/> hands it out for publishing, and it stays stored;
/// 3. checkpoint — only the centre's application ack (<see cref="IOutboxReader.AckAsync"/>) removes it.
/// A crash between any two steps costs at most one retransmission under the same id, never the event.
/// </remarks>
public interface IOutboxWriter
{
    /// <summary>Accepts <paramref name="evt"/>: completes once it is stored durably.</summary>
    /// <exception cref="OutboxStorageException">The store cannot be written; the event was not accepted.</exception>
    Task AcceptAsync(CareEvent evt, CancellationToken cancellationToken = default);
}
