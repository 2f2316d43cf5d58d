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
/// <para>An input that calls for help (<see cref="SensorKindExtensions.CallsForHelp"/>) is the exception: a frightened
/// resident pulls the cord again and again, so its flapping is reported the same way but every press still reaches the
/// sink.</para>
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
    private readonly Queue<long> _recentChanges = new();
    private readonly Lock _lock = new();
    private bool _reported;
    private bool _settled;
    private bool _flapping;
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
        _gpio.OpenPin(options.Pin, options.Pull == ContactPull.Up ? PinMode.InputPullUp : PinMode.InputPullDown);
        _reported = _settled = ReadActive();
        _guard.Deliver(_sink, Reading(_reported));
        ArmSilence();
        _debouncer = Debouncer.Create(time, options.Debounce, () => _guard.Run("debounce", Settle), options.SensorId);
        try
        {
            _gpio.RegisterCallbackForPinValueChangedEvent(options.Pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
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
        bool active;
        try
        {
            active = ReadActive();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            _supervision.Set(SupervisionState.Faulted, CareEventKind.SensorFault, $"GPIO {_options.Pin} cannot be read: {ex.Message}");
            return;
        }

        lock (_lock)
        {
            if (_disposed || active == _settled)
            {
                return;
            }

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

            if (!_flapping || _options.Kind.CallsForHelp())
            {
                _reported = active;
                reading = Reading(active);
                restoredFromSilence = !_flapping;
            }

            ArmSilence();
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
            var consequence = _options.Kind.CallsForHelp()
                ? "every press still raises an alarm (a help input is never withheld)"
                : $"readings withheld until quiet for {_options.FlappingQuietPeriod}";
            _supervision.Set(
                SupervisionState.Faulted,
                CareEventKind.SensorFlapping,
                $"{startedFlapping} changes within {FlappingWindow.TotalSeconds:0} s (limit {_options.FlappingMaxChangesPerMinute}); {consequence}");
        }
    }

    private void QuietPeriodOver()
    {
        SensorReading? reading = null;
        lock (_lock)
        {
            if (_disposed || !_flapping)
            {
                return;
            }

            _flapping = false;
            _recentChanges.Clear();
            if (_settled != _reported)
            {
                _reported = _settled;
                reading = Reading(_settled);
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
            if (_disposed || _flapping)
            {
                return;
            }
        }

        _supervision.Set(SupervisionState.Silent, CareEventKind.SensorSilent, $"no change for {_options.SilentAfter}");
    }

    private void ArmSilence()
    {
        if (_options.SilentAfter is { } silent)
        {
            _silenceTimer.Change(silent, Timeout.InfiniteTimeSpan);
        }
    }

    private bool ReadActive()
    {
        var level = _gpio.Read(_options.Pin);
        var contactClosed = _options.Pull == ContactPull.Up ? level == PinValue.Low : level == PinValue.High;
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
        _debouncer.Dispose();
        _quietTimer.Dispose();
        _silenceTimer.Dispose();
        _gpio.ClosePin(_options.Pin);
    }
}
