using EdgeGateway.Core.Events;

namespace EdgeGateway.Uplink.Outbox;

/// <summary>
/// The delivering side of the outbox: steps 2 (deliver) and 3 (checkpoint) of the write order described on
/// <see cref="IOutboxWriter"/>. The reader keeps the delivery cursor, so a deliverer only asks for what is new.
/// </summary>
public interface IOutboxReader
{
    /// <summary>Raised after new events were stored, so a deliverer can wake up.</summary>
    event Action? Accepted;

    /// <summary>Raised for each event as it is stored, before <see cref="Accepted"/>, so a deliverer can react to what came in (mains restored).</summary>
    event Action<CareEvent>? EventAccepted;

    /// <summary>Pending (accepted, not acknowledged) events.</summary>
    long Depth { get; }

    /// <summary>
    /// Pending events not yet handed out since the last <see cref="Rewind"/>, in delivery order (alarms, technical, info,
    /// telemetry; FIFO within a class): at most <paramref name="maxAlarms"/> alarms and <paramref name="maxOthers"/>
    /// others, leaving out those <paramref name="skip"/> names. Moves the cursor past what it returns.
    /// </summary>
    Task<IReadOnlyList<OutboxEntry>> ReadNewAsync(int maxAlarms, int maxOthers, Func<Guid, bool> skip, CancellationToken cancellationToken);

    /// <summary>Moves the cursor back to the start: everything pending is handed out again (after a new connection).</summary>
    void Rewind();

    /// <summary>Checkpoints the centre's acks: removes these events; completes once that is durable. Unknown ids are ignored.</summary>
    /// <exception cref="OutboxStorageException">The store cannot be written; the events stay pending.</exception>
    Task AckAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>How long the oldest pending event has waited, or null when nothing is pending.</summary>
    Task<TimeSpan?> OldestPendingAgeAsync(CancellationToken cancellationToken);
}
