using System.Device.Gpio;
using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Supervision;
using Microsoft.Extensions.Logging;
using UnitsNet;

namespace EdgeGateway.Devices.FlowMeters;

/// <summary>Configuration of one pulse-output water meter.</summary>
public sealed record FlowMeterOptions
{
    /// <summary>The sensor id used in readings, events and the totals file name.</summary>
    public required string SensorId { get; init; }

    /// <summary>BCM GPIO number of the pulse line.</summary>
    public required int Pin { get; init; }

    /// <summary>Pulses per litre: about 450 for a YF-S201 Hall sensor, 1 for a utility meter's reed output.</summary>
    public required double PulsesPerLitre { get; init; }

    /// <summary>Bias of the pin (open-collector Hall outputs and reed contacts both need a pull-up).</summary>
    public ContactPull Pull { get; init; } = ContactPull.Up;

    /// <summary>
    /// Edges closer than this to the last counted pulse are bounce and ignored. Zero for Hall sensors (clean edges,
    /// up to ~250 Hz); around 20 ms for reed outputs, which bounce for a few ms on every closure.
    /// </summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.Zero;

    /// <summary>Flow is averaged over this trailing window.</summary>
    public TimeSpan FlowWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often flow is sampled and a reading reported (only when something changed).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No pulse for this long reports the meter as silent (a home uses water every day); null disables it.</summary>
    public TimeSpan? SilentAfter { get; init; } = TimeSpan.FromHours(36);
}

/// <summary>
/// Counts a water meter's pulses on a GPIO edge callback and reports flow (L/min over a sliding window) and the
/// running total (L), which survives power cuts.
/// </summary>
/// <remarks>
/// <para>The counting path (the GPIO callback) is one <see cref="Interlocked.Increment(ref long)"/>, a compare and,
/// once per half litre, a timer poke: no lock, no allocation, no I/O, so a 250 Hz pulse train loses nothing.</para>
/// <para>Power-cut bound. Let K be pulses per litre. The total is written atomically (temp file, fsync, rename) when
/// ceil(K/2) pulses are unsaved, and every <see cref="PeriodicPersistInterval"/> (30 s) while any are unsaved.
/// A power cut therefore loses at most the pulses counted since the last completed write: fewer than K/2 plus those
/// that arrive while a write is in flight, i.e. less than 1 L as long as a write takes less than the time 0.5 L needs
/// to flow (0.9 s at 250 Hz on a YF-S201; SD-card writes take tens of ms), and never pulses older than 30 s plus one
/// write. So the loss is at most min(1 L, 60 s of counting). FlowMeterTests prove it by dropping the meter without
/// disposing it and reloading the data directory.</para>
/// </remarks>
public sealed class FlowMeter : ISupervisedInput, IDisposable
{
    /// <summary>While any pulse is unsaved the total is written at least this often.</summary>
    public static readonly TimeSpan PeriodicPersistInterval = TimeSpan.FromSeconds(30);

    private readonly GpioController _gpio;
    private readonly FlowMeterOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<EventTime> _now;
    private readonly Action<SensorReading> _sink;
    private readonly SupervisionTracker _supervision;
    private readonly SinkGuard _guard;
    private readonly FlowTotalStore _store;
    private readonly long _persistThreshold;
    private readonly long _debounceTicks;
    private readonly ITimer _sampleTimer;
    private readonly ITimer _persistTimer;
    private readonly Lock _persistLock = new();
    private readonly Lock _sampleLock = new();
    private readonly (long Timestamp, long Pulses)[] _window;
    private readonly double _baseLitres;
    private long _pulses;
    private long _persistedPulses;
    private long _lastCountedTimestamp = long.MinValue;
    private int _persistRequested;
    private int _windowHead;
    private int _windowCount;
    private long _lastReportedPulses = -1;
    private VolumeFlow _lastReportedFlow;
    private long _lastPulseTimestamp;
    private long _lastSeenPulses;
    private bool _disposed;

    /// <summary>Loads the persisted total from <paramref name="dataDirectory"/>, opens the pin and starts counting.</summary>
    /// <remarks>A <paramref name="sink"/> or <paramref name="supervision"/> that throws is logged to <paramref name="logger"/> with the sensor id and counted (<see cref="SinkFailures"/>); counting goes on.</remarks>
    public FlowMeter(
        GpioController gpio,
        FlowMeterOptions options,
        string dataDirectory,
        TimeProvider time,
        Func<EventTime> now,
        Action<SensorReading> sink,
        Action<SupervisionChange>? supervision = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(sink);
        if (!(options.PulsesPerLitre > 0) || double.IsInfinity(options.PulsesPerLitre))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PulsesPerLitre, $"{nameof(FlowMeterOptions.PulsesPerLitre)} of '{options.SensorId}' must be a positive number");
        }

        _gpio = gpio;
        _options = options;
        _time = time;
        _now = now;
        _sink = sink;
        _guard = new SinkGuard(options.SensorId, logger);
        _supervision = new SupervisionTracker(options.SensorId, SensorKind.FlowMeter, now, supervision, _guard);
        _supervision.Changed += c => StateChanged?.Invoke(c);
        _persistThreshold = Math.Max(1, (long)Math.Ceiling(options.PulsesPerLitre / 2));
        _debounceTicks = (long)(options.Debounce.TotalSeconds * time.TimestampFrequency);
        _store = new FlowTotalStore(dataDirectory, options.SensorId);

        var loaded = _store.Load(out var loadProblem);
        if (loaded is { } l && l.PulsesPerLitre.Equals(options.PulsesPerLitre))
        {
            _baseLitres = l.LitresBefore;
            _pulses = _persistedPulses = l.Pulses;
        }
        else if (loaded is { } changed)
        {
            // The K-factor was reconfigured: freeze what was counted with the old one into the base.
            _baseLitres = changed.LitresBefore + (changed.Pulses / changed.PulsesPerLitre);
        }

        var windowSlots = (int)Math.Ceiling(options.FlowWindow / options.SampleInterval) + 1;
        _window = new (long, long)[Math.Max(2, windowSlots)];
        _lastPulseTimestamp = time.GetTimestamp();
        _lastSeenPulses = _pulses;
        _sampleTimer = time.CreateTimer(_ => _guard.Run("flow sample", Sample), null, options.SampleInterval, options.SampleInterval);
        _persistTimer = time.CreateTimer(_ => _guard.Run("saving the total", PersistIfDue), null, PeriodicPersistInterval, PeriodicPersistInterval);
        if (loadProblem is not null)
        {
            _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, loadProblem);
        }

        _gpio.OpenPin(options.Pin, options.Pull == ContactPull.Up ? PinMode.InputPullUp : PinMode.InputPullDown);

        // Count the edge on which the line is pulled to its active level (falling for a pull-up).
        var edge = options.Pull == ContactPull.Up ? PinEventTypes.Falling : PinEventTypes.Rising;
        _gpio.RegisterCallbackForPinValueChangedEvent(options.Pin, edge, OnPulse);
    }

    /// <inheritdoc />
    public event Action<SupervisionChange>? StateChanged;

    /// <inheritdoc />
    public string SensorId => _options.SensorId;

    /// <inheritdoc />
    public SupervisionState State => _supervision.State;

    /// <summary>Readings and supervision changes whose sink threw (each logged with the sensor id).</summary>
    public long SinkFailures => _guard.Failures;

    /// <summary>Pulses counted with the current K-factor (persisted ones included).</summary>
    public long Pulses => Interlocked.Read(ref _pulses);

    /// <summary>Pulses known to be on disk.</summary>
    public long PersistedPulses => Interlocked.Read(ref _persistedPulses);

    /// <summary>The running total since installation.</summary>
    public Volume Total => Volume.FromLiters(_baseLitres + (Pulses / _options.PulsesPerLitre));

    /// <summary>Flow averaged over the trailing window, as of the last sample.</summary>
    public VolumeFlow Flow
    {
        get
        {
            lock (_sampleLock)
            {
                return _lastReportedFlow;
            }
        }
    }

    /// <summary>Counts one pulse exactly as the GPIO callback does (also used by benchmarks).</summary>
    internal void CountPulse()
    {
        if (_debounceTicks > 0)
        {
            // Only the GPIO event thread writes this, so a plain read-compare-write is enough.
            var ts = _time.GetTimestamp();
            var last = Volatile.Read(ref _lastCountedTimestamp);
            if (last != long.MinValue && ts - last < _debounceTicks)
            {
                return;
            }

            Volatile.Write(ref _lastCountedTimestamp, ts);
        }

        var count = Interlocked.Increment(ref _pulses);
        if (count - Interlocked.Read(ref _persistedPulses) >= _persistThreshold && Interlocked.Exchange(ref _persistRequested, 1) == 0)
        {
            // Hand the write to the timer thread: file I/O here would stall the edge queue.
            _persistTimer.Change(TimeSpan.Zero, PeriodicPersistInterval);
        }
    }

    private void OnPulse(object sender, PinValueChangedEventArgs e) => CountPulse();

    private void PersistIfDue()
    {
        lock (_persistLock)
        {
            Volatile.Write(ref _persistRequested, 0);
            if (_disposed)
            {
                return;
            }

            var pulses = Interlocked.Read(ref _pulses);
            var persisted = Interlocked.Read(ref _persistedPulses);
            if (pulses == persisted)
            {
                return;
            }

            try
            {
                _store.Save(new FlowTotalStore.Record(_baseLitres, pulses, _options.PulsesPerLitre));
                Interlocked.Exchange(ref _persistedPulses, pulses);
                if (_supervision.State == SupervisionState.Faulted)
                {
                    _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, "total saved again");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, $"water total cannot be saved to {_store.Path}: {ex.Message}");
            }
        }
    }

    private void Sample()
    {
        SensorReading? reading = null;
        var becameSilent = false;
        var restored = false;
        lock (_sampleLock)
        {
            if (_disposed)
            {
                return;
            }

            var ts = _time.GetTimestamp();
            var pulses = Interlocked.Read(ref _pulses);
            _window[_windowHead] = (ts, pulses);
            _windowHead = (_windowHead + 1) % _window.Length;
            _windowCount = Math.Min(_windowCount + 1, _window.Length);
            var oldest = _window[(_windowHead - _windowCount + _window.Length) % _window.Length];
            var elapsed = _time.GetElapsedTime(oldest.Timestamp, ts);
            var flow = _windowCount < 2 || elapsed <= TimeSpan.Zero
                ? VolumeFlow.Zero
                : VolumeFlow.FromLitersPerMinute((pulses - oldest.Pulses) / _options.PulsesPerLitre / elapsed.TotalMinutes);

            if (pulses != _lastSeenPulses)
            {
                _lastSeenPulses = pulses;
                _lastPulseTimestamp = ts;
                restored = _supervision.State == SupervisionState.Silent;
            }
            else if (_options.SilentAfter is { } silent && _time.GetElapsedTime(_lastPulseTimestamp, ts) >= silent)
            {
                becameSilent = true;
            }

            if (pulses != _lastReportedPulses || flow.LitersPerMinute != _lastReportedFlow.LitersPerMinute)
            {
                _lastReportedPulses = pulses;
                _lastReportedFlow = flow;
                reading = SensorReading.FlowMeter(_options.SensorId, flow, Volume.FromLiters(_baseLitres + (pulses / _options.PulsesPerLitre)), _now());
            }
        }

        if (becameSilent)
        {
            _supervision.Set(SupervisionState.Silent, CareEventKind.SensorSilent, $"no pulse for {_options.SilentAfter}");
        }
        else if (restored)
        {
            _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, "pulses again");
        }

        if (reading is { } r)
        {
            _guard.Deliver(_sink, r);
        }
    }

    /// <summary>Saves the total now (a clean shutdown loses nothing).</summary>
    public void Flush() => PersistIfDue();

    /// <summary>Saves the total, stops counting and releases the pin.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _gpio.UnregisterCallbackForPinValueChangedEvent(_options.Pin, OnPulse);
        PersistIfDue();
        lock (_persistLock)
        {
            lock (_sampleLock)
            {
                _disposed = true;
            }
        }

        _sampleTimer.Dispose();
        _persistTimer.Dispose();
        _gpio.ClosePin(_options.Pin);
    }
}

/// <summary>One meter's total on disk, written atomically: temp file, fsync, rename over the old one.</summary>
internal sealed class FlowTotalStore
{
    private const string Header = "edgegateway-flow-total v1";

    public FlowTotalStore(string directory, string sensorId)
    {
        if (sensorId.IndexOfAny(['/', '\\', '\0']) >= 0 || sensorId is "." or "..")
        {
            throw new ArgumentException($"sensor id '{sensorId}' cannot name a file", nameof(sensorId));
        }

        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"flow-{sensorId}.total");
    }

    public string Path { get; }

    public Record? Load(out string? problem)
    {
        problem = null;
        if (!File.Exists(Path))
        {
            return null;
        }

        var lines = File.ReadAllLines(Path);
        var values = lines.Skip(1).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (lines.Length > 0 && lines[0] == Header
            && values.TryGetValue("litres_before", out var lb) && double.TryParse(lb, NumberStyles.Float, CultureInfo.InvariantCulture, out var litresBefore)
            && values.TryGetValue("pulses", out var p) && long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pulses)
            && values.TryGetValue("pulses_per_litre", out var k) && double.TryParse(k, NumberStyles.Float, CultureInfo.InvariantCulture, out var kFactor)
            && kFactor > 0 && pulses >= 0 && litresBefore >= 0)
        {
            return new Record(litresBefore, pulses, kFactor);
        }

        // Keep the damaged file for the technician instead of silently overwriting the only copy.
        var aside = Path + ".damaged";
        File.Move(Path, aside, overwrite: true);
        problem = $"water total file {Path} is damaged; kept as {aside}, counting restarts from 0 L";
        return null;
    }

    public void Save(Record record)
    {
        var temp = Path + ".tmp";
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{Header}\nlitres_before={record.LitresBefore:R}\npulses={record.Pulses}\npulses_per_litre={record.PulsesPerLitre:R}\n");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }

    internal readonly record struct Record(double LitresBefore, long Pulses, double PulsesPerLitre);
}
