using System.Device.Gpio;
using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Devices.Outputs;

/// <summary>An active buzzer switched by a transistor on a GPIO pin; patterns are on/off timings.</summary>
public sealed class GpioBuzzer : IBuzzer, IDisposable
{
    private readonly PatternPlayer _player;
    private readonly Lock _lock = new();

    /// <summary>Opens <paramref name="pin"/> silent (the safe state).</summary>
    public GpioBuzzer(GpioController gpio, int pin, TimeProvider time, bool activeHigh = true)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(time);
        _player = new PatternPlayer(gpio, pin, activeHigh, time);
    }

    /// <inheritdoc />
    public BuzzerPattern Pattern { get; private set; } = BuzzerPattern.Off;

    /// <summary>The on/off timing of a pattern, starting with "on"; each is distinct to the ear.</summary>
    public static TimeSpan[] Timing(BuzzerPattern pattern) => pattern switch
    {
        BuzzerPattern.Off => [],
        BuzzerPattern.PreAlarm => [Ms(100), Ms(100)],
        BuzzerPattern.Alarm => [Ms(600), Ms(200)],
        BuzzerPattern.AlarmAcknowledged => [Ms(1000), Ms(4000)],
        BuzzerPattern.AlarmUndeliverable => [Ms(150), Ms(150), Ms(150), Ms(150), Ms(150), Ms(1500)],
        BuzzerPattern.FaultChirp => [Ms(50), Ms(59_950)],
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "unknown buzzer pattern"),
    };

    /// <inheritdoc />
    public void Set(BuzzerPattern pattern)
    {
        lock (_lock)
        {
            if (pattern == Pattern)
            {
                return;
            }

            _player.Play(Timing(pattern));
            Pattern = pattern;
        }
    }

    /// <summary>Silences the buzzer and releases the pin.</summary>
    public void Dispose() => _player.Dispose();

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}

/// <summary>The status LED on a GPIO pin (through a resistor); patterns are on/off timings.</summary>
public sealed class GpioStatusLed : IStatusLed, IDisposable
{
    private readonly PatternPlayer _player;
    private readonly Lock _lock = new();

    /// <summary>Opens <paramref name="pin"/> dark.</summary>
    public GpioStatusLed(GpioController gpio, int pin, TimeProvider time, bool activeHigh = true)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(time);
        _player = new PatternPlayer(gpio, pin, activeHigh, time);
    }

    /// <inheritdoc />
    public LedPattern Pattern { get; private set; } = LedPattern.Off;

    /// <summary>The on/off timing of a pattern, starting with "on".</summary>
    public static TimeSpan[] Timing(LedPattern pattern) => pattern switch
    {
        LedPattern.Off => [],
        LedPattern.Heartbeat => [Ms(100), Ms(2900)],
        LedPattern.Alarm => [Ms(125), Ms(125)],
        LedPattern.Fault => [Ms(150), Ms(150), Ms(150), Ms(1550)],
        LedPattern.NoUplink => [Ms(1000), Ms(1000)],
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "unknown LED pattern"),
    };

    /// <inheritdoc />
    public void Set(LedPattern pattern)
    {
        lock (_lock)
        {
            if (pattern == Pattern)
            {
                return;
            }

            _player.Play(Timing(pattern));
            Pattern = pattern;
        }
    }

    /// <summary>Darkens the LED and releases the pin.</summary>
    public void Dispose() => _player.Dispose();

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}

/// <summary>
/// The water shut-off: a relay driving a normally-open solenoid valve. De-energised relay = valve open = water on,
/// the safe state at start, on dispose and whenever the gateway dies.
/// </summary>
public sealed class RelayShutOffValve : IShutOffValve, IDisposable
{
    private readonly GpioController _gpio;
    private readonly int _pin;
    private readonly bool _activeHigh;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Opens <paramref name="pin"/> with the relay released. Many relay boards are active-low: pass <paramref name="activeHigh"/> false.</summary>
    public RelayShutOffValve(GpioController gpio, int pin, bool activeHigh = true)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        _gpio = gpio;
        _pin = pin;
        _activeHigh = activeHigh;
        _gpio.OpenPin(pin, PinMode.Output, Level(false));
    }

    /// <inheritdoc />
    public bool IsClosed { get; private set; }

    /// <inheritdoc />
    public void SetClosed(bool closed)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _gpio.Write(_pin, Level(closed));
            IsClosed = closed;
        }
    }

    private PinValue Level(bool energised) => energised == _activeHigh ? PinValue.High : PinValue.Low;

    /// <summary>Releases the relay (valve open) and the pin.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _gpio.Write(_pin, Level(false));
            IsClosed = false;
        }

        _gpio.ClosePin(_pin);
    }
}
