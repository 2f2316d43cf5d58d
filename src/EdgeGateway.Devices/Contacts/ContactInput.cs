using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

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
}

/// <summary>A debounced, edge-driven contact on a GPIO pin; reports each settled change as a <see cref="SensorReading"/>.</summary>
public sealed class ContactInput : IDisposable
{
    private readonly GpioController _gpio;
    private readonly ContactInputOptions _options;
    private readonly Func<EventTime> _now;
    private readonly Action<SensorReading> _sink;
    private readonly ITimer _debounceTimer;
    private readonly Lock _lock = new();
    private bool _reported;
    private bool _disposed;

    /// <summary>Opens the pin, reports the initial state, and starts listening for edges.</summary>
    public ContactInput(GpioController gpio, ContactInputOptions options, TimeProvider time, Func<EventTime> now, Action<SensorReading> sink)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(sink);
        _gpio = gpio;
        _options = options;
        _now = now;
        _sink = sink;
        _debounceTimer = time.CreateTimer(_ => Settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _gpio.OpenPin(options.Pin, options.Pull == ContactPull.Up ? PinMode.InputPullUp : PinMode.InputPullDown);
        _reported = ReadActive();
        _sink(Reading(_reported));
        _gpio.RegisterCallbackForPinValueChangedEvent(options.Pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
    }

    /// <summary>The last settled state: open, occupied or pressed.</summary>
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

    private void OnEdge(object sender, PinValueChangedEventArgs e) =>
        _debounceTimer.Change(_options.Debounce, Timeout.InfiniteTimeSpan);

    private void Settle()
    {
        SensorReading reading;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var active = ReadActive();
            if (active == _reported)
            {
                return;
            }

            _reported = active;
            reading = Reading(active);
        }

        _sink(reading);
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

        _debounceTimer.Dispose();
        _gpio.UnregisterCallbackForPinValueChangedEvent(_options.Pin, OnEdge);
        _gpio.ClosePin(_options.Pin);
    }
}
