using System.Device.Gpio;

namespace EdgeGateway.Devices.Outputs;

/// <summary>Plays an on/off timing sequence on one output pin from a <see cref="TimeProvider"/> timer, and forces the pin off.</summary>
internal sealed class PatternPlayer : IDisposable
{
    private readonly GpioController _gpio;
    private readonly int _pin;
    private readonly bool _activeHigh;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private TimeSpan[] _steps = [];
    private int _index;
    private bool _disposed;

    public PatternPlayer(GpioController gpio, int pin, bool activeHigh, TimeProvider time)
    {
        _gpio = gpio;
        _pin = pin;
        _activeHigh = activeHigh;

        // Drive the inactive level from the first instant the pin is an output.
        _gpio.OpenPin(pin, PinMode.Output, Level(false));
        _timer = time.CreateTimer(_ => Step(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Plays <paramref name="steps"/> (on, off, on, off…) repeatedly; empty means off; one step means steady on.</summary>
    public void Play(TimeSpan[] steps)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _steps = steps;
            _index = 0;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _gpio.Write(_pin, Level(steps.Length > 0));
            if (steps.Length > 1)
            {
                _timer.Change(steps[0], Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Step()
    {
        lock (_lock)
        {
            if (_disposed || _steps.Length < 2)
            {
                return;
            }

            _index = (_index + 1) % _steps.Length;
            _gpio.Write(_pin, Level(_index % 2 == 0));
            _timer.Change(_steps[_index], Timeout.InfiniteTimeSpan);
        }
    }

    private PinValue Level(bool on) => on == _activeHigh ? PinValue.High : PinValue.Low;

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            _gpio.Write(_pin, Level(false));
        }

        _gpio.ClosePin(_pin);
    }
}
