using System.Device.I2c;
using EdgeGateway.Core.Power;
using Iot.Device.Adc;
using UnitsNet;

namespace EdgeGateway.Devices.Power;

/// <summary>How an INA219-based UPS HAT is built (Waveshare UPS HAT: 0x42, two 18650 cells, 0.1 Ω shunt).</summary>
public sealed record Ina219HatOptions
{
    /// <summary>The I2C bus number.</summary>
    public int Bus { get; init; } = 1;

    /// <summary>The INA219's address.</summary>
    public int Address { get; init; } = 0x42;

    /// <summary>Li-ion cells in series in the pack.</summary>
    public int CellsInSeries { get; init; } = 2;

    /// <summary>The shunt resistor between the pack and the load.</summary>
    public ElectricResistance Shunt { get; init; } = ElectricResistance.FromOhms(0.1);

    /// <summary>A draw beyond this (out of the pack) means mains is gone; below it the charger carries the Pi.</summary>
    public ElectricCurrent DischargeThreshold { get; init; } = ElectricCurrent.FromMilliamperes(50);
}

/// <summary>
/// An INA219 UPS HAT through the Iot.Device.Bindings driver (<see cref="Ina219"/>), with two workarounds pinned by tests
/// (Devices/Power/README.md): the binding reads the signed current and shunt-voltage registers as unsigned, so a pack
/// discharging at 0.5 A reads as about +6.5 A (and a power cut would look like fast charging), and its
/// <c>ShuntAdcResolutionOrSamples</c> setter writes the bus ADC field, so it is never called here.
/// </summary>
public sealed class Ina219UpsHat : IPowerSource
{
    // 3.2 A full scale over 15 bits, rounded to 100 µA; calibration per datasheet equation 1: trunc(0.04096 / (LSB × R)).
    private static readonly ElectricCurrent CurrentLsb = ElectricCurrent.FromMicroamperes(100);
    private readonly Ina219 _ina;
    private readonly Ina219HatOptions _options;

    /// <summary>Configures the INA219 on <paramref name="device"/>: 16 V bus range, ±320 mV shunt, 12-bit bus ADC, calibrated for the shunt.</summary>
    public Ina219UpsHat(I2cDevice device, Ina219HatOptions options)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _ina = new Ina219(device);
        _ina.Reset();
        _ina.BusVoltageRange = Ina219BusVoltageRange.Range16v;
        _ina.PgaSensitivity = Ina219PgaSensitivity.PlusOrMinus320mv;
        _ina.BusAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc12Bit;
        _ina.SetCalibration(Calibration(options.Shunt), (float)CurrentLsb.Amperes);
    }

    /// <inheritdoc />
    public string Description => $"INA219 UPS HAT at 0x{_options.Address:X2} on I2C bus {_options.Bus} ({_options.CellsInSeries} cells)";

    /// <summary>The calibration register value for <paramref name="shunt"/> at the fixed current LSB.</summary>
    internal static ushort Calibration(ElectricResistance shunt) => (ushort)(0.04096 / (CurrentLsb.Amperes * shunt.Ohms));

    /// <summary>The binding's current, made signed again: it reads the two's-complement register as unsigned.</summary>
    internal static ElectricCurrent SignedCurrent(ElectricCurrent fromBinding) =>
        ElectricCurrent.FromAmperes(Signed(fromBinding.Amperes / CurrentLsb.Amperes) * CurrentLsb.Amperes);

    /// <summary>The binding's shunt voltage, made signed again (LSB 10 µV).</summary>
    internal static ElectricPotential SignedShuntVoltage(ElectricPotential fromBinding) =>
        ElectricPotential.FromMicrovolts(Signed(fromBinding.Microvolts / 10) * 10);

    private static double Signed(double registerValue)
    {
        var raw = (int)Math.Round(registerValue);
        return raw >= 0x8000 ? raw - 0x10000 : raw;
    }

    /// <inheritdoc />
    public PowerStatus Read()
    {
        ElectricPotential pack;
        ElectricCurrent current;
        try
        {
            pack = _ina.ReadBusVoltage();
            current = SignedCurrent(_ina.ReadCurrent());
        }
        catch (IOException ex)
        {
            return PowerStatus.Unreadable($"INA219 at 0x{_options.Address:X2} does not answer: {ex.Message}");
        }

        if (!LithiumPack.IsPlausible(pack, _options.CellsInSeries))
        {
            return new PowerStatus(PowerSupply.Unknown, BatteryCondition.Missing, BatteryVoltage: pack, BatteryCurrent: current,
                Fault: System.FormattableString.Invariant($"pack voltage {pack.Volts:0.00} V is not one of {_options.CellsInSeries} connected cells"));
        }

        var discharging = current < -_options.DischargeThreshold;
        return new PowerStatus(
            discharging ? PowerSupply.Battery : PowerSupply.Mains,
            BatteryCondition.Normal,
            LithiumPack.Charge(pack, _options.CellsInSeries),
            pack,
            current);
    }

    /// <inheritdoc />
    public void Dispose() => _ina.Dispose();
}
