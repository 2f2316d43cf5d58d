using EdgeGateway.Devices.Board;

namespace EdgeGateway.Devices.Tests.Board;

/// <summary>Under-voltage from the rpi_volt hwmon (a fake sysfs tree), else from a fake vcgencmd process.</summary>
public sealed class PiThrottlingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eg-board-").FullName;

    private string Hwmon(params (string Name, string? Alarm)[] entries)
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "hwmon")).FullName;
        for (var i = 0; i < entries.Length; i++)
        {
            var d = Directory.CreateDirectory(Path.Combine(root, $"hwmon{i}")).FullName;
            File.WriteAllText(Path.Combine(d, "name"), entries[i].Name + "\n");
            if (entries[i].Alarm is { } alarm)
            {
                File.WriteAllText(Path.Combine(d, "in0_lcrit_alarm"), alarm + "\n");
            }
        }

        return root;
    }

    private string Vcgencmd(string body)
    {
        var path = Path.Combine(_dir, "vcgencmd");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Theory]
    [InlineData("throttled=0x0", ThrottleState.None)]
    [InlineData("throttled=0x50005\n", ThrottleState.UnderVoltageNow | ThrottleState.ThrottledNow | ThrottleState.UnderVoltageOccurred | ThrottleState.ThrottledOccurred)]
    [InlineData("throttled=0x80000", ThrottleState.SoftTemperatureLimitOccurred)]
    public void The_firmware_bit_mask_is_read_as_documented(string output, ThrottleState expected) =>
        Assert.Equal(expected, PiThrottling.ParseGetThrottled(output));

    [Theory]
    [InlineData("")]
    [InlineData("VCHI initialization failed")]
    [InlineData("throttled=0xZZ")]
    public void Anything_else_is_a_format_error_quoting_it(string output)
    {
        var ex = Assert.Throws<FormatException>(() => PiThrottling.ParseGetThrottled(output));
        Assert.Contains($"printed '{output}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rpi_volt_hwmon_is_found_by_name_and_wins_over_vcgencmd()
    {
        var hwmon = Hwmon(("cpu_thermal", null), ("rpi_volt", "1"));
        var reading = await new PiThrottling(TimeProvider.System, hwmon, Vcgencmd("echo throttled=0x0")).ReadAsync(CancellationToken.None);
        Assert.Equal((ThrottleState.UnderVoltageNow, "rpi_volt"), reading);
    }

    [Fact]
    public async Task Without_rpi_volt_vcgencmd_answers()
    {
        var hwmon = Hwmon(("cpu_thermal", null));
        var reading = await new PiThrottling(TimeProvider.System, hwmon, Vcgencmd("echo throttled=0x50005")).ReadAsync(CancellationToken.None);
        Assert.Equal("vcgencmd", reading.Source);
        Assert.True(reading.Flags!.Value.HasFlag(ThrottleState.UnderVoltageNow));
    }

    [Fact]
    public async Task Neither_source_is_a_named_reason_not_a_crash()
    {
        var none = await new PiThrottling(TimeProvider.System, Path.Combine(_dir, "no-hwmon"), Path.Combine(_dir, "no-vcgencmd")).ReadAsync(CancellationToken.None);
        Assert.Equal((null, "no rpi_volt hwmon and no vcgencmd"), none);
        var hang = await new PiThrottling(TimeProvider.System, Path.Combine(_dir, "no-hwmon"), Vcgencmd("exec sleep 600"), TimeSpan.FromSeconds(1)).ReadAsync(CancellationToken.None);
        Assert.Equal((null, "vcgencmd get_throttled did not answer"), hang);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
