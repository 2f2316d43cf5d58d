using EdgeGateway.Configuration;
using EdgeGateway.Demo;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Adapters;

/// <summary>
/// The technician walk-tests the simulated home's wearable over a real serial line (a socat pty pair): the press and
/// the shake go through the wearable's own bytes, the home's <c>WearableInput</c> and the host's bridge to the console.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WearableWalkTestTests(ITestOutputHelper output) : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wearable-walk-").FullName;
    private readonly StrictLogs _logs = new(output);

    [Fact]
    public async Task The_technician_presses_the_wearables_button_and_shakes_it_and_the_record_has_both()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var dataDir = Path.Combine(_dir, "data");
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), dataDir);
        config.Uplink = new UplinkConfig { Broker = broker.Url, KeepAliveSeconds = 5, PlainLoopbackDemo = true };
        await using var line = await ConsoleOnSerialLine.StartAsync(_dir, config, dataDir, TimeSpan.FromSeconds(20), _logs);
        var (gateway, laptop) = (line.Gateway, line.Laptop);
        var wearable = gateway.Home.Hardware.SimulatedWearable!;
        wearable.Play(new AccelerationTrace([(0, 0, 1)]));
        await laptop.ExpectAsync("PIN:");
        laptop.Type(PinPolicy.DemoPin + "\r");
        await laptop.ExpectAsync("> ");

        laptop.Type("wearable status\r");
        await laptop.ExpectAsync("wearable     wearable (simulated)");
        await laptop.ExpectAsync("link         connected: simulated");
        await laptop.ExpectAsync("supervision  ok");
        await laptop.ExpectAsync("> ");

        laptop.Type("test wearable\r");
        await laptop.ExpectAsync("the button raises a real help alarm at the centre");
        await laptop.ExpectAsync("press the wearable's button now");
        wearable.PressHelp();
        await laptop.ExpectAsync("PASS wearable-button", 20);
        await laptop.ExpectAsync("shake the wearable hard now");
        wearable.Play(new AccelerationTrace([(0, 0, 1), (1.8, -1.2, 2.0), (-1.5, 1.0, 0.2)]));
        await laptop.ExpectAsync("PASS wearable", 20);
        await laptop.ExpectAsync("> ");

        laptop.Type("commission status\r");
        var status = await laptop.ExpectAsync("testalarm");
        Assert.Matches(@"walktest\.wearable-button\s+pass", status);
        Assert.Matches(@"walktest\.wearable\s+pass", status);
        var audit = await File.ReadAllTextAsync(Path.Combine(dataDir, "audit.log"));
        Assert.Contains("wearable-button pass", audit, StringComparison.Ordinal);
        Assert.Contains("\"wearable pass", audit, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
        return ValueTask.CompletedTask;
    }
}
