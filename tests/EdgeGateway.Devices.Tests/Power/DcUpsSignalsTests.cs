using System.Device.Gpio;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Power;
using EdgeGateway.Devices.Simulated;

namespace EdgeGateway.Devices.Tests.Power;

/// <summary>A DC-UPS's AC-OK and battery-low outputs through optocouplers onto pulled-up pins.</summary>
public sealed class DcUpsSignalsTests
{
    [Fact]
    public void Ac_ok_pulling_its_pin_low_is_mains_and_the_battery_low_output_is_read_too()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        using var ups = new DcUpsSignals(gpio, new DcUpsWiring { AcOkPin = 26, BatteryLowPin = 19 });
        driver.SetInputLevel(26, PinValue.Low);
        driver.SetInputLevel(19, PinValue.High);
        Assert.Equal(new PowerStatus(PowerSupply.Mains, BatteryCondition.Normal), ups.Read());

        driver.SetInputLevel(26, PinValue.High); // the optocoupler lets go: the pull-up wins
        Assert.Equal(PowerSupply.Battery, ups.Read().Supply);

        driver.SetInputLevel(19, PinValue.Low);
        Assert.Equal(BatteryCondition.Low, ups.Read().Battery);
        Assert.Equal("DC-UPS signals: AC-OK on GPIO26, battery low on GPIO19", ups.Description);
    }

    [Fact]
    public void A_cut_signal_wire_reads_as_mains_lost_not_as_all_well()
    {
        // With the pull-up and an active-low AC-OK, a broken wire floats high: the gateway reports mains lost, the safe side.
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        using var ups = new DcUpsSignals(gpio, new DcUpsWiring { AcOkPin = 26 });
        driver.SetInputLevel(26, null);
        Assert.Equal(PowerSupply.Battery, ups.Read().Supply);
    }
}
