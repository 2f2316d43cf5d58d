using System.Device.I2c;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Power;
using EdgeGateway.Devices.Simulated;

namespace EdgeGateway.Devices.Tests.Power;

/// <summary>The Iot.Device.Bindings PiJuice driver on a PiJuice simulated at its command-frame level.</summary>
public sealed class PiJuicePowerSourceTests
{
    private static SimulatedPiJuice Hat() => new(new I2cConnectionSettings(1, 0x14));

    [Fact]
    public void Mains_on_the_input_and_the_battery_figures_come_through_the_binding()
    {
        var hat = Hat();
        hat.ChargePercent = 87;
        hat.BatteryMillivolts = 4050;
        hat.BatteryMilliamperes = 120;
        hat.BatteryCelsius = 31;
        using var source = new PiJuicePowerSource(hat);
        var status = source.Read();

        Assert.Equal(PowerSupply.Mains, status.Supply);
        Assert.Equal(BatteryCondition.Normal, status.Battery);
        Assert.Equal(87, status.Charge!.Value.Percent);
        Assert.Equal(4.05, status.BatteryVoltage!.Value.Volts, 3);
        Assert.Equal(31, status.BatteryTemperature!.Value.DegreesCelsius);
        Assert.Contains("firmware 1.5", source.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void No_input_is_a_power_cut_and_the_draw_counts_as_discharge_whatever_the_firmwares_sign()
    {
        var hat = Hat();
        hat.PowerInput = 0;
        hat.BatteryMilliamperes = 640;
        using var source = new PiJuicePowerSource(hat);
        var status = source.Read();

        Assert.Equal(PowerSupply.Battery, status.Supply);
        Assert.Equal(-0.64, status.BatteryCurrent!.Value.Amperes, 3);
    }

    [Fact]
    public void Mains_through_the_pis_own_5_volts_counts_as_mains()
    {
        var hat = Hat();
        hat.PowerInput = 0;
        hat.PowerInput5VIo = 3;
        using var source = new PiJuicePowerSource(hat);
        Assert.Equal(PowerSupply.Mains, source.Read().Supply);
    }

    [Fact]
    public void A_missing_battery_a_fault_a_bad_frame_and_a_silent_hat()
    {
        var hat = Hat();
        using var source = new PiJuicePowerSource(hat);

        hat.BatteryState = 3;
        Assert.Equal(BatteryCondition.Missing, source.Read().Battery);

        hat.BatteryState = 0;
        hat.Fault = true;
        var fault = source.Read();
        Assert.Equal(BatteryCondition.Fault, fault.Battery);
        Assert.NotNull(fault.Fault);

        // One corrupted frame: the binding checks the checksum and asks again.
        hat.Fault = false;
        hat.CorruptNextFrames = 1;
        Assert.Equal(BatteryCondition.Normal, source.Read().Battery);

        hat.Nack = true;
        var silent = source.Read();
        Assert.Equal(PowerSupply.Unknown, silent.Supply);
        Assert.Contains("PiJuice at 0x14 does not answer", silent.Fault, StringComparison.Ordinal);
    }
}
