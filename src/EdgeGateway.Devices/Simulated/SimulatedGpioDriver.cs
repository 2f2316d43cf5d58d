using System.Device.Gpio;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// A pin-level GPIO driver for tests and the demo: the real <see cref="GpioController"/> runs on top of it,
/// and the "outside world" drives input levels with <see cref="SetInputLevel"/>.
/// </summary>
/// <remarks>
/// Follows the electrical behaviour of a Pi pin: an undriven input reads its pull (up → high, down → low,
/// none → low), an output reads back what was written, and edge callbacks fire only on real level changes.
/// </remarks>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, SimPin> _pins = [];

    /// <summary>Creates a driver with <paramref name="pinCount"/> pins (the Pi header exposes BCM 0–27).</summary>
    public SimulatedGpioDriver(int pinCount = 28) => PinCount = pinCount;

    /// <inheritdoc />
    protected override int PinCount { get; }

    /// <summary>Raised when software writes an output pin (for observing buzzers, LEDs and relays).</summary>
    public event Action<int, PinValue>? OutputWritten;

    /// <summary>Drives an input pin from outside (a contact closing, a pulse); null releases it to its pull.</summary>
    public void SetInputLevel(int pin, PinValue? level)
    {
        List<(PinEventTypes, PinChangeEventHandler)> toCall;
        PinEventTypes edge;
        lock (_lock)
        {
            var p = GetOrAdd(pin);
            var before = LevelOf(p);
            p.External = level;
            var after = LevelOf(p);
            if (before == after)
            {
                return;
            }

            edge = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            toCall = p.Callbacks.Where(c => (c.Types & edge) != 0).ToList();
        }

        var args = new PinValueChangedEventArgs(edge, pin);
        foreach (var (_, handler) in toCall)
        {
            handler(this, args);
        }
    }

    /// <summary>The level a pin shows now.</summary>
    public PinValue GetLevel(int pin)
    {
        lock (_lock)
        {
            return LevelOf(GetOrAdd(pin));
        }
    }

    /// <summary>True while the pin is opened by a controller.</summary>
    public bool IsOpen(int pin)
    {
        lock (_lock)
        {
            return _pins.TryGetValue(pin, out var p) && p.Open;
        }
    }

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            GetOrAdd(pinNumber).Open = true;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_lock)
        {
            if (_pins.TryGetValue(pinNumber, out var p))
            {
                p.Open = false;
                p.Callbacks.Clear();
                p.Mode = PinMode.Input;
            }
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        CheckPin(pinNumber);
        lock (_lock)
        {
            GetOrAdd(pinNumber).Mode = mode;
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_lock)
        {
            return GetOrAdd(pinNumber).Mode;
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber) => GetLevel(pinNumber);

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_lock)
        {
            var p = GetOrAdd(pinNumber);
            if (p.Mode != PinMode.Output)
            {
                throw new InvalidOperationException($"GPIO {pinNumber} is {p.Mode}, not an output");
            }

            p.OutputValue = value;
        }

        OutputWritten?.Invoke(pinNumber, value);
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var fired = new ManualResetEventSlim();
        var type = PinEventTypes.None;
        void Handler(object sender, PinValueChangedEventArgs e)
        {
            type = e.ChangeType;
            fired.Set();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, Handler);
        try
        {
            fired.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = type, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, Handler);
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            GetOrAdd(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_lock)
        {
            GetOrAdd(pinNumber).Callbacks.RemoveAll(c => c.Item2 == callback);
        }
    }

    private void CheckPin(int pin)
    {
        if (pin < 0 || pin >= PinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"GPIO {pin} does not exist: this driver has pins 0–{PinCount - 1}");
        }
    }

    private SimPin GetOrAdd(int pin)
    {
        if (!_pins.TryGetValue(pin, out var p))
        {
            p = new SimPin();
            _pins.Add(pin, p);
        }

        return p;
    }

    private static PinValue LevelOf(SimPin p) => p.Mode switch
    {
        PinMode.Output => p.OutputValue,
        PinMode.InputPullUp => p.External ?? PinValue.High,
        _ => p.External ?? PinValue.Low,
    };

    private sealed class SimPin
    {
        public bool Open { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue OutputValue { get; set; } = PinValue.Low;

        public PinValue? External { get; set; }

        public List<(PinEventTypes Types, PinChangeEventHandler Handler)> Callbacks { get; } = [];
    }
}
