using System.Device.Gpio;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Demo;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Tests.Composition;

/// <summary>The one builder: the chip a config names, the simulated home at rest, the states heartbeats and status share, delivery alone.</summary>
public sealed class GatewayBuilderTests : IDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-builder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("ADXL345", 0x53, "ADXL345 at 0x53")]
    [InlineData("adxl345", 0x1D, "ADXL345 at 0x1D")]
    [InlineData("MPU6050", 0x68, "MPU-6050 at 0x68")]
    [InlineData("MPU-6050", 0x69, "MPU-6050 at 0x69")]
    [InlineData("mpu-6050", 0x68, "MPU-6050 at 0x68")]
    public void Every_chip_name_the_config_accepts_opens_that_chips_driver(string chip, int address, string expected)
    {
        var accel = new AccelerometerConfig { SensorId = "wearable", Chip = chip, Address = address };
        var devices = new DevicesConfig { Accelerometers = [accel] };
        Assert.Empty(devices.Validate());

        var hardware = HomeHardware.Simulated(devices, TimeProvider.System);
        using var opened = hardware.OpenAccelerometer(accel);

        Assert.StartsWith(expected, opened.Name, StringComparison.Ordinal);
        Assert.IsType(expected.StartsWith("MPU", StringComparison.Ordinal) ? typeof(SimulatedMpu6050) : typeof(SimulatedAdxl345), hardware.SimulatedAccelerometers["wearable"]);
        hardware.Gpio.Dispose();
    }

    [Fact]
    public void A_chip_no_driver_knows_is_refused_naming_it()
    {
        var hardware = HomeHardware.Simulated(new DevicesConfig(), TimeProvider.System);

        var ex = Assert.Throws<ArgumentException>(() => hardware.OpenAccelerometer(new AccelerometerConfig { SensorId = "wrist", Chip = "LIS3DH", Address = 0x18 }));

        Assert.Contains("wrist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'LIS3DH'", ex.Message, StringComparison.Ordinal);
        hardware.Gpio.Dispose();
    }

    [Fact]
    public void The_simulated_home_starts_at_rest_on_the_builders_hardware()
    {
        var config = SimulatedHome.Config(Oslo, _dir);

        using var home = new GatewayBuilder(new Core.Time.FixedClockSyncStatus(true), NullLoggerFactory.Instance, TimeProvider.System).BuildHome(config, _dir);

        // The shut door holds its normally-closed reed to ground against the pull-up; the hanging cord reads its pull.
        Assert.NotNull(home.Hardware.SimulatedGpio);
        Assert.Equal(PinValue.Low, home.Hardware.Gpio.Read(SimulatedHome.FrontDoorPin));
        Assert.Equal(PinValue.High, home.Hardware.Gpio.Read(SimulatedHome.PullCordPin));
        Assert.NotNull(home.Hardware.SimulatedWearable);
        Assert.Same(home.Hardware.SimulatedWearable, home.Wearable!.Link);
        using var stage = new SimulatedHome(home, TimeProvider.System);
        Assert.Same(home.Hardware.SimulatedGpio, stage.Gpio);
    }

    [Fact]
    public async Task Heartbeat_and_status_report_the_outputs_from_one_place()
    {
        var config = SimulatedHome.Config(Oslo, _dir);
        config.Uplink = new UplinkConfig { Broker = "mqtt://127.0.0.1:1", PlainLoopbackDemo = true };
        await using var gateway = new GatewayBuilder(new Core.Time.FixedClockSyncStatus(true), NullLoggerFactory.Instance, TimeProvider.System).Build(config, _dir);

        var heartbeat = GatewayStates.Heartbeat(gateway.Home);
        var status = GatewayStates.Status(gateway.Home, uplinkUp: false);

        Assert.Equal(["buzzer", "led", "alarms", "version", "help_inputs", "wearable", "wearable.lost_samples"], heartbeat.Keys);
        Assert.Equal(VersionInfo.Informational, heartbeat["version"]);
        Assert.Equal(["uplink", "buzzer", "led", "wearable", "wearable.lost_samples"], status.Keys);
        Assert.Equal(gateway.Home.Buzzer.Pattern.ToString(), heartbeat["buzzer"]);
        Assert.Equal(heartbeat["buzzer"], status["buzzer"]);
        Assert.Equal(gateway.Home.Led.Pattern.ToString(), status["led"]);
        Assert.Equal(heartbeat["led"], status["led"]);
        Assert.Equal("0", heartbeat["alarms"]);
        Assert.Equal("2", heartbeat["help_inputs"]); // the pull cord and the wearable's button
        Assert.Equal("down", status["uplink"]);
    }

    [Fact]
    public async Task Delivery_alone_keeps_the_gateway_id_stored_in_the_data_dir()
    {
        var first = Options("stored-id");
        await using (new GatewayBuilder(first.ClockSync, NullLoggerFactory.Instance, TimeProvider.System).BuildDeliveryOnly(first))
        {
        }

        var again = Options(null);
        await using var delivery = new GatewayBuilder(again.ClockSync, NullLoggerFactory.Instance, TimeProvider.System).BuildDeliveryOnly(again);

        Assert.Equal("stored-id", delivery.Factory.GatewayId);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("loadgen")]
    public async Task A_data_dir_that_cannot_hold_the_outbox_exits_3_naming_the_option(string command)
    {
        var notADirectory = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(notADirectory, "not a directory");

        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), command, "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", "--data-dir", notADirectory);

        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        Assert.Contains("--data-dir: ", result.StdErr, StringComparison.Ordinal);
    }

    // Nothing listens on port 1: the tests read what is built, they never deliver.
    private UplinkCliOptions Options(string? gatewayId) => new(MqttEndpoint.Parse("mqtt://127.0.0.1:1"), _dir, gatewayId, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5))
    {
        Security = LinkSecurity.LoopbackDemo,
        ClockSync = new Core.Time.FixedClockSyncStatus(true),
    };
}
