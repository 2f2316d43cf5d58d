using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Supervision;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Devices.Contacts;

/// <summary>How the contact is wired.</summary>
public enum ContactWiring
{
    /// <summary>The contact closes when active (a pressed button, an occupied mat).</summary>
    NormallyOpen,

    /// <summary>The contact opens when active (a door reed switch held closed by its magnet); a cut wire then reads as active.</summary>
    NormallyClosed,
}

/// <summary>The pin's bias; the contact pulls the pin to the opposite rail when it closes.</summary>
public enum ContactPull
{
    /// <summary>Pull-up; the contact switches to ground (the usual Pi wiring).</summary>
    Up,

    /// <summary>Pull-down; the contact switches to 3.3 V.</summary>
    Down,
}

/// <summary>Configuration of one GPIO contact input.</summary>
public sealed record ContactInputOptions
{
    /// <summary>The sensor id used in readings and events.</summary>
    public required string SensorId { get; init; }

    /// <summary>What the contact is.</summary>
    public required SensorKind Kind { get; init; }

    /// <summary>BCM GPIO number.</summary>
    public required int Pin { get; init; }

    /// <summary>Bias of the pin.</summary>
    public ContactPull Pull { get; init; } = ContactPull.Up;

    /// <summary>How the contact is wired.</summary>
    public ContactWiring Wiring { get; init; } = ContactWiring.NormallyOpen;

    /// <summary>A change counts only once the level has stayed put this long (reed switches bounce for a few ms).</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>More settled changes than this within one minute mean the contact is flapping (a loose magnet, a broken wire); a help input's presses are reported anyway.</summary>
    public int FlappingMaxChangesPerMinute { get; init; } = 20;

    /// <summary>A flapping contact is trusted again after it has been quiet this long.</summary>
    public TimeSpan FlappingQuietPeriod { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>No settled change for this long reports the input as silent (a bed mat unused for two days); null disables it.</summary>
    public TimeSpan? SilentAfter { get; init; }

    /// <summary>Active without a break for this long is a fault (an always-on PIR, a relay welded shut); null disables it.</summary>
    public TimeSpan? StuckActiveAfter { get; init; }

    /// <summary>
    /// BCM GPIO of the device's complementary contact (the NC side of a changeover relay whose NO side is on <see cref="Pin"/>),
    /// for wire-cut supervision: exactly one of the two is closed in every healthy state, so both open (a cut cable, the
    /// device unplugged) or both closed (a short) is a fault, never an all-clear. Null: one wire, unsupervised.
    /// </summary>
    public int? SupervisionPin { get; init; }
}

/// <summary>
/// A debounced, edge-driven contact on a GPIO pin; reports each settled change as a <see cref="SensorReading"/>,
/// and its health (flapping, silent, unreadable) as <see cref="SupervisionChange"/>s.
/// </summary>
/// <remarks>
/// <para>A flapping contact would flood the alarm loop and the centre, so once it changes more than
/// <see cref="ContactInputOptions.FlappingMaxChangesPerMinute"/> times in a minute its readings are withheld and one
/// SensorFlapping report goes out; after <see cref="ContactInputOptions.FlappingQuietPeriod"/> without a change it
/// reports SensorRestored and, if the contact ended up in another state than last reported, that state.</para>
/// <para>An input that calls for help or carries a safety device's alarm (<see cref="SensorKindExtensions.NeverWithheld"/>)
/// is the exception: a frightened resident pulls the cord again and again, a smoke relay may chatter, so its flapping is
/// reported the same way but every change still reaches the sink.</para>
/// <para>Wire-cut supervision (<see cref="ContactInputOptions.SupervisionPin"/>): while the two contacts of a changeover
/// relay agree, the line is cut or shorted: one SensorFault, no reading (the rules keep the last trusted state, so a cut
/// cable is never read as "no smoke"), then SensorRestored and the state it came back in. An input active longer than
/// <see cref="ContactInputOptions.StuckActiveAfter"/> is reported faulty the same way (SensorFault, then SensorRestored
/// when it releases).</para>
/// <para>The debounce runs on a dedicated thread on the system clock and on the provider's timer otherwise
/// (Contacts/README.md). A sink that throws is logged with the sensor id and counted (<see cref="SinkFailures"/>);
/// the input keeps working.</para>
/// </remarks>
public sealed class ContactInput : ISupervisedInput, IDisposable
{
    private static readonly TimeSpan FlappingWindow = TimeSpan.FromMinutes(1);

    private readonly GpioController _gpio;
    private readonly ContactInputOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<EventTime> _now;
    private readonly Action<SensorReading> _sink;
    private readonly SupervisionTracker _supervision;
    private readonly SinkGuard _guard;
    private readonly Debouncer _debouncer;
    private readonly ITimer _quietTimer;
    private readonly ITimer _silenceTimer;
    private readonly ITimer _stuckTimer;
    private readonly Queue<long> _recentChanges = new();
    private readonly Lock _lock = new();
    private bool _reported;
    private bool _settled;
    private bool _flapping;
    private bool _lineFault;
    private bool _stuck;
    private bool _disposed;

    /// <summary>Opens the pin, reports the initial state, and starts listening for edges.</summary>
    /// <param name="gpio">The controller that owns the pin (shared; not disposed here).</param>
    /// <param name="options">Pin and behaviour.</param>
    /// <param name="time">Clock for debounce, flapping and silence windows.</param>
    /// <param name="now">Stamps readings.</param>
    /// <param name="sink">Receives each settled, trusted change.</param>
    /// <param name="supervision">Receives each change of supervision state; may be null.</param>
    /// <param name="logger">Where a throwing sink is reported; may be null.</param>
    public ContactInput(
        GpioController gpio,
        ContactInputOptions options,
        TimeProvider time,
        Func<EventTime> now,
        Action<SensorReading> sink,
        Action<SupervisionChange>? supervision = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FlappingMaxChangesPerMinute, 1, nameof(options.FlappingMaxChangesPerMinute));
        _gpio = gpio;
        _options = options;
        _time = time;
        _now = now;
        _sink = sink;
        _guard = new SinkGuard(options.SensorId, logger);
        _supervision = new SupervisionTracker(options.SensorId, options.Kind, now, supervision, _guard);
        _supervision.Changed += c => StateChanged?.Invoke(c);
        _quietTimer = time.CreateTimer(_ => _guard.Run("flapping quiet period", QuietPeriodOver), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _silenceTimer = time.CreateTimer(_ => _guard.Run("silence supervision", SilencePeriodOver), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stuckTimer = time.CreateTimer(_ => _guard.Run("stuck supervision", StuckPeriodOver), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var mode = options.Pull == ContactPull.Up ? PinMode.InputPullUp : PinMode.InputPullDown;
        _gpio.OpenPin(options.Pin, mode);
        if (options.SupervisionPin is { } supervisionPin)
        {
            _gpio.OpenPin(supervisionPin, mode);
        }

        _reported = _settled = ReadActive();
        if (LineProblem() is { } problem)
        {
            // Cut at start-up: no state to report, only the fault; the first healthy reading comes when it is mended.
            _lineFault = true;
            _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, problem);
        }
        else
        {
            _guard.Deliver(_sink, Reading(_reported));
            ArmStuck(_reported);
        }

        ArmSilence();
        _debouncer = Debouncer.Create(time, options.Debounce, () => _guard.Run("debounce", Settle), options.SensorId);
        try
        {
            _gpio.RegisterCallbackForPinValueChangedEvent(options.Pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
            if (options.SupervisionPin is { } pin)
            {
                _gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
            }
        }
        catch
        {
            // The caller never gets an object to dispose: the debounce thread must not outlive the failed constructor.
            _debouncer.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public event Action<SupervisionChange>? StateChanged;

    /// <inheritdoc />
    public string SensorId => _options.SensorId;

    /// <inheritdoc />
    public SupervisionState State => _supervision.State;

    /// <summary>Readings and supervision changes whose sink threw (each logged with the sensor id).</summary>
    public long SinkFailures => _guard.Failures;

    /// <summary>The debounce's own thread on the system clock; null when the time provider's timer debounces.</summary>
    internal Thread? DebounceThread => _debouncer.TimingThread;

    /// <summary>The last reported state: open, occupied or pressed.</summary>
    public bool Active
    {
        get
        {
            lock (_lock)
            {
                return _reported;
            }
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e) => _debouncer.Edge();

    private void Settle()
    {
        SensorReading? reading = null;
        var startedFlapping = 0;
        var restoredFromSilence = false;
        var mended = false;
        var unstuck = false;
        bool active;
        string? lineProblem;
        try
        {
            active = ReadActive();
            lineProblem = LineProblem();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, $"GPIO {_options.Pin} cannot be read: {ex.Message}");
            return;
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (lineProblem is not null)
            {
                // Neither "active" nor "idle" can be trusted: nothing reaches the rules, the last state stands.
                _lineFault = true;
                _stuckTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            else
            {
                mended = _lineFault;
                _lineFault = false;
                if (active != _settled)
                {
                    reading = Change(active, out startedFlapping, out restoredFromSilence, out unstuck);
                }
                else if (mended)
                {
                    ArmStuck(_reported);
                }
            }
        }

        if (lineProblem is not null)
        {
            _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, lineProblem);
            return;
        }

        if (mended)
        {
            _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, "the two contacts differ again: the line is whole");
        }

        if (unstuck)
        {
            _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, "released after being stuck on");
        }

        // The press first: the alarm matters more than the report about the cord.
        if (reading is { } r)
        {
            if (restoredFromSilence && _supervision.State != SupervisionState.Alive)
            {
                _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, "contact changed again");
            }

            _guard.Deliver(_sink, r);
        }

        if (startedFlapping > 0)
        {
            var consequence = _options.Kind.NeverWithheld()
                ? "every change still reaches the rules (a help input or a safety device's alarm is never withheld)"
                : $"readings withheld until quiet for {_options.FlappingQuietPeriod}";
            _supervision.Set(
                SupervisionState.Faulted,
                CareEventKind.SensorFlapping,
                $"{startedFlapping} changes within {FlappingWindow.TotalSeconds:0} s (limit {_options.FlappingMaxChangesPerMinute}); {consequence}");
        }
    }

    /// <summary>A settled change to <paramref name="active"/>; runs under the lock and returns the reading to deliver, if any.</summary>
    private SensorReading? Change(bool active, out int startedFlapping, out bool restoredFromSilence, out bool unstuck)
    {
        startedFlapping = 0;
        restoredFromSilence = false;
        unstuck = false;
        _settled = active;
        var nowTs = _time.GetTimestamp();
        _recentChanges.Enqueue(nowTs);
        while (_recentChanges.Count > 0 && _time.GetElapsedTime(_recentChanges.Peek(), nowTs) >= FlappingWindow)
        {
            _recentChanges.Dequeue();
        }

        if (_flapping)
        {
            _quietTimer.Change(_options.FlappingQuietPeriod, Timeout.InfiniteTimeSpan);
        }
        else if (_recentChanges.Count > _options.FlappingMaxChangesPerMinute)
        {
            _flapping = true;
            startedFlapping = _recentChanges.Count;
            _quietTimer.Change(_options.FlappingQuietPeriod, Timeout.InfiniteTimeSpan);
        }

        ArmSilence();
        if (_flapping && !_options.Kind.NeverWithheld())
        {
            return null;
        }

        _reported = active;
        restoredFromSilence = !_flapping && !_stuck;
        unstuck = ArmStuck(active);
        return Reading(active);
    }

    private void QuietPeriodOver()
    {
        SensorReading? reading = null;
        lock (_lock)
        {
            if (_disposed || !_flapping || _lineFault)
            {
                return;
            }

            _flapping = false;
            _recentChanges.Clear();
            if (_settled != _reported)
            {
                _reported = _settled;
                reading = Reading(_settled);
                _ = ArmStuck(_settled);
            }
        }

        _supervision.Set(SupervisionState.Alive, CareEventKind.SensorRestored, $"no change for {_options.FlappingQuietPeriod}");
        if (reading is { } r)
        {
            _guard.Deliver(_sink, r);
        }
    }

    private void SilencePeriodOver()
    {
        lock (_lock)
        {
            if (_disposed || _flapping || _lineFault || _stuck)
            {
                return;
            }
        }

        _supervision.Set(SupervisionState.Silent, CareEventKind.SensorSilent, $"no change for {_options.SilentAfter}");
    }

    private void StuckPeriodOver()
    {
        lock (_lock)
        {
            if (_disposed || _lineFault || !_reported)
            {
                return;
            }

            _stuck = true;
        }

        _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, $"active for {_options.StuckActiveAfter} without a break: stuck on (an always-on PIR, a welded relay)");
    }

    /// <summary>Arms the stuck-active check when <paramref name="active"/>, else ends it; under the lock. True when that ended a stuck fault (to report outside the lock).</summary>
    private bool ArmStuck(bool active)
    {
        if (_options.StuckActiveAfter is not { } after)
        {
            return false;
        }

        if (active)
        {
            _stuckTimer.Change(after, Timeout.InfiniteTimeSpan);
            return false;
        }

        _stuckTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var wasStuck = _stuck;
        _stuck = false;
        return wasStuck;
    }

    /// <summary>Why the line cannot be trusted (both contacts of the changeover agree), or null; always null for a one-wire input.</summary>
    private string? LineProblem()
    {
        if (_options.SupervisionPin is not { } pin)
        {
            return null;
        }

        var mainClosed = Closed(_gpio.Read(_options.Pin));
        var supervisionClosed = Closed(_gpio.Read(pin));
        return mainClosed == supervisionClosed
            ? mainClosed
                ? $"GPIO {_options.Pin} and its supervision contact on GPIO {pin} are both closed: a short circuit on the line"
                : $"GPIO {_options.Pin} and its supervision contact on GPIO {pin} are both open: the cable is cut or the device unplugged"
            : null;
    }

    private bool Closed(PinValue level) => _options.Pull == ContactPull.Up ? level == PinValue.Low : level == PinValue.High;

    private void ArmSilence()
    {
        if (_options.SilentAfter is { } silent)
        {
            _silenceTimer.Change(silent, Timeout.InfiniteTimeSpan);
        }
    }

    private bool ReadActive()
    {
        var contactClosed = Closed(_gpio.Read(_options.Pin));
        return _options.Wiring == ContactWiring.NormallyOpen ? contactClosed : !contactClosed;
    }

    private SensorReading Reading(bool active) => SensorReading.Contact(_options.SensorId, _options.Kind, active, _now());

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // No edge may reach the debouncer once it is gone.
        _gpio.UnregisterCallbackForPinValueChangedEvent(_options.Pin, OnEdge);
        if (_options.SupervisionPin is { } pin)
        {
            _gpio.UnregisterCallbackForPinValueChangedEvent(pin, OnEdge);
        }

        _debouncer.Dispose();
        _quietTimer.Dispose();
        _silenceTimer.Dispose();
        _stuckTimer.Dispose();
        _gpio.ClosePin(_options.Pin);
        if (_options.SupervisionPin is { } closing)
        {
            _gpio.ClosePin(closing);
        }
    }
}
