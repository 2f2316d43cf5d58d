using System.Device.Gpio;
using EdgeGateway.Core.Power;

namespace EdgeGateway.Devices.Power;

/// <summary>How a DC-UPS's signal outputs are wired to the Pi (hardware/README.md: relay or open-collector outputs through optocouplers).</summary>
public sealed record DcUpsWiring
{
    /// <summary>The BCM pin the AC-OK output drives.</summary>
    public required int AcOkPin { get; init; }

    /// <summary>True when the pin reads low while mains is present (the optocoupler pulls it down against the pull-up).</summary>
    public bool AcOkActiveLow { get; init; } = true;

    /// <summary>The BCM pin of the battery-low output, where the unit has one.</summary>
    public int? BatteryLowPin { get; init; }

    /// <summary>True when the battery-low pin reads low while the battery is low.</summary>
    public bool BatteryLowActiveLow { get; init; } = true;
}

/// <summary>
/// A DC-UPS (alarm power supply, e.g. Mean Well DRC) seen through its signal outputs: AC-OK and, where present, battery
/// low. It measures no charge, so its battery-low signal is the reserve: the monitor ends the gateway on it.
/// </summary>
public sealed class DcUpsSignals : IPowerSource
{
    private readonly GpioController _gpio;
    private readonly DcUpsWiring _wiring;

    /// <summary>Opens the signal pins as inputs with pull-ups.</summary>
    public DcUpsSignals(GpioController gpio, DcUpsWiring wiring)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(wiring);
        _gpio = gpio;
        _wiring = wiring;
        _gpio.OpenPin(wiring.AcOkPin, PinMode.InputPullUp);
        if (wiring.BatteryLowPin is { } low)
        {
            _gpio.OpenPin(low, PinMode.InputPullUp);
        }
    }

    /// <inheritdoc />
    public string Description =>
        $"DC-UPS signals: AC-OK on GPIO{_wiring.AcOkPin}" + (_wiring.BatteryLowPin is { } low ? $", battery low on GPIO{low}" : "");

    /// <inheritdoc />
    public PowerStatus Read()
    {
        var mains = Active(_wiring.AcOkPin, _wiring.AcOkActiveLow);
        var low = _wiring.BatteryLowPin is { } pin && Active(pin, _wiring.BatteryLowActiveLow);
        return new PowerStatus(mains ? PowerSupply.Mains : PowerSupply.Battery, low ? BatteryCondition.Low : BatteryCondition.Normal);
    }

    private bool Active(int pin, bool activeLow) => (_gpio.Read(pin) == PinValue.Low) == activeLow;

    /// <inheritdoc />
    public void Dispose()
    {
        _gpio.ClosePin(_wiring.AcOkPin);
        if (_wiring.BatteryLowPin is { } low)
        {
            _gpio.ClosePin(low);
        }
    }
}
