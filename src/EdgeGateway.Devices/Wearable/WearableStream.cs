using System.Diagnostics.CodeAnalysis;
using EdgeGateway.Core.Falls;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// Rebuilds the wearable's 50 Hz sample stream from samples notifications that may arrive late, twice or out of order
/// (resent packets interleave with live ones): delivers every sample once, in order, in g, on the device's own timeline.
/// </summary>
/// <remarks>
/// A packet ahead of the next expected one opens a gap: the missing packets are asked for once (<see cref="ResendRequest"/>
/// through the resend sink) and waited for up to <see cref="ResendWait"/> plus <see cref="WearableProtocol.ResendPacing"/> per
/// missing packet on the injected clock; what has not come by then
/// is counted in <see cref="LostSamples"/> and skipped, so the detector waits at most that long. Packets older than the
/// device's ring (<see cref="WearableProtocol.RingPackets"/> behind the newest) cannot come back and are lost at once.
/// Sequence numbers are unwrapped against the newest packet seen (a 16-bit difference), so the wrap at 65536 is seamless;
/// a packet more than the ring behind it means a new stream (a reboot whose event was missed) and restarts. Thread-safe:
/// packets come from the D-Bus thread and the gap deadline from a timer; both sinks are called under the stream's lock, in
/// order, and must not block (the link hands them to channels).
/// </remarks>
[SuppressMessage("Naming", "CA1711", Justification = "A stream of samples, not a System.IO.Stream; the name the issue and the wearable's spec use.")]
public sealed class WearableStream : IDisposable
{
    private const int RingPackets = WearableProtocol.RingPackets;
    private readonly TimeProvider _time;
    private readonly Action<AccelerationSample> _samples;
    private readonly Action<ResendRequest> _resend;
    private readonly SinkGuard _guard;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, WearablePacket> _pending = [];
    private readonly Queue<Gap> _gaps = new();
    private readonly long _createdTimestamp;
    private readonly ITimer _timer;
    private bool _started;
    private ushort _seqOrigin;
    private long _next;
    private long _highest;
    private long _lastDeadline;
    private TimeSpan _base;
    private TimeSpan _lastTimestamp = -WearableProtocol.SamplePeriod;
    private long _delivered;
    private long _lost;
    private long _malformed;
    private long _duplicates;
    private long _resendRequests;
    private long _restarts;
    private string? _lastProblem;
    private bool _disposed;

    /// <summary>Creates a stream that delivers to <paramref name="samples"/> and asks for missing packets through <paramref name="resend"/>.</summary>
    public WearableStream(TimeProvider time, Action<AccelerationSample> samples, Action<ResendRequest> resend, TimeSpan? resendWait = null, string sensorId = "wearable", ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(resend);
        _time = time;
        _samples = samples;
        _resend = resend;
        ResendWait = resendWait ?? TimeSpan.FromSeconds(2);
        _guard = new SinkGuard(sensorId, logger, time);
        _createdTimestamp = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((WearableStream)s!).OnDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long a gap of one packet waits for its resend before its samples count as lost (each more packet adds <see cref="WearableProtocol.ResendPacing"/>).</summary>
    public TimeSpan ResendWait { get; }

    /// <summary>Samples delivered so far.</summary>
    public long SamplesDelivered => Interlocked.Read(ref _delivered);

    /// <summary>Samples skipped because their packet never came (for the heartbeat).</summary>
    public long LostSamples => Interlocked.Read(ref _lost);

    /// <summary>Notifications refused as malformed (the stream carries on with the next).</summary>
    public long MalformedPackets => Interlocked.Read(ref _malformed);

    /// <summary>Packets received again after they were delivered or given up (resends that crossed, late answers).</summary>
    public long DuplicatePackets => Interlocked.Read(ref _duplicates);

    /// <summary>Resend requests made.</summary>
    public long ResendRequests => Interlocked.Read(ref _resendRequests);

    /// <summary>Times the sequence expectation was reset (a reboot, or a packet from a new stream).</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>The last malformed notification, named, or null.</summary>
    public string? LastProblem => Volatile.Read(ref _lastProblem);

    /// <summary>Takes one samples notification as it came from the characteristic; a malformed one is counted and named, never thrown.</summary>
    /// <returns>False when the notification was malformed.</returns>
    public bool Accept(ReadOnlySpan<byte> notification)
    {
        if (!WearablePacket.TryParse(notification, out var packet, out var problem))
        {
            Interlocked.Increment(ref _malformed);
            Volatile.Write(ref _lastProblem, $"{problem}: samples notification of {notification.Length} bytes, expected {WearableProtocol.PacketLength}");
            return false;
        }

        Accept(packet);
        return true;
    }

    /// <summary>Takes one packet: delivers it and whatever it unblocks, or keeps it until the gap before it is filled or given up.</summary>
    public void Accept(in WearablePacket packet)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetTimestamp();
            if (!_started)
            {
                StartAt(packet.Seq);
            }

            var abs = _highest + (short)(ushort)(packet.Seq - (ushort)(_seqOrigin + _highest));
            if (abs < _highest - RingPackets)
            {
                // Further behind the newest than the device's ring reaches: not a resend but a new stream.
                FlushAndStop();
                Interlocked.Increment(ref _restarts);
                StartAt(packet.Seq);
                abs = 0;
            }

            if (abs < _next || _pending.ContainsKey(abs))
            {
                Interlocked.Increment(ref _duplicates);
                return;
            }

            if (abs > _highest + 1)
            {
                OpenGap(_highest + 1, abs - 1, abs, now);
            }

            _highest = Math.Max(_highest, abs);
            _pending[abs] = packet;
            Drain(now);
        }
    }

    /// <summary>The wearable rebooted: delivers what is held (the missing count as lost: its ring is gone) and expects a new sequence.</summary>
    public void Restart()
    {
        lock (_lock)
        {
            if (_started)
            {
                FlushAndStop();
                Interlocked.Increment(ref _restarts);
            }
        }
    }

    /// <summary>Stops the gap timer; later packets are ignored.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private void StartAt(ushort seq)
    {
        _started = true;
        _seqOrigin = seq;
        _next = 0;
        _highest = -1;

        // The device's timeline, anchored at the clock so a new stream never goes back in time for the detector.
        var elapsed = _time.GetElapsedTime(_createdTimestamp);
        var afterLast = _lastTimestamp + WearableProtocol.SamplePeriod;
        _base = elapsed > afterLast ? elapsed : afterLast;
    }

    private void OpenGap(long first, long last, long newest, long now)
    {
        // The ring holds the newest packet and the 499 before it; older ones are gone already, and the oldest few of the
        // ring will be by the time the request is answered (RingAnswerMargin).
        var oldestInRing = newest - RingPackets + 1 + WearableProtocol.RingAnswerMargin;
        if (first < oldestInRing)
        {
            var goneLast = Math.Min(last, oldestInRing - 1);
            _gaps.Enqueue(new Gap(first, goneLast, now));
            first = goneLast + 1;
        }

        if (first > last)
        {
            return;
        }

        // The wearable resends at its catch-up pace, so a 5 s link drop (83 packets) needs longer than a lost packet or
        // two; deadlines never go backwards, since the gaps are waited for in the order they opened.
        var wait = ResendWait + (WearableProtocol.ResendPacing * (last - first + 1));
        _lastDeadline = Math.Max(_lastDeadline, now + (long)(wait.TotalSeconds * _time.TimestampFrequency));
        _gaps.Enqueue(new Gap(first, last, _lastDeadline));
        Interlocked.Increment(ref _resendRequests);
        _guard.Deliver(_resend, new ResendRequest((ushort)(_seqOrigin + first), (ushort)(last - first + 1)));
    }

    private void OnDeadline()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                Drain(_time.GetTimestamp());
            }
        }
    }

    private void Drain(long now)
    {
        while (true)
        {
            if (_pending.Remove(_next, out var packet))
            {
                Emit(packet, _next++);
                continue;
            }

            if (_next > _highest)
            {
                break;
            }

            while (_gaps.Count > 0 && _gaps.Peek().Last < _next)
            {
                _gaps.Dequeue();
            }

            // _next is missing: skip it once its gap's wait is over, else wait for the resend (or the timer).
            if (_gaps.Count == 0 || _gaps.Peek().Deadline <= now)
            {
                Interlocked.Add(ref _lost, WearableProtocol.SamplesPerPacket);
                _next++;
                continue;
            }

            break;
        }

        if (_next <= _highest && _gaps.Count > 0)
        {
            var due = _time.GetElapsedTime(now, _gaps.Peek().Deadline);
            _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void FlushAndStop()
    {
        for (; _next <= _highest; _next++)
        {
            if (_pending.Remove(_next, out var packet))
            {
                Emit(packet, _next);
            }
            else
            {
                Interlocked.Add(ref _lost, WearableProtocol.SamplesPerPacket);
            }
        }

        _pending.Clear();
        _gaps.Clear();
        _started = false;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Emit(in WearablePacket packet, long abs)
    {
        for (var i = 0; i < WearableProtocol.SamplesPerPacket; i++)
        {
            var s = packet[i];
            var timestamp = _base + (WearableProtocol.SamplePeriod * ((abs * WearableProtocol.SamplesPerPacket) + i));
            _lastTimestamp = timestamp;
            Interlocked.Increment(ref _delivered);

            // mg to g at the boundary: the detector works in g.
            _guard.Deliver(_samples, AccelerationSample.FromG(s.X / 1000.0, s.Y / 1000.0, s.Z / 1000.0, timestamp));
        }
    }

    private readonly record struct Gap(long First, long Last, long Deadline);
}
