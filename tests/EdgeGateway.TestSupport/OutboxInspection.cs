using EdgeGateway.Uplink.Outbox;

namespace EdgeGateway.TestSupport;

/// <summary>What an outbox holds, read through its own reader: tests look at what survived a crash or a stop.</summary>
public static class OutboxInspection
{
    /// <summary>The first <paramref name="max"/> pending events in delivery order (alarms, technical, info, telemetry; FIFO within a class); leaves the cursor at the start.</summary>
    public static async Task<IReadOnlyList<OutboxEntry>> PendingAsync(this IOutboxReader outbox, int max)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        outbox.Rewind();
        var all = await outbox.ReadNewAsync(max, max, _ => false, CancellationToken.None).ConfigureAwait(false);
        outbox.Rewind();

        // Memory-held events come first from the reader; sorting by class alone (stable) puts them in among their class.
        return [.. all.OrderBy(e => e.Class).Take(max)];
    }
}
