using EdgeGateway.Contract;

namespace EdgeGateway.Centre;

/// <summary>How the centre batches its acks (see docs/events.md, "Acknowledgements").</summary>
public sealed class CentreAckOptions
{
    /// <summary>The most ids in one ack message, 1 to <see cref="EventAck.MaxBatch"/>; 1 sends the single form only (for gateways older than contract 1.1).</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>Within a burst, flush once no event arrived for this long (the burst has paused); after a flush-free spell this long, the next ack goes at once.</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Flush at the latest this long after the first ack of a batch, so a steady stream is not held back.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The clock of the flush timers.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal CentreAckOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Time);
        if (MaxBatch is < 1 or > EventAck.MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, $"ack batch must be 1 to {EventAck.MaxBatch} ids");
        }

        if (Quiet <= TimeSpan.Zero || Linger < Quiet || Linger > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Linger), Linger, $"expected 0 < quiet ({Quiet.TotalMilliseconds} ms) <= linger <= 1 s");
        }

        return this;
    }
}
