using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// The wearable as one of the home's inputs: pumps its samples into the fall detector on one reader, turns a button press
/// into a help call, and supervises it as a social alarm supervises its pendant — no samples for
/// <see cref="WearableInputOptions.LostAfter"/> is <see cref="CareEventKind.WearableLost"/> (and restored), a low cell
/// is <see cref="CareEventKind.WearableBatteryLow"/>, a nearly empty one <see cref="CareEventKind.WearableBatteryCritical"/>.
/// </summary>
/// <remarks>
/// Samples and notices are read on two tasks of their own, so a help press never waits behind the detector. The sinks
/// only post to the alarm loop (never block); one that throws is logged and counted, and the input carries on. Lost is
/// judged on a one-second timer from the last sample's monotonic time, so a link that looks connected but carries
/// nothing (a wearable wedged, a radio that stopped notifying) is caught as surely as one that dropped.
/// </remarks>
public sealed class WearableInput : IDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly IWearableLink _link;
    private readonly WearableInputOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<AccelerationSample> _samples;
    private readonly Action<string> _help;
    private readonly Action<CareEventKind, string> _technical;
    private readonly SinkGuard _guard;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private Task? _samplePump;
    private Task? _noticePump;
    private long _lastSampleStamp;
    private long _lostSince;
    private long _samplesSeen;
    private long _lostAtLoss;
    private long _seenAtLoss;
    private bool _lost;
    private bool _paused;
    private WearableBattery _battery = WearableBattery.Unknown;
    private int _disposed;

    /// <summary>Creates the input over <paramref name="link"/>; <see cref="Start"/> starts it.</summary>
    /// <param name="link">The BLE link or the simulated wearable; this input owns it.</param>
    /// <param name="options">The supervision thresholds (validated).</param>
    /// <param name="time">The clock supervision runs on.</param>
    /// <param name="samples">Every sample, in order, from one task (the fall detector's feed).</param>
    /// <param name="help">A button press (the argument says where it came from).</param>
    /// <param name="technical">A supervision event to raise, with its message.</param>
    /// <param name="logger">Where a sink that threw is logged.</param>
    public WearableInput(IWearableLink link, WearableInputOptions options, TimeProvider time, Action<AccelerationSample> samples, Action<string> help, Action<CareEventKind, string> technical, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(help);
        ArgumentNullException.ThrowIfNull(technical);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _link = link;
        _options = options;
        _time = time;
        _samples = samples;
        _help = help;
        _technical = technical;
        _guard = new SinkGuard(options.SensorId, logger ?? NullLogger.Instance, time);
    }

    /// <summary>Every sample as it reaches the detector (the console's walk test watches for a shake); raised on the sample task, must not block.</summary>
    public event Action<AccelerationSample>? SampleSeen;

    /// <summary>Every help press, reboot and battery level; raised on the notice task, must not block.</summary>
    public event Action<WearableNotice>? NoticeSeen;

    /// <summary>The sensor id.</summary>
    public string SensorId => _options.SensorId;

    /// <summary>The link (state, battery, stream counters).</summary>
    public IWearableLink Link => _link;

    /// <summary>The supervision thresholds.</summary>
    public WearableInputOptions Options => _options;

    /// <summary>True while <see cref="CareEventKind.WearableLost"/> stands (no samples for the supervision time).</summary>
    public bool IsLost
    {
        get
        {
            lock (_lock)
            {
                return _lost;
            }
        }
    }

    /// <summary>The cell as last judged.</summary>
    public WearableBattery Battery
    {
        get
        {
            lock (_lock)
            {
                return _battery;
            }
        }
    }

    /// <summary>Samples handed to the detector since start.</summary>
    public long SamplesSeen => Interlocked.Read(ref _samplesSeen);

    /// <summary>How long ago the last sample arrived, or null before the first.</summary>
    public TimeSpan? SinceLastSample => Interlocked.Read(ref _samplesSeen) == 0 ? null : _time.GetElapsedTime(Interlocked.Read(ref _lastSampleStamp));

    /// <summary>Samples that will never reach the detector: gaps the wearable's ring could not fill, and samples dropped because the detector fell behind.</summary>
    public long LostSamples => _link.Stream.LostSamples + _link.DroppedSamples;

    /// <summary>Starts the link, the readers and the supervision timer; the lost time counts from here.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_timer is not null)
        {
            return;
        }

        Interlocked.Exchange(ref _lastSampleStamp, _time.GetTimestamp());
        _link.Start();
        _samplePump = Task.Run(() => PumpSamplesAsync(_stop.Token));
        _noticePump = Task.Run(() => PumpNoticesAsync(_stop.Token));
        _timer = _time.CreateTimer(_ => _guard.Run("supervision", Check), null, CheckEvery, CheckEvery);
    }

    /// <summary>Stops judging the wearable lost while samples are held back on purpose (the demo runs its clock faster than a wearable streams); <see cref="Resume"/> starts the lost time afresh.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
        }
    }

    /// <summary>Judges the wearable again, counting the lost time from now.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _paused = false;
            Interlocked.Exchange(ref _lastSampleStamp, _time.GetTimestamp());
        }
    }

    private async Task PumpSamplesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var sample in _link.Samples.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _lastSampleStamp, _time.GetTimestamp());
                Interlocked.Increment(ref _samplesSeen);
                _guard.Deliver(_samples, sample);
                _guard.Deliver(SampleSeen, sample);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task PumpNoticesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var notice in _link.Notices.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (notice.Kind)
                {
                    case WearableNoticeKind.Help:
                        _guard.Deliver(_help, $"{SensorId} button pressed");
                        break;
                    case WearableNoticeKind.Battery:
                        JudgeBattery(notice.Value);
                        break;
                }

                _guard.Deliver(NoticeSeen, notice);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void JudgeBattery(int percent)
    {
        (CareEventKind Kind, string Message)? change = null;
        lock (_lock)
        {
            if (percent <= _options.BatteryCriticalPercent && _battery != WearableBattery.Critical)
            {
                _battery = WearableBattery.Critical;
                change = (CareEventKind.WearableBatteryCritical, $"{SensorId} battery {percent} %: change its cell today; when it is empty, falls go undetected");
            }
            else if (percent <= _options.BatteryLowPercent && _battery is WearableBattery.Unknown or WearableBattery.Ok)
            {
                _battery = WearableBattery.Low;
                change = (CareEventKind.WearableBatteryLow, $"{SensorId} battery {percent} %: plan a cell change");
            }
            else if (percent >= _options.BatteryLowPercent + _options.BatteryRestoreMargin && _battery is not WearableBattery.Ok)
            {
                var was = _battery;
                _battery = WearableBattery.Ok;
                if (was is WearableBattery.Low or WearableBattery.Critical)
                {
                    change = (CareEventKind.WearableBatteryRestored, $"{SensorId} battery {percent} %: the cell has been changed or charged");
                }
            }
            else if (_battery == WearableBattery.Unknown)
            {
                // Between low and low + margin at the first reading: not low, and no restore to announce.
                _battery = WearableBattery.Ok;
            }
        }

        if (change is { } c)
        {
            _guard.Run("battery", () => _technical(c.Kind, c.Message));
        }
    }

    private void Check()
    {
        (CareEventKind Kind, string Message)? change = null;
        lock (_lock)
        {
            if (_paused)
            {
                return;
            }

            var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastSampleStamp));
            if (!_lost && silent >= _options.LostAfter)
            {
                _lost = true;
                _lostSince = Interlocked.Read(ref _lastSampleStamp);
                _lostAtLoss = LostSamples;
                _seenAtLoss = Interlocked.Read(ref _samplesSeen);
                var status = _link.Status;
                var what = Interlocked.Read(ref _samplesSeen) == 0 ? "no samples since the gateway started" : $"no samples for {silent.TotalSeconds:0} s";
                change = (CareEventKind.WearableLost, $"{SensorId}: {what}; falls are not detected (link {Describe(status.State)}: {status.Reason})");
            }
            else if (_lost && Interlocked.Read(ref _samplesSeen) > _seenAtLoss)
            {
                _lost = false;
                var gap = _time.GetElapsedTime(_lostSince) - silent;
                var lost = LostSamples - _lostAtLoss;
                change = (CareEventKind.WearableRestored, string.Create(CultureInfo.InvariantCulture, $"{SensorId}: samples again after {gap.TotalSeconds:0} s; {lost} samples not recovered"));
            }
        }

        if (change is { } c)
        {
            _technical(c.Kind, c.Message);
        }
    }

    /// <summary>The link state as the console and the heartbeat spell it.</summary>
    public static string Describe(WearableLinkState state) => state switch
    {
        WearableLinkState.Connected => "connected",
        WearableLinkState.Searching => "searching",
        WearableLinkState.NotFound => "not-found",
        _ => "bluez-missing",
    };

    /// <summary>Stops the readers and the timer and disconnects the link.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        _stop.Cancel();
        // The link completes its channels on dispose, which ends the pumps even if they were between reads.
        _link.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            Task.WaitAll([.. new[] { _samplePump, _noticePump }.OfType<Task>()], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A pump that faulted has been logged by its guard; disposal must finish regardless.
        }

        _stop.Dispose();
    }
}
