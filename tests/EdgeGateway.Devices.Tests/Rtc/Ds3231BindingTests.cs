using EdgeGateway.Devices.Simulated;
using Iot.Device.Rtc;

namespace EdgeGateway.Devices.Tests.Rtc;

/// <summary>
/// Why the gateway trusts the RTC through the kernel's rtc-ds1307 driver and not through Iot.Device.Bindings' Ds3231
/// (4.2.0), shown on the register-level simulator: if a later binding fixes these, these tests fail and say so.
/// </summary>
public sealed class Ds3231BindingTests
{
    private static SimulatedDs3231 AsLinuxWroteIt()
    {
        // 2026-12-01 12:34:56 as `hwclock -w` leaves it through rtc-ds1307: BCD, the century bit set only for years ≥ 2100
        // (the driver counts the year register from 2000).
        var chip = new SimulatedDs3231();
        byte[] time = [0x56, 0x34, 0x12, 0x03, 0x01, 0x12, 0x26];
        time.CopyTo(chip.Registers);
        return chip;
    }

    [Fact]
    public void The_binding_reads_a_clock_set_by_hwclock_as_year_1926()
    {
        using var rtc = new Ds3231(AsLinuxWroteIt());
        var read = rtc.RtcDateTime;
        Assert.Equal(new DateTime(1926, 12, 1, 12, 34, 56), read);
    }

    [Fact]
    public void The_binding_writes_the_century_bit_for_2026_which_the_kernel_reads_as_2126()
    {
        var chip = new SimulatedDs3231();
        using (var rtc = new Ds3231(chip))
        {
            rtc.RtcDateTime = new DateTime(2026, 12, 1, 12, 34, 56);
        }

        Assert.Equal(0x80 | 0x12, chip.Registers[0x05]);
        Assert.Equal(0x26, chip.Registers[0x06]);
    }

    [Fact]
    public void The_binding_reads_a_time_after_the_oscillator_stopped_and_has_no_way_to_say_so()
    {
        var chip = AsLinuxWroteIt();
        chip.Registers[SimulatedDs3231.Status] = SimulatedDs3231.Osf;
        using var rtc = new Ds3231(chip);
        Assert.Equal(1926, rtc.RtcDateTime.Year);
        var members = typeof(Ds3231).GetMembers().Select(m => m.Name).ToList();
        Assert.DoesNotContain(members, n => n.Contains("Valid", StringComparison.OrdinalIgnoreCase) || n.Contains("Osf", StringComparison.OrdinalIgnoreCase) || n.Contains("Oscillator", StringComparison.OrdinalIgnoreCase));
    }
}
