using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Uplink.Outbox;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Ack handling, step 3 of the outbox write order: batches the centre's acks from every path, checkpoints them in the
/// outbox, and only then stops their retransmission and tells the listeners.
/// </summary>
internal sealed class AckHandler(IOutboxReader outbox, EventDelivery delivery, TimeProvider time)
{
    private readonly Channel<EventAck> _acks = Channel.CreateUnbounded<EventAck>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Raised after the centre's ack for an event was committed to the outbox.</summary>
    public event Func<EventAck, Task>? AckReceived;

    /// <summary>
    /// Raised on the MQTT receive thread as each ack arrives, before it is committed: the centre has the event whatever
    /// becomes of our commit, and acks and commands are seen here in the order the broker delivered them. Must be quick.
    /// </summary>
    public event Action<EventAck>? AckArrived;

    /// <summary>Queues an ack that arrived on any path (called on the MQTT receive thread, so it never blocks).</summary>
    public bool Post(EventAck ack)
    {
        AckArrived?.Invoke(ack);
        return _acks.Writer.TryWrite(ack);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var batch = new List<EventAck>();
        while (await _acks.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (batch.Count < 5_000 && _acks.Reader.TryRead(out var a))
            {
                batch.Add(a);
            }

            try
            {
                // Step 3 of the write order: the row goes only once the centre has the event.
                await outbox.AckAsync(batch.Select(a => a.EventId).ToList(), ct).ConfigureAwait(false);
            }
            catch (OutboxStorageException)
            {
                // The rows stay; the event goes again and the centre acks the duplicate. Try these acks later.
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct).ConfigureAwait(false);
                foreach (var a in batch)
                {
                    _acks.Writer.TryWrite(a);
                }

                batch.Clear();
                continue;
            }

            foreach (var a in batch)
            {
                delivery.Acked(a.EventId);
                if (AckReceived is { } handler)
                {
                    await handler(a).ConfigureAwait(false);
                }
            }

            batch.Clear();
            delivery.Wake();
        }
    }
}
