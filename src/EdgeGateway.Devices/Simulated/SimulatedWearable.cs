using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// The belt-clip wearable and its link without a radio, for the demo and the tests: a device half that follows
/// <c>wearable/edgegateway-wearable.js</c> (50 Hz grid, 20-byte packets, the 500-packet ring, resends, help, reboot,
/// battery) and a Pi half that takes exactly those bytes through the radio's own <see cref="WearableStream"/> and
/// notice reading.
/// </summary>
/// <remarks>
/// Nothing is shortcut between the halves: samples travel as the packet bytes, resend requests as the control bytes, events
/// and battery as their characteristic values, so a loss, a resend or a duplicate here is one the gateway would see on
/// the radio. The device runs on the injected clock's 20 ms grid (a 60 ms timer does the ticks that fell due, three
/// samples a packet); its sending follows the JS slot by slot, including the catch-up interval's settle time.
/// </remarks>
public sealed class SimulatedWearable : IWearableLink
{
    // The device program's timings (wearable/edgegateway-wearable.js), in its own milliseconds.
    private const int TickMs = 20;
    private const int StreamSlotMs = 60;
    private const int CatchupSlotMs = TickMs;
    private const int CatchupSettleMs = 400;
    private const int LiveBacklogMax = 2;
    private const int HelpRepeatMs = StreamSlotMs;
    private const int HelpRepeats = 2;
    private const int BatteryEveryTicks = 60_000 / TickMs;
    private const int MaxResendRanges = 16;
    private const int MaxPendingEvents = 20;
    private const int RingPackets = WearableProtocol.RingPackets;
    private const int PacketBytes = WearableProtocol.PacketLength;
    private static readonly TimeSpan TimerPeriod = TimeSpan.FromMilliseconds(StreamSlotMs);
    private static readonly AccelerationTrace Rest = AccelerationTrace.AtRest();

    private readonly TimeProvider _time;
    private readonly string _sensorId;
    private readonly ILogger _logger;
    private readonly SinkGuard _guard;
    private readonly Lock _lock = new();
    private readonly Lock _statusLock = new();
    private readonly WearableQueues _queues;
    private readonly ConcurrentQueue<byte[]> _controlWrites = new();
    private readonly WearableNoticeReader _reader;
    private readonly Action _runDueTicks;

    // The device half: the JS program's state.
    private readonly byte[] _ring = new byte[RingPackets * PacketBytes];
    private readonly List<long[]> _resends = [];
    private readonly List<PendingEvent> _pendingEvents = [];
    private AccelerationTrace _trace = AccelerationTrace.AtRest();
    private long _traceIndex;
    private long _produced;
    private int _sampleInPacket;
    private long _liveNext;
    private bool _connected;
    private bool _catchingUp;
    private double _resendAt;
    private double _nextSlot;
    private bool _batteryDue;
    private int _batteryLevel = 100;
    private ushort _eventCounter;
    private bool _sampling = true;

    // The simulation's own bookkeeping.
    private ITimer? _timer;
    private long _startTimestamp;
    private long _ticksDone;
    private long _samplesTaken;
    private bool _started;
    private bool _disposed;
    private WearableLinkStatus _status;

    /// <summary>A wearable worn by a body at rest, its battery full; <see cref="Start"/> switches it on and connects it.</summary>
    /// <param name="time">The clock the device samples on and the Pi half waits for resends on.</param>
    /// <param name="sensorId">The sensor id used in logs.</param>
    /// <param name="logger">Where the Pi half logs.</param>
    /// <param name="sampleQueueCapacity">Samples held for a slow consumer, as <see cref="WearableLinkOptions.SampleQueueCapacity"/> (2 000 = 40 s).</param>
    public SimulatedWearable(TimeProvider time, string sensorId = "wearable", ILogger? logger = null, int sampleQueueCapacity = 2000)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(sensorId);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleQueueCapacity, 1);
        _time = time;
        _sensorId = sensorId;
        _logger = logger ?? NullLogger.Instance;
        _guard = new SinkGuard(sensorId, _logger, time);

        // The radio link's own queues (BlueZWearableLink): a consumer that falls the queue behind loses the oldest.
        _queues = new WearableQueues(sampleQueueCapacity);

        // A resend request goes back as the control write's bytes and reaches the device at its next tick, as over the air.
        Stream = new WearableStream(time, s => _queues.Samples.Writer.TryWrite(s), r => _controlWrites.Enqueue(r.ToBytes()), sensorId: sensorId, logger: _logger);
        _reader = new WearableNoticeReader(time, Stream, _queues.Notices.Writer);
        _runDueTicks = RunDueTicks;
        _status = new WearableLinkStatus(WearableLinkState.Searching, "not started", time.GetUtcNow());
    }

    /// <summary>Raised on every change of <see cref="Status"/> (must not block).</summary>
    public event Action<WearableLinkStatus>? StatusChanged;

    /// <summary>The wearable's samples in g, in order, at 50 Hz of device time.</summary>
    public ChannelReader<AccelerationSample> Samples => _queues.Samples.Reader;

    /// <summary>Help presses (one per press), reboots and battery levels.</summary>
    public ChannelReader<WearableNotice> Notices => _queues.Notices.Reader;

    /// <summary>The Pi half's reassembly and its counters, exactly as on the radio.</summary>
    public WearableStream Stream { get; }

    /// <summary>Connected while the link is up, Searching before <see cref="Start"/> and while <see cref="DropLink"/> holds.</summary>
    public WearableLinkStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                return _status;
            }
        }
    }

    /// <summary>Samples dropped because the consumer of <see cref="Samples"/> fell more than the queue behind.</summary>
    public long DroppedSamples => _queues.DroppedSamples;

    /// <summary>Notices dropped because no one read <see cref="Notices"/>.</summary>
    public long DroppedNotices => _queues.DroppedNotices;

    /// <summary>The last battery level the Pi half received, or null before the first.</summary>
    public int? BatteryPercent => _reader.BatteryPercent;

    /// <summary>Samples the device has taken since <see cref="Start"/> (across reboots): what the Pi could at most receive.</summary>
    public long SamplesTaken => Interlocked.Read(ref _samplesTaken);

    /// <summary>True while sampling is paused (<see cref="PauseSampling"/>).</summary>
    public bool SamplingPaused
    {
        get
        {
            lock (_lock)
            {
                return !_sampling;
            }
        }
    }

    /// <summary>Switches the device on (its reboot event goes out first) and connects it; the 60 ms timer starts.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
            _startTimestamp = _time.GetTimestamp();

            // The program raises its reboot event at boot; it is delivered when the gateway first subscribes.
            RaiseEvent(WearableEventType.Reboot, 0);
            Connect(0);
            _timer = _time.CreateTimer(static s => ((SimulatedWearable)s!).OnTimer(), this, TimerPeriod, TimerPeriod);
        }

        SetStatus(WearableLinkState.Connected, "simulated");
    }

    /// <summary>The body the device is worn on, as 50 Hz samples in g (see <see cref="At50Hz"/>); a looping trace loops, another holds its last sample with a few mg of noise.</summary>
    public void Play(AccelerationTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        lock (_lock)
        {
            _trace = trace;
            _traceIndex = 0;
        }
    }

    /// <summary>A 200 Hz trace (SisFall's rate) as the wearable samples it: the mean of each 4, rounded to 1 mg and clipped at ±8 g, as <see cref="WearableResampler"/> does.</summary>
    public static AccelerationTrace At50Hz(AccelerationTrace at200Hz)
    {
        ArgumentNullException.ThrowIfNull(at200Hz);
        var decimation = WearableResampler.DecimationFor(WearableProtocol.SampleRateHz);
        if (at200Hz.Count < decimation)
        {
            throw new ArgumentException($"a 200 Hz trace needs at least {decimation} samples to make one at 50 Hz", nameof(at200Hz));
        }

        var g = new double[at200Hz.Count * 3];
        for (var i = 0; i < at200Hz.Count; i++)
        {
            (g[i * 3], g[(i * 3) + 1], g[(i * 3) + 2]) = at200Hz[i];
        }

        var milliG = new short[WearableResampler.OutputLength(at200Hz.Count, decimation) * 3];
        var count = WearableResampler.Resample(g, decimation, milliG);
        return new AccelerationTrace(
            Enumerable.Range(0, count).Select(n => (milliG[n * 3] / 1000.0, milliG[(n * 3) + 1] / 1000.0, milliG[(n * 3) + 2] / 1000.0)),
            at200Hz.Loop);
    }

    /// <summary>The wearer presses the button: a help event, sent three times with one counter (queued while the link is down).</summary>
    public void PressHelp()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = NowMs();
            RaiseEvent(WearableEventType.Help, HelpRepeats);

            // As onButton: at once if this slot is free, else the tick sends it first when the slot ends.
            if (_connected && now >= _nextSlot && SendEvent(now))
            {
                _nextSlot = now + SlotMs(now);
            }
        }
    }

    /// <summary>The battery reads <paramref name="percent"/> now; the level goes out in the next free slot (and every minute after).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0–100.</exception>
    public void SetBattery(int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        lock (_lock)
        {
            _batteryLevel = percent;

            // Disconnected, the JS only updates the value; the gateway reads it when it connects again.
            _batteryDue = _connected;
        }
    }

    /// <summary>The device restarts: its ring, sequence and event counter start again at 0 and it sends a reboot event first.</summary>
    public void Reboot()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            Array.Clear(_ring);
            _produced = 0;
            _sampleInPacket = 0;
            _liveNext = 0;
            _resends.Clear();
            _pendingEvents.Clear();
            _eventCounter = 0;
            _batteryDue = false;
            _controlWrites.Clear();
            RaiseEvent(WearableEventType.Reboot, 0);
        }
    }

    /// <summary>The radio link drops: the device keeps sampling into its ring (and queues help), nothing reaches the Pi; Status turns Searching.</summary>
    public void DropLink()
    {
        lock (_lock)
        {
            if (!_started || !_connected)
            {
                return;
            }

            // As NRF.on("disconnect"): subscriptions off and pending resends forgotten (the gateway asks again).
            _connected = false;
            _catchingUp = false;
            _resends.Clear();
        }

        SetStatus(WearableLinkState.Searching, "link dropped");
    }

    /// <summary>The link is back: live samples resume from the newest, and the gap is asked for and resent from the ring.</summary>
    public void RestoreLink()
    {
        lock (_lock)
        {
            if (!_started || _connected || _disposed)
            {
                return;
            }

            Connect(NowMs());
        }

        SetStatus(WearableLinkState.Connected, "simulated");
    }

    /// <summary>Stops sampling at the next packet boundary (for a demo clock running faster than real time); what was sampled still goes out.</summary>
    public void PauseSampling()
    {
        lock (_lock)
        {
            _sampling = false;
        }
    }

    /// <summary>Resumes sampling; the Pi half restarts its stream so the pause is a fresh start on its clock, not a gap.</summary>
    /// <remarks>
    /// The sequence simply continues (nothing was sampled, so nothing is missing). While the link is down no restart is
    /// made: the drop's gap must still be asked for and counted, so the stream then carries on on device time.
    /// </remarks>
    public void ResumeSampling()
    {
        lock (_lock)
        {
            if (_sampling)
            {
                return;
            }

            _sampling = true;
            if (_connected)
            {
                // The stream's timeline is anchored at the Pi's clock on a new start: the detector and the monitor see a
                // hole of the pause's length instead of samples stitched across it.
                Stream.Restart();
            }
        }
    }

    /// <summary>Stops the device and completes <see cref="Samples"/> and <see cref="Notices"/>.</summary>
    public ValueTask DisposeAsync()
    {
        ITimer? timer;
        lock (_lock)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            _connected = false;
            timer = _timer;
        }

        timer?.Dispose();
        Stream.Dispose();
        _queues.Complete();
        return ValueTask.CompletedTask;
    }

    // A bug in the simulation must not end the process from a timer thread: logged and counted, the next tick goes on.
    private void OnTimer() => _guard.Run("simulated wearable tick", _runDueTicks);

    private void RunDueTicks()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            // Every 20 ms tick that fell due, each at its own time on the grid: the device never drifts or skips.
            var due = _time.GetElapsedTime(_startTimestamp).Ticks / TimeSpan.FromMilliseconds(TickMs).Ticks;
            while (_ticksDone < due)
            {
                _ticksDone++;
                Tick(_ticksDone * TickMs);
            }
        }
    }

    private double NowMs() => _started ? _time.GetElapsedTime(_startTimestamp).TotalMilliseconds : 0;

    // As the JS connect handler and the gateway's subscriptions (events, samples, battery) that follow it.
    private void Connect(double now)
    {
        _connected = true;
        _catchingUp = true;
        SetCatchingUp(false, now);
        _liveNext = _produced; // subscribing streams live from now on; the gap comes by resend
        _reader.ReadBattery([(byte)_batteryLevel]); // the link reads the level once on every connection
    }

    private void Tick(double now)
    {
        if (_connected)
        {
            while (_controlWrites.TryDequeue(out var write))
            {
                OnControl(write);
            }
        }

        Sample();
        if (_ticksDone % BatteryEveryTicks == 0)
        {
            _batteryDue = _connected;
        }

        if (!_connected)
        {
            return;
        }

        SetCatchingUp(_resends.Count > 0 || _produced - _liveNext > LiveBacklogMax, now);
        if (now < _nextSlot)
        {
            return;
        }

        if (SendEvent(now) || SendBattery() || SendSamples(now))
        {
            _nextSlot = now + SlotMs(now);
        }
    }

    private void Sample()
    {
        // A pause takes effect between packets, so no packet holds samples from both sides of it.
        if (!_sampling && _sampleInPacket == 0)
        {
            return;
        }

        var (x, y, z) = BodyAt(_traceIndex++);
        var off = (int)(_produced % RingPackets) * PacketBytes;
        var ring = _ring.AsSpan(off, PacketBytes);
        if (_sampleInPacket == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(ring, (ushort)_produced);
        }

        var at = ring[(2 + (_sampleInPacket * 6))..];
        BinaryPrimitives.WriteInt16LittleEndian(at, WearableResampler.ToMilliG(x));
        BinaryPrimitives.WriteInt16LittleEndian(at[2..], WearableResampler.ToMilliG(y));
        BinaryPrimitives.WriteInt16LittleEndian(at[4..], WearableResampler.ToMilliG(z));
        Interlocked.Increment(ref _samplesTaken);
        if (++_sampleInPacket == WearableProtocol.SamplesPerPacket)
        {
            _sampleInPacket = 0;
            _produced++;
        }
    }

    private (double X, double Y, double Z) BodyAt(long index)
    {
        if (_trace.Loop || index < _trace.Count)
        {
            return _trace[index];
        }

        // Held after its end with the noise of a body at rest: a real sensor is never frozen, and the gateway's frozen-data
        // supervision would rightly call it faulted if it were.
        var (x, y, z) = _trace[_trace.Count - 1];
        var noise = Rest[index - _trace.Count];
        return (x + noise.X, y + noise.Y - 1, z + noise.Z);
    }

    private double SlotMs(double now) => _catchingUp && now >= _resendAt ? CatchupSlotMs : StreamSlotMs;

    private void SetCatchingUp(bool on, double now)
    {
        if (on == _catchingUp || !_connected)
        {
            return;
        }

        // The connection interval changes some connection events after the request: resends wait for it to settle.
        _catchingUp = on;
        _resendAt = now + CatchupSettleMs;
    }

    private void RaiseEvent(WearableEventType type, int repeats)
    {
        var counter = _eventCounter;
        _eventCounter = unchecked((ushort)(_eventCounter + 1));
        var now = NowMs();

        // A long disconnection: the JS keeps about the newest 20, dropping the oldest one per new event.
        if (_pendingEvents.Count > MaxPendingEvents)
        {
            _pendingEvents.RemoveAt(0);
        }

        for (var i = 0; i <= repeats; i++)
        {
            _pendingEvents.Add(new PendingEvent(type, counter, now + (i * HelpRepeatMs)));
        }
    }

    private bool SendEvent(double now)
    {
        if (!_connected || _pendingEvents.Count == 0 || _pendingEvents[0].SendAt > now)
        {
            return false;
        }

        var ev = _pendingEvents[0];
        _pendingEvents.RemoveAt(0);
        var bytes = new WearableEvent(ev.Type, ev.Counter).ToBytes();
        if (!_reader.ReadEvent(bytes, out var problem))
        {
            Wearable.Log.WearableMalformed(_logger, _sensorId, $"{problem}: events notification of {bytes.Length} bytes", Stream.MalformedPackets);
        }

        return true;
    }

    private bool SendBattery()
    {
        if (!_batteryDue)
        {
            return false;
        }

        _batteryDue = false;
        _reader.ReadBattery([(byte)_batteryLevel]);
        return true;
    }

    private bool SendSamples(double now)
    {
        // The packet being filled reuses the slot of the one 500 before it from its first sample on (seq first): that one
        // is gone then, and sending it would pass the new seq with 30 s old samples. In the first 30 s the ring starts at 0.
        var oldest = Math.Max(0, _produced - RingPackets + (_sampleInPacket > 0 ? 1 : 0));
        if (_liveNext < oldest)
        {
            _liveNext = oldest;
        }

        if (_liveNext < _produced)
        {
            Notify(_liveNext++);
            return true;
        }

        while (_resends.Count > 0 && _catchingUp && now >= _resendAt)
        {
            var range = _resends[0];
            range[0] = Math.Max(range[0], oldest); // older than the ring: skipped, the gateway counts it lost
            if (range[0] >= range[1])
            {
                _resends.RemoveAt(0);
                continue;
            }

            Notify(range[0]++);
            return true;
        }

        return false;
    }

    private void Notify(long packet)
    {
        var bytes = _ring.AsSpan((int)(packet % RingPackets) * PacketBytes, PacketBytes);
        if (!Stream.Accept(bytes))
        {
            Wearable.Log.WearableMalformed(_logger, _sensorId, Stream.LastProblem ?? "", Stream.MalformedPackets);
        }
    }

    private void OnControl(byte[] write)
    {
        if (!ResendRequest.TryParse(write, out var request))
        {
            return;
        }

        // seq wraps at 65536: the latest packet with that seq.
        var newest = _produced - 1;
        var back = (((newest - request.FromSeq) % 65536) + 65536) % 65536;
        var from = newest - back;
        var end = Math.Min(from + request.Count, _produced);
        if (end > from && _resends.Count < MaxResendRanges)
        {
            _resends.Add([from, end]);
        }
    }

    private void SetStatus(WearableLinkState state, string reason)
    {
        WearableLinkStatus status;
        lock (_statusLock)
        {
            if (_status.State == state && _status.Reason == reason)
            {
                return;
            }

            status = _status = new WearableLinkStatus(state, reason, _time.GetUtcNow());
        }

        _guard.Deliver(StatusChanged, status);
    }

    private readonly record struct PendingEvent(WearableEventType Type, ushort Counter, double SendAt);
}
