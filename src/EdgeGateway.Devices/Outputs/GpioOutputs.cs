using System.Device.Gpio;
using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Devices.Outputs;

/// <summary>An output on a GPIO pin that plays one of a set of on/off patterns; starts in pattern 0 (off, the safe state).</summary>
/// <typeparam name="TPattern">The pattern enum; its zero value must be "off".</typeparam>
public abstract class GpioPatternOutput<TPattern> : IDisposable
    where TPattern : struct, Enum
{
    private readonly PatternPlayer _player;
    private readonly Func<TPattern, TimeSpan[]> _timing;
    private readonly Lock _lock = new();

    /// <summary>Opens <paramref name="pin"/> in its inactive (safe) level.</summary>
    protected GpioPatternOutput(GpioController gpio, int pin, TimeProvider time, bool activeHigh, Func<TPattern, TimeSpan[]> timing)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(timing);
        _timing = timing;
        _player = new PatternPlayer(gpio, pin, activeHigh, time);
    }

    /// <summary>The pattern now playing.</summary>
    public TPattern Pattern { get; private set; }

    /// <summary>Switches to <paramref name="pattern"/>; setting the current one again changes nothing.</summary>
    public void Set(TPattern pattern)
    {
        lock (_lock)
        {
            if (EqualityComparer<TPattern>.Default.Equals(pattern, Pattern))
            {
                return;
            }

            _player.Play(_timing(pattern));
            Pattern = pattern;
        }
    }

    /// <summary>Drives the pin inactive and releases it.</summary>
    public void Dispose()
    {
        _player.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Milliseconds as a timing step.</summary>
    protected static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}

/// <summary>An active buzzer switched by a transistor on a GPIO pin; patterns are on/off timings.</summary>
public sealed class GpioBuzzer(GpioController gpio, int pin, TimeProvider time, bool activeHigh = true)
    : GpioPatternOutput<BuzzerPattern>(gpio, pin, time, activeHigh, Timing), IBuzzer
{
    /// <summary>The on/off timing of a pattern, starting with "on"; each is distinct to the ear.</summary>
    public static TimeSpan[] Timing(BuzzerPattern pattern) => pattern switch
    {
        BuzzerPattern.Off => [],
        BuzzerPattern.PreAlarm => [Ms(100), Ms(100)],
        BuzzerPattern.Alarm => [Ms(600), Ms(200)],
        BuzzerPattern.AlarmDelivered => [Ms(150), Ms(150), Ms(150), Ms(9550)],
        BuzzerPattern.AlarmTaken => [Ms(1000), Ms(4000)],
        BuzzerPattern.AlarmUndeliverable => [Ms(150), Ms(150), Ms(150), Ms(150), Ms(150), Ms(1500)],
        BuzzerPattern.FaultChirp => [Ms(50), Ms(59_950)],
        BuzzerPattern.Fire => [Ms(500), Ms(500), Ms(500), Ms(500), Ms(500), Ms(1500)],
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "unknown buzzer pattern"),
    };
}

/// <summary>The status LED on a GPIO pin (through a resistor); patterns are on/off timings.</summary>
public sealed class GpioStatusLed(GpioController gpio, int pin, TimeProvider time, bool activeHigh = true)
    : GpioPatternOutput<LedPattern>(gpio, pin, time, activeHigh, Timing), IStatusLed
{
    /// <summary>The on/off timing of a pattern, starting with "on".</summary>
    public static TimeSpan[] Timing(LedPattern pattern) => pattern switch
    {
        LedPattern.Off => [],
        LedPattern.Heartbeat => [Ms(100), Ms(2900)],
        LedPattern.Alarm => [Ms(125), Ms(125)],
        LedPattern.AlarmDelivered => [Ms(750), Ms(250)],
        LedPattern.AlarmTaken => [Ms(1000)],
        LedPattern.Fault => [Ms(150), Ms(150), Ms(150), Ms(1550)],
        LedPattern.NoUplink => [Ms(1000), Ms(1000)],
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "unknown LED pattern"),
    };
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
