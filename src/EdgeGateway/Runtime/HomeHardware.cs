using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Device.I2c;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Accelerometers;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Modem;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Wearable;

namespace EdgeGateway.Runtime;

/// <summary>What a home runs on: the Pi's GPIO and I2C buses, or their simulated twins. Both go through the same drivers.</summary>
/// <param name="Gpio">The GPIO controller inputs and outputs open their pins on.</param>
/// <param name="OpenAccelerometer">Opens the accelerometer chip a config names, on this hardware's I2C.</param>
/// <param name="OpenPower">Opens the power source a config names, on this hardware's GPIO and I2C.</param>
internal sealed record HomeHardware(GpioController Gpio, Func<AccelerometerConfig, IAccelerometerChip> OpenAccelerometer, Func<PowerConfig, IPowerSource> OpenPower)
{
    /// <summary>The simulated GPIO driver under <see cref="Gpio"/>, when the home is simulated (tests and the demo drive its pins).</summary>
    public SimulatedGpioDriver? SimulatedGpio { get; init; }

    /// <summary>The simulated chips opened so far, by sensor id, when the home is simulated (the demo moves the wearer's body through them).</summary>
    public IReadOnlyDictionary<string, SimulatedI2cRegisterDevice> SimulatedAccelerometers { get; init; } = new Dictionary<string, SimulatedI2cRegisterDevice>();

    /// <summary>Opens the wearable's link a config names: BlueZ over the system bus on a Pi, the simulated wearable on a simulated home.</summary>
    public Func<WearableConfig, Microsoft.Extensions.Logging.ILogger, IWearableLink> OpenWearable { get; init; } = (config, _) => throw new InvalidOperationException($"this hardware has no Bluetooth for wearable {config.SensorId}");

    /// <summary>The simulated wearable, when the home is simulated and has one (the demo moves the wearer's body and presses its button through it).</summary>
    public SimulatedWearable? SimulatedWearable { get; init; }

    /// <summary>The 4G modem, read only when the config has a <c>devices.modem</c>: ModemManager (mmcli on the PATH) on a Pi and on a simulated home alike, since it is a process, not a bus; the demo puts its simulated modem here.</summary>
    public IModemReader? Modem { get; init; }

    /// <summary>The CPU temperature for the board check: Iot.Device.CpuTemperature on a Pi and on a simulated home alike (it reads sysfs); the demo puts its own here.</summary>
    public Func<UnitsNet.Temperature?>? CpuTemperature { get; init; }

    /// <summary>The hardware <paramref name="config"/> names: the real Raspberry Pi, or on <c>simulated: true</c> its simulated twin at rest.</summary>
    public static HomeHardware For(GatewayConfig config, TimeProvider time) =>
        config.Simulated
            ? Simulated(config.Devices, time) with { Modem = new MmcliModem(time) }
            : RaspberryPi() with
            {
                Modem = new MmcliModem(time),
                OpenWearable = (w, logger) => new BlueZWearableLink(new WearableLinkOptions { Address = w.Address!, SensorId = w.SensorId! }, time, logger),
            };

    /// <summary>The real Raspberry Pi: libgpiod through System.Device.Gpio and /dev/i2c-N.</summary>
    public static HomeHardware RaspberryPi()
    {
        var gpio = new GpioController();
        return new(
            gpio,
            config => AccelerometerChips.Find(config).Driver(I2cDevice.Create(new I2cConnectionSettings(config.Bus, config.Address)), config.SampleRateHz),
            config => PowerSources.Open(config, gpio, board: null));
    }

    /// <summary>Simulated GPIO and I2C for <paramref name="devices"/>, with the home at rest: doors shut, cords hanging, the wearer still.</summary>
    public static HomeHardware Simulated(DevicesConfig devices, TimeProvider time)
    {
        // Normally-closed contacts (a shut door) are closed, pulling the pin to the rail opposite its bias; normally-open
        // ones (a hanging cord, an empty mat) are open and read their pull.
        var driver = new SimulatedGpioDriver();
        // A supervision contact is the other side of the changeover: closed while the main one is open.
        var closedLevel = (ContactConfig c) => c.Pull == ContactPull.Up ? PinValue.Low : PinValue.High;
        foreach (var contact in devices.Contacts.Where(c => c is { Pin: not null, Wiring: ContactWiring.NormallyClosed }))
        {
            driver.SetInputLevel(contact.Pin!.Value, closedLevel(contact));
        }

        foreach (var contact in devices.Contacts.Where(c => c is { SupervisionPin: not null, Wiring: ContactWiring.NormallyOpen }))
        {
            driver.SetInputLevel(contact.SupervisionPin!.Value, closedLevel(contact));
        }

        // The UPS at rest: mains present (AC-OK pulls its pin low), the battery full and charging slowly.
        if (devices.Power is { Source: "dc-ups", AcOkPin: { } acOk } ups)
        {
            driver.SetInputLevel(acOk, ups.AcOkActiveLow ? PinValue.Low : PinValue.High);
            if (ups.BatteryLowPin is { } low)
            {
                driver.SetInputLevel(low, ups.BatteryLowActiveLow ? PinValue.High : PinValue.Low);
            }
        }

        var chips = new ConcurrentDictionary<string, SimulatedI2cRegisterDevice>(StringComparer.Ordinal);
        var gpio = new GpioController(driver);
        // Made here, not when opened, so every copy of this record (the demo adds its modem with `with`) shares the one device.
        var wearable = devices.Wearable is { } worn ? new SimulatedWearable(time, worn.SensorId ?? "wearable") : null;
        return new HomeHardware(
            gpio,
            config =>
            {
                var chip = AccelerometerChips.Find(config);
                var simulated = chip.Simulated(time, config.Address);
                chips[config.SensorId ?? ""] = simulated;
                return chip.Driver(simulated, config.SampleRateHz);
            },
            config =>
            {
                I2cDevice? board = config.Source switch
                {
                    "ina219" => new SimulatedIna219(new I2cConnectionSettings(config.Bus, config.EffectiveAddress), UnitsNet.ElectricResistance.FromOhms(config.ShuntOhms))
                    {
                        BusVoltage = UnitsNet.ElectricPotential.FromVolts(4.15 * config.CellsInSeries),
                        Current = UnitsNet.ElectricCurrent.FromMilliamperes(100),
                    },
                    "pijuice" => new SimulatedPiJuice(new I2cConnectionSettings(config.Bus, config.EffectiveAddress)),
                    _ => null,
                };
                return PowerSources.Open(config, gpio, board);
            })
        {
            SimulatedGpio = driver,
            SimulatedAccelerometers = chips,
            SimulatedWearable = wearable,
            OpenWearable = (w, _) => wearable ?? throw new InvalidOperationException($"the simulated home was built without wearable {w.SensorId}"),
        };
    }
}
