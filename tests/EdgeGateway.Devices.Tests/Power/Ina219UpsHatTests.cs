using System.Device.I2c;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Power;
using EdgeGateway.Devices.Simulated;
using Iot.Device.Adc;
using UnitsNet;

namespace EdgeGateway.Devices.Tests.Power;

/// <summary>The Iot.Device.Bindings INA219 driver on a register-level INA219, and the two workarounds we keep for it.</summary>
public sealed class Ina219UpsHatTests
{
    private static readonly ElectricResistance Shunt = ElectricResistance.FromOhms(0.1);

    private static SimulatedIna219 Chip(double packVolts, double amperes) =>
        new(new I2cConnectionSettings(1, 0x42), Shunt) { BusVoltage = ElectricPotential.FromVolts(packVolts), Current = ElectricCurrent.FromAmperes(amperes) };

    [Fact]
    public void The_binding_reads_a_discharge_as_a_large_charging_current_so_we_sign_it_ourselves()
    {
        // Pins the binding's bug (Ina219.ReadCurrent reads the two's-complement register as ushort). When this assertion
        // fails, the binding has been fixed: drop Ina219UpsHat.SignedCurrent and SignedShuntVoltage.
        var chip = Chip(7.4, -0.5);
        using var ina = new Ina219(chip);
        ina.Reset();
        ina.PgaSensitivity = Ina219PgaSensitivity.PlusOrMinus320mv;
        ina.SetCalibration(Ina219UpsHat.Calibration(Shunt), 0.0001f);

        var raw = ina.ReadCurrent();
        Assert.InRange(raw.Amperes, 6.0, 6.6);
        Assert.InRange(ina.ReadShuntVoltage().Millivolts, 600, 660);

        Assert.Equal(-0.5, Ina219UpsHat.SignedCurrent(raw).Amperes, 3);
        Assert.Equal(-50, Ina219UpsHat.SignedShuntVoltage(ina.ReadShuntVoltage()).Millivolts, 2);
    }

    [Fact]
    public void The_bindings_shunt_adc_setter_writes_the_bus_adc_field_so_we_never_call_it()
    {
        // Pins the second bug: setting the shunt ADC clears SADC (bits 3–6) and ORs the value into BADC (bits 7–10).
        var chip = Chip(7.4, 0);
        using var ina = new Ina219(chip);
        ina.Reset();
        ina.BusAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc9Bit;
        ina.ShuntAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc128Sample;

        var config = chip.Configuration;
        Assert.Equal(0, (config >> 3) & 0xF); // the shunt ADC field was cleared, not set
        Assert.Equal(0b1111, (config >> 7) & 0xF); // the bus ADC field took the 128-sample code (datasheet table 5)
    }

    [Fact]
    public void A_discharging_pack_is_a_power_cut_with_the_charge_from_its_voltage()
    {
        using var hat = new Ina219UpsHat(Chip(7.4, -0.5), new Ina219HatOptions());
        var status = hat.Read();

        Assert.Equal(PowerSupply.Battery, status.Supply);
        Assert.Equal(BatteryCondition.Normal, status.Battery);
        Assert.Equal(-0.5, status.BatteryCurrent!.Value.Amperes, 3);
        Assert.Equal(7.4, status.BatteryVoltage!.Value.Volts, 2);
        Assert.Equal(35, status.Charge!.Value.Percent, 0); // 3.70 V a cell
    }

    [Fact]
    public void A_charging_or_resting_pack_means_mains_carries_the_pi()
    {
        using var charging = new Ina219UpsHat(Chip(8.2, 0.8), new Ina219HatOptions());
        Assert.Equal(PowerSupply.Mains, charging.Read().Supply);

        using var full = new Ina219UpsHat(Chip(8.4, -0.01), new Ina219HatOptions());
        var status = full.Read();
        Assert.Equal(PowerSupply.Mains, status.Supply);
        Assert.Equal(100, status.Charge!.Value.Percent, 0);
    }

    [Fact]
    public void A_missing_pack_and_a_silent_chip_are_named_faults()
    {
        using var missing = new Ina219UpsHat(Chip(0.3, 0), new Ina219HatOptions());
        var status = missing.Read();
        Assert.Equal(BatteryCondition.Missing, status.Battery);
        Assert.Contains("pack voltage 0.30 V", status.Fault, StringComparison.Ordinal);

        var chip = Chip(7.8, -0.2);
        using var hat = new Ina219UpsHat(chip, new Ina219HatOptions());
        chip.Nack = true;
        var silent = hat.Read();
        Assert.Equal(PowerSupply.Unknown, silent.Supply);
        Assert.Contains("INA219 at 0x42 does not answer", silent.Fault, StringComparison.Ordinal);
    }
}
