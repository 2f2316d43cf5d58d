using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Supervision;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Devices.Accelerometers;

/// <summary>What drains an accelerometer's FIFO.</summary>
public enum AccelerometerReader
{
    /// <summary>A dedicated thread that sleeps until the FIFO is due at its watermark (the default: a busy thread pool cannot delay it).</summary>
    DedicatedThread,

    /// <summary>A <see cref="TimeProvider"/> timer every <see cref="AccelerometerOptions.PollInterval"/>, run on the thread pool (the fallback).</summary>
    Timer,
}

/// <summary>How an accelerometer is read and supervised.</summary>
public sealed record AccelerometerOptions
{
    /// <summary>The sensor id used in events.</summary>
    public required string SensorId { get; init; }

    /// <summary>What drains the FIFO; the dedicated thread reads every <see cref="IAccelerometerChip.Watermark"/> samples.</summary>
    public AccelerometerReader Reader { get; init; } = AccelerometerReader.DedicatedThread;

    /// <summary>How often the <see cref="AccelerometerReader.Timer"/> reader drains the FIFO; must stay well under the time the FIFO takes to fill (165 ms for 33 entries at 200 Hz).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First wait before re-initialising a faulted chip; doubles up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between re-initialisation attempts.</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No new sample for this long means the FIFO is stuck.</summary>
    public TimeSpan NoDataAfter { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Bit-identical samples for this long mean frozen data (a live sensor always shows noise).</summary>
    public TimeSpan FrozenAfter { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Drains an accelerometer's FIFO from a dedicated reader thread (or a timer) and delivers every sample in g, stamped on a steady timeline
/// reconstructed from the sample rate; turns every bus error into a supervision fault and re-initialises the chip
/// with back-off until it answers again. No exception from the bus or the sample consumer ever escapes.
/// </summary>
public sealed class Accelerometer : ISupervisedInput, IDisposable
{
    private readonly IAccelerometerChip _chip;
    private readonly AccelerometerOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<AccelerationSample> _sink;
    private readonly ILogger _logger;
    private readonly SupervisionTracker _supervision;
    private readonly SinkGuard _guard;
    private readonly AccelerationSample[] _buffer;
    private readonly TimeSpan _period;
    private readonly long _frozenLimit;
    private readonly long _startTimestamp;
    private readonly Lock _pollLock = new();
    private readonly TimeSpan _readerInterval;
    private ITimer? _timer;
    private FifoReaderThread? _reader;
    private bool _running;
    private bool _awaitingProof;
    private bool _haveLast;
    private TimeSpan _lastTimestamp;
    private AccelerationSample _lastSample;
    private long _identicalRun;
    private long _lastDataTimestamp;
    private long _nextRetryTimestamp;
    private TimeSpan _retryDelay;
    private long _samples;
    private long _overruns;
    private int _maxFifoLevel;
    private bool _disposed;

    /// <summary>Supervises <paramref name="chip"/> (owned: disposed with this).</summary>
    public Accelerometer(
        IAccelerometerChip chip,
        AccelerometerOptions options,
        TimeProvider time,
        Func<EventTime> now,
        Action<AccelerationSample> sink,
        Action<SupervisionChange>? supervision = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(chip);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(sink);
        _chip = chip;
        _options = options;
        _time = time;
        _sink = sink;
        _logger = logger ?? NullLogger.Instance;
        _guard = new SinkGuard(options.SensorId, _logger, time);
        _supervision = new SupervisionTracker(options.SensorId, SensorKind.Accelerometer, now, supervision, _guard);
        _supervision.Changed += c => StateChanged?.Invoke(c);
        _buffer = new AccelerationSample[chip.FifoCapacity];
        _period = TimeSpan.FromSeconds(1 / chip.SampleRateHz);
        _frozenLimit = (long)Math.Ceiling(options.FrozenAfter.TotalSeconds * chip.SampleRateHz);
        _startTimestamp = time.GetTimestamp();
        _retryDelay = options.RetryInterval;
        _readerInterval = _period * Math.Clamp(chip.Watermark, 1, chip.FifoCapacity);
    }

    /// <inheritdoc />
    public event Action<SupervisionChange>? StateChanged;

    /// <inheritdoc />
    public string SensorId => _options.SensorId;

    /// <inheritdoc />
    public SupervisionState State => _supervision.State;

    /// <summary>Samples delivered so far.</summary>
    public long SamplesDelivered => Interlocked.Read(ref _samples);

    /// <summary>FIFO overruns seen so far (each lost samples).</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>Samples whose consumer threw (logged, counted, and the next sample delivered as usual).</summary>
    public long SinkFailures => _guard.Failures;

    /// <summary>The most samples one read found waiting, against <see cref="IAccelerometerChip.FifoCapacity"/>: the headroom left.</summary>
    public int MaxFifoLevel => Volatile.Read(ref _maxFifoLevel);

    /// <summary>The dedicated reader thread while it runs (the bench reads its lateness).</summary>
    internal FifoReaderThread? ReaderThread => Volatile.Read(ref _reader);

    /// <summary>Initialises the chip (a failure becomes a fault and a retry, not an exception) and starts reading.</summary>
    public void Start()
    {
        lock (_pollLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_timer is not null || _reader is not null)
            {
                return;
            }

            TryInitialise();
            if (_options.Reader == AccelerometerReader.Timer)
            {
                _timer = _time.CreateTimer(_ => Poll(), null, _options.PollInterval, _options.PollInterval);
            }
            else
            {
                _reader = new FifoReaderThread($"accel {_options.SensorId}", Poll, _readerInterval, _time, p => Log.ReaderStarted(_logger, _options.SensorId, p, _readerInterval));
                _reader.Start();
            }
        }
    }

    /// <summary>Stops reading (the chip keeps sampling into its FIFO); <see cref="Start"/> resumes with a fresh initialisation.</summary>
    public void Stop()
    {
        FifoReaderThread? reader;
        lock (_pollLock)
        {
            _timer?.Dispose();
            _timer = null;
            reader = _reader;
            _reader = null;
        }

        // Outside the lock: a read in progress needs it to finish.
        reader?.Stop();
    }

    /// <summary>Drains the FIFO once; the reader thread or timer calls this, benchmarks and tests may too.</summary>
    internal void Poll()
    {
        // A slow bus must not pile polls up; the next tick catches up through the FIFO.
        if (!_pollLock.TryEnter())
        {
            return;
        }

        try
        {
            if (_disposed)
            {
                return;
            }

            var nowTs = _time.GetTimestamp();
            if (!_running)
            {
                if (nowTs >= _nextRetryTimestamp)
                {
                    TryInitialise();
                }

                return;
            }

            int count;
            bool overrun;
            try
            {
                count = _chip.ReadFifo(_buffer, out overrun);
            }
            catch (IOException ex)
            {
                Fault($"bus error: {ex.Message}");
                return;
            }

            if (overrun)
            {
                // An overflow proves the chip samples; it is a reading-side loss, not a stuck FIFO.
                _lastDataTimestamp = nowTs;
                _haveLast = false;
                Log.FifoOverrun(_logger, _options.SensorId, Interlocked.Increment(ref _overruns));
            }

            if (count == 0)
            {
                if (_time.GetElapsedTime(_lastDataTimestamp, nowTs) >= _options.NoDataAfter)
                {
                    Fault($"no sample for {_options.NoDataAfter.TotalMilliseconds:0} ms (FIFO stuck)");
                }

                return;
            }

            _lastDataTimestamp = nowTs;
            if (count > _maxFifoLevel)
            {
                Volatile.Write(ref _maxFifoLevel, count);
            }

            Deliver(count, _time.GetElapsedTime(_startTimestamp, nowTs));
        }
        finally
        {
            _pollLock.Exit();
        }
    }

    private void Deliver(int count, TimeSpan now)
    {
        // The newest sample was taken within one period before now; keep a steady timeline unless it drifted away.
        var anchor = now - (_period * (count - 1));
        var first = _haveLast ? _lastTimestamp + _period : anchor;
        if ((first - anchor).Duration() > _period * 3)
        {
            first = anchor;
        }

        for (var i = 0; i < count; i++)
        {
            var s = _buffer[i];
            if (_haveLast && s.XG == _lastSample.XG && s.YG == _lastSample.YG && s.ZG == _lastSample.ZG)
            {
                if (++_identicalRun >= _frozenLimit)
                {
                    Fault($"data frozen at {s.X.InG("0.###")}, {s.Y.InG("0.###")}, {s.Z.InG("0.###")} for {_options.FrozenAfter.TotalSeconds:0.#} s");
                    return;
                }
            }
            else
            {
                if (_haveLast && _awaitingProof)
                {
                    Restore();
                }

                _identicalRun = 0;
            }

            var stamped = s with { Timestamp = first + (_period * i) };
            _lastSample = stamped;
            _lastTimestamp = stamped.Timestamp;
            _haveLast = true;
            Interlocked.Increment(ref _samples);

            // A consumer's bug (the fall detector, the loop) must not stop the input nor kill the reader thread.
            _guard.Deliver(_sink, stamped);
        }
    }

    private void TryInitialise()
    {
        try
        {
            _chip.Initialise();
        }
        catch (IOException ex)
        {
            Fault(ex.Message);
            return;
        }

        _running = true;
        _haveLast = false;
        _identicalRun = 0;
        _lastDataTimestamp = _time.GetTimestamp();

        // Answering is not enough after a fault: restored only once samples flow and change (a frozen chip answers too).
        _awaitingProof = _supervision.State != SupervisionState.Alive;
    }

    private void Restore()
    {
        _awaitingProof = false;
        _retryDelay = _options.RetryInterval;
        Log.AccelerometerRecovered(_logger, _options.SensorId, _chip.Name);
        _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, $"{_chip.Name} delivers live samples again");
    }

    private void Fault(string reason)
    {
        _running = false;
        _haveLast = false;
        var delay = _retryDelay;
        _nextRetryTimestamp = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
        _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _options.MaxRetryInterval.Ticks));
        if (_supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, $"{_chip.Name}: {reason}"))
        {
            Log.AccelerometerFaulted(_logger, _options.SensorId, reason, delay);
        }
    }

    /// <summary>Stops reading and disposes the chip.</summary>
    public void Dispose()
    {
        lock (_pollLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        Stop();
        _chip.Dispose();
    }
}
