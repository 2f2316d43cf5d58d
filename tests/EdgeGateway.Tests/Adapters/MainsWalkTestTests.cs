using System.Device.Gpio;
using EdgeGateway.Configuration;
using EdgeGateway.Demo;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Adapters;

/// <summary>
/// The technician walk-tests the mains-present input over a real serial line (a socat pty pair): the DC-UPS's AC-OK on
/// the simulated GPIO, read by the real power source and monitor of a running gateway (a real mosquitto), seen by the
/// console through the host's bridge.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MainsWalkTestTests(ITestOutputHelper output) : IAsyncDisposable
{
    private const int AcOkPin = 26;
    private readonly string _dir = Directory.CreateTempSubdirectory("mains-walk-").FullName;
    private readonly StrictLogs _logs = new(output);

    [Fact]
    public async Task The_technician_pulls_the_UPS_plug_and_puts_it_back_and_the_console_sees_both()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var dataDir = Path.Combine(_dir, "data");
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), dataDir);
        config.Uplink = new UplinkConfig { Broker = broker.Url, KeepAliveSeconds = 5, PlainLoopbackDemo = true };
        config.Devices.Power = new PowerConfig { Source = "dc-ups", AcOkPin = AcOkPin, PollSeconds = 1, MainsSettleSeconds = 30 };
        await using var line = await ConsoleOnSerialLine.StartAsync(_dir, config, dataDir, TimeSpan.FromSeconds(20), _logs);
        var (gateway, pins, laptop) = (line.Gateway, line.Pins, line.Laptop);
        await laptop.ExpectAsync("PIN:");
        laptop.Type(PinPolicy.DemoPin + "\r");
        await laptop.ExpectAsync("> ");
        await Eventually.UntilAsync(() => gateway.Home.Power!.State.Reading.Supply == Core.Power.PowerSupply.Mains, TimeSpan.FromSeconds(20), () => $"power: {gateway.Home.Power!.State}");

        laptop.Type("test mains\r");
        await laptop.ExpectAsync("pull the UPS's mains plug now");
        await laptop.ExpectAsync("AC-OK on GPIO26");
        pins.SetInputLevel(AcOkPin, PinValue.High); // the AC-OK optocoupler lets go: the pull-up wins
        await laptop.ExpectAsync("mains absent after", 20);
        await laptop.ExpectAsync("plug it back in now");

        // Back before the 30 s settle time: the walk-test checks the wiring, not the monitor's judgement of a power cut.
        Assert.Equal(Core.Power.PowerSupply.Mains, gateway.Home.Power!.State.Supply);
        pins.SetInputLevel(AcOkPin, PinValue.Low);
        await laptop.ExpectAsync("PASS mains", 20);

        // The commissioning record counts the mains input beside the home's ten sensors (the wearable and its button are two), and the audit log has the pass.
        laptop.Type("commission status\r");
        Assert.Matches(@"walktest\.mains\s+pass", await laptop.ExpectAsync("pass"));
        await laptop.ExpectAsync("walktests_passed");
        await laptop.ExpectAsync("1/11");
        Assert.Contains("mains pass", await File.ReadAllTextAsync(Path.Combine(dataDir, "audit.log")), StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
        return ValueTask.CompletedTask;
    }
}
