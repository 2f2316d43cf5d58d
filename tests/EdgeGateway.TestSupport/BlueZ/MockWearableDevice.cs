using System.Diagnostics;
using EdgeGateway.Devices.Wearable;

namespace EdgeGateway.TestSupport.BlueZ;

/// <summary>
/// The wearable's program (wearable/edgegateway-wearable.js) played against <see cref="MockWearable"/>: packs 50 Hz samples
/// in mg into 20-byte packets, keeps the last 500 in a ring, notifies live packets one per 60 ms slot while subscribed,
/// keeps filling the ring while disconnected, and answers resend requests written to control from the ring.
/// </summary>
/// <remarks>
/// Driven by the test, not by a clock of its own: <see cref="StreamAsync"/> runs the device's slots at its pace, and
/// <see cref="FastForward"/> fills the ring with what the device sampled during an outage without waiting for it, since
/// the link judges by sequence numbers and the device's timeline, never by arrival. As in the JS, a slot carries the live
/// packet and, while a resend is pending, <see cref="ResendsPerSlot"/> resends (the JS's 20 ms catch-up slots give two per live packet);
/// a resend no longer in the ring is skipped; after a re-subscription live packets start from the newest produced and
/// the gap comes by resend; a disconnection forgets pending resends (the link asks again).
/// </remarks>
public sealed class MockWearableDevice
{
    /// <summary>One live packet per slot: three samples at 50 Hz.</summary>
    public static readonly TimeSpan SlotInterval = TimeSpan.FromMilliseconds(60);

    private const int Ring = WearableProtocol.RingPackets;
    private readonly MockWearable _wearable;
    private readonly IReadOnlyList<WearableSample> _samples;
    private readonly ushort _firstSeq;
    private readonly byte[][] _ring = new byte[Ring][];
    private readonly List<(long From, long End)> _resends = [];
    private int _controlWritesSeen;
    private int _samplesSubscriptions;
    private long _liveNext;

    /// <summary>A device whose stream is <paramref name="samples"/> (50 Hz, mg), its first packet numbered <paramref name="firstSeq"/>; connected and subscribed.</summary>
    public MockWearableDevice(MockWearable wearable, IReadOnlyList<WearableSample> samples, ushort firstSeq = 0)
    {
        ArgumentNullException.ThrowIfNull(wearable);
        ArgumentNullException.ThrowIfNull(samples);
        _wearable = wearable;
        _samples = samples;
        _firstSeq = firstSeq;
    }

    /// <summary>Resend packets sent per slot while a resend is pending (2: the JS's 33 per second; its 400 ms settle before the first is not played).</summary>
    public int ResendsPerSlot { get; init; } = 2;

    /// <summary>Packets produced (sampled into the ring) so far.</summary>
    public long Produced { get; private set; }

    /// <summary>Whole packets the samples make.</summary>
    public long Packets => _samples.Count / WearableProtocol.SamplesPerPacket;

    /// <summary>False from <see cref="DisconnectAsync"/> until the link subscribes to samples again.</summary>
    public bool Connected { get; private set; } = true;

    /// <summary>Packets notified live.</summary>
    public long LiveSent { get; private set; }

    /// <summary>Packets notified again from the ring on request.</summary>
    public long Resent { get; private set; }

    /// <summary>Requested packets no longer in the ring when their turn came.</summary>
    public long ResendSkipped { get; private set; }

    /// <summary>The resend requests read from control so far.</summary>
    public List<ResendRequest> Requests { get; } = [];

    /// <summary>The packet with absolute number <paramref name="n"/> (sequence <c>firstSeq + n</c>, wrapping).</summary>
    public WearablePacket PacketAt(long n)
    {
        var i = (int)(n * WearableProtocol.SamplesPerPacket);
        return new WearablePacket((ushort)(_firstSeq + n), _samples[i], _samples[i + 1], _samples[i + 2]);
    }

    /// <summary>Call once after the link first connected: subscriptions counted from here tell a reconnection.</summary>
    public async Task AttachAsync() => _samplesSubscriptions = await _wearable.StartNotifyCallsAsync(SamplesPath).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="slots"/> of the device's 60 ms slots: each reads new resend requests, takes up to
    /// <see cref="ResendsPerSlot"/> of them from the ring, produces one packet and, while subscribed, notifies them with the
    /// live backlog (one notification call). While disconnected it
    /// only produces, and watches for the link's new subscription. <paramref name="beforeSlot"/> sees the slot's number
    /// before it runs (a test drops the link there, or timestamps a packet).
    /// </summary>
    public async Task StreamAsync(long slots, CancellationToken ct, Func<long, Task>? beforeSlot = null)
    {
        using var tick = new PeriodicTimer(SlotInterval);
        for (var slot = 0L; slot < slots && Produced < Packets; slot++)
        {
            if (beforeSlot is not null)
            {
                await beforeSlot(slot).ConfigureAwait(false);
            }

            await SlotAsync(produce: true).ConfigureAwait(false);
            await tick.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Runs slots without producing until no resend is pending (the device's clock stopped), bounded by <paramref name="limit"/>.</summary>
    public async Task DrainResendsAsync(TimeSpan limit, CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(limit);
        using var tick = new PeriodicTimer(SlotInterval);
        do
        {
            await SlotAsync(produce: false).ConfigureAwait(false);
            await tick.WaitForNextTickAsync(bound.Token).ConfigureAwait(false);
        }
        while (_resends.Count > 0);
    }

    /// <summary>Produces <paramref name="packets"/> packets into the ring at once: what the device sampled while no one listened.</summary>
    public void FastForward(long packets)
    {
        for (var i = 0L; i < packets && Produced < Packets; i++)
        {
            Produce();
        }
    }

    /// <summary>The link drops (BlueZ reports Connected false); with <paramref name="outOfRange"/> the link's Connect fails until <see cref="InRangeAsync"/>.</summary>
    public async Task DisconnectAsync(bool outOfRange)
    {
        if (outOfRange)
        {
            await _wearable.SetInRangeAsync(false).ConfigureAwait(false);
        }

        await _wearable.DisconnectAsync().ConfigureAwait(false);
        Connected = false;
        _resends.Clear();
    }

    /// <summary>The device is in range again: the link's next Connect succeeds.</summary>
    public Task InRangeAsync() => _wearable.SetInRangeAsync(true);

    /// <summary>Polls, without producing, until the link has subscribed to samples again; bounded by <paramref name="limit"/>.</summary>
    public async Task WaitForSubscriptionAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await CheckSubscribedAsync().ConfigureAwait(false))
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"the link did not subscribe to samples again within {limit.TotalSeconds:0} s");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Polls control, without producing, until a new resend request is there; bounded by <paramref name="limit"/>.</summary>
    public async Task<ResendRequest> WaitForResendRequestAsync(TimeSpan limit)
    {
        var before = Requests.Count;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await ReadRequestsAsync().ConfigureAwait(false);
            if (Requests.Count > before)
            {
                return Requests[before];
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"no resend request within {limit.TotalSeconds:0} s");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    private string SamplesPath => _wearable.SamplesPath ?? throw new InvalidOperationException("no samples characteristic");

    private async Task SlotAsync(bool produce)
    {
        if (!Connected)
        {
            await CheckSubscribedAsync().ConfigureAwait(false);
        }

        var send = new List<byte[]>();
        if (Connected)
        {
            await ReadRequestsAsync().ConfigureAwait(false);

            // Resends answer from the ring as it was when the request came, before this slot's sample pushes its oldest
            // packet out: a request answered in the next slot loses nothing the link could still ask for.
            var oldest = Math.Max(0, Produced - Ring);
            for (var sent = 0; sent < ResendsPerSlot && _resends.Count > 0;)
            {
                var (from, end) = _resends[0];
                if (from < oldest)
                {
                    ResendSkipped += Math.Min(end, oldest) - from;
                    from = oldest;
                }

                if (from >= end)
                {
                    _resends.RemoveAt(0);
                    continue;
                }

                send.Add(Packet(from));
                Resent++;
                sent++;
                _resends[0] = (from + 1, end);
            }
        }

        if (produce)
        {
            Produce();
        }

        if (Connected)
        {
            // Stalled longer than the ring: the link resends or counts it lost, as the JS's sendSamples.
            _liveNext = Math.Max(_liveNext, Math.Max(0, Produced - Ring));
            while (_liveNext < Produced)
            {
                send.Add(Packet(_liveNext++));
                LiveSent++;
            }
        }

        if (send.Count > 0)
        {
            await _wearable.NotifySamplesAsync([.. send]).ConfigureAwait(false);
        }
    }

    private void Produce()
    {
        _ring[Produced % Ring] = PacketAt(Produced).ToBytes();
        Produced++;
    }

    private byte[] Packet(long n) => _ring[n % Ring];

    private async Task<bool> CheckSubscribedAsync()
    {
        if (Connected)
        {
            return true;
        }

        var subscriptions = await _wearable.StartNotifyCallsAsync(SamplesPath).ConfigureAwait(false);
        if (subscriptions > _samplesSubscriptions)
        {
            // The JS's onWriteDesc: live from the newest produced; the outage comes by resend.
            _samplesSubscriptions = subscriptions;
            _liveNext = Produced;
            Connected = true;
        }

        return Connected;
    }

    private async Task ReadRequestsAsync()
    {
        var writes = await _wearable.ControlWritesAsync().ConfigureAwait(false);
        for (; _controlWritesSeen < writes.Count; _controlWritesSeen++)
        {
            if (!ResendRequest.TryParse(writes[_controlWritesSeen], out var request))
            {
                continue;
            }

            Requests.Add(request);

            // The JS's seqToPacket: the latest packet with that sequence number.
            var newest = Produced - 1;
            var back = (ushort)((ushort)(_firstSeq + newest) - request.FromSeq);
            var from = newest - back;
            var end = Math.Min(from + request.Count, Produced);
            // The JS keeps 16 requests at most: the link asks again for what it still misses.
            if (end > from && _resends.Count < 16)
            {
                _resends.Add((from, end));
            }
        }
    }
}
