using System.Device.Gpio;
using System.Diagnostics;
using EdgeGateway.Centre;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Demo;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Adapters;

/// <summary>
/// A technician commissions the simulated home over a real serial line (a socat pty pair): log in, configure four
/// sensors, walk-test the contacts and the water meter, and send a test alarm through a real mosquitto to the
/// reference centre, which acknowledges it. The whole script is timed and printed for the closing note.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CommissioningTests(ITestOutputHelper output) : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("commission-").FullName;
    private readonly StrictLogs _logs = new(output);

    [Fact]
    public async Task Commissioning_the_demo_home_over_the_serial_console()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-commissioning", loggers: _logs)[0];
        var commissioned = new TaskCompletionSource<Core.Events.CareEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        central.EventReceived += (e, isNew) =>
        {
            if (e.Kind == Core.Events.CareEventKind.Commissioned)
            {
                commissioned.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);

        var dataDir = Path.Combine(_dir, "data");
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), dataDir);
        config.Uplink = new UplinkConfig { Broker = broker.Url, KeepAliveSeconds = 5, PlainLoopbackDemo = true };
        await using var line = await ConsoleOnSerialLine.StartAsync(_dir, config, dataDir, TimeSpan.FromSeconds(30), _logs);
        var (gateway, pins, laptop, configPath) = (line.Gateway, line.Pins, line.Laptop, line.ConfigPath);
        var started = Stopwatch.StartNew();

        await laptop.ExpectAsync("PIN:");
        await SendAsync(laptop, PinPolicy.DemoPin);
        await laptop.ExpectAsync("> ");

        // Configure four sensors: debounce of both contacts, the meter's K-factor, the wearable's supervision; diff, apply.
        foreach (var (key, value) in new[]
        {
            ("devices.contacts.0.debounce", "\"00:00:00.080\""),
            ("devices.contacts.1.debounce", "\"00:00:00.030\""),
            ("devices.flow_meters.0.pulses_per_litre", "10"),
            ("devices.wearable.lost_after_seconds", "45"),
        })
        {
            await SendAsync(laptop, $"config set {key} {value}");
            await laptop.ExpectAsync("> ");
        }

        await SendAsync(laptop, "config diff");
        await laptop.ExpectAsync("lost_after_seconds");
        await SendAsync(laptop, "config apply");
        await laptop.ExpectAsync("version");

        // Walk-test: the "home" side acts when the console asks.
        await SendAsync(laptop, "test front-door");
        await laptop.ExpectAsync("open front-door now");
        pins.SetInputLevel(SimulatedHome.FrontDoorPin, PinValue.High);
        await laptop.ExpectAsync("close front-door now");
        pins.SetInputLevel(SimulatedHome.FrontDoorPin, PinValue.Low);
        await laptop.ExpectAsync("PASS front-door");

        await SendAsync(laptop, "test pull-cord");
        await laptop.ExpectAsync("press pull-cord now");
        pins.SetInputLevel(SimulatedHome.PullCordPin, PinValue.Low);
        await laptop.ExpectAsync("release pull-cord now");
        pins.SetInputLevel(SimulatedHome.PullCordPin, PinValue.High);
        await laptop.ExpectAsync("PASS pull-cord");

        // The pull cord raised a help alarm as it should; the technician resets it on site.
        await SendAsync(laptop, "alarm list");
        await laptop.ExpectAsync("help-button");
        var help = gateway.Home.Loop.ActiveAlarms.Single(a => a.Event.Kind == Core.Events.CareEventKind.HelpButton);
        await SendAsync(laptop, $"alarm reset {help.Id.ToString()[..8]}");
        await laptop.ExpectAsync("> ");
        for (var i = 0; i < 100 && gateway.Home.Loop.ActiveAlarms.Count > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Empty(gateway.Home.Loop.ActiveAlarms);

        // The smoke detector's test button switches its relay: a real fire alarm, which nobody at the gateway can reset.
        await SendAsync(laptop, "test kitchen-smoke");
        await laptop.ExpectAsync("press the test button of kitchen-smoke now");
        using (var home = new SimulatedHome(gateway.Home, TimeProvider.System))
        {
            home.SetSmoke(true);
            await laptop.ExpectAsync("let go of the test button of kitchen-smoke now");
            home.SetSmoke(false);
        }

        await laptop.ExpectAsync("PASS kitchen-smoke");
        await SendAsync(laptop, "sensors");
        await laptop.ExpectAsync("kitchen-smoke (smoke detector) no smoke  [smoke detector relay (fire alarm; not resettable here)]");
        await Eventually.UntilAsync(() => gateway.Home.Loop.ActiveAlarms.Any(a => a.Event.Kind == Core.Events.CareEventKind.Fire), TimeSpan.FromSeconds(10), () => "no fire alarm");
        var fire = gateway.Home.Loop.ActiveAlarms.Single(a => a.Event.Kind == Core.Events.CareEventKind.Fire);
        await SendAsync(laptop, $"alarm reset {fire.Id.ToString()[..8]}");
        await laptop.ExpectAsync("alarm.fire cannot be reset at the gateway; only the centre can clear it");
        Assert.Contains(gateway.Home.Loop.ActiveAlarms, a => a.Id == fire.Id);

        await SendAsync(laptop, "test kitchen-flow");
        await laptop.ExpectAsync("run the water through kitchen-flow now");
        using (var tap = new CancellationTokenSource())
        {
            var water = Task.Run(async () =>
            {
                while (!tap.IsCancellationRequested)
                {
                    pins.SetInputLevel(SimulatedHome.KitchenMeterPin, PinValue.Low);
                    pins.SetInputLevel(SimulatedHome.KitchenMeterPin, null);
                    await Task.Delay(50);
                }
            });
            await laptop.ExpectAsync("turn off the water through kitchen-flow now", 20);
            await tap.CancelAsync();
            await water;
        }

        await laptop.ExpectAsync("PASS kitchen-flow", 30);

        await SendAsync(laptop, "test alarm");
        Assert.Contains("PASS", await laptop.ExpectAsync("test alarm acknowledged by the centre in", 30), StringComparison.Ordinal);
        var roundTrip = await laptop.ExpectAsync(" ms");
        Assert.Matches(@"^ \d+ ms$", roundTrip);
        output.WriteLine($"test alarm round trip:{roundTrip}");

        // The visit's record goes to the centre: what was walk-tested, and the test alarm's round trip.
        await SendAsync(laptop, "commission finish");
        await laptop.ExpectAsync("commissioning record sent to the centre (event ");
        var record = await commissioned.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("org.edgegateway.info.commissioned", CloudEventCodec.TypePrefix + record.Spec.TypeName);
        Assert.Equal(("pass", "pass", "pass", "pass"), (record.Data["walktest.front-door"], record.Data["walktest.pull-cord"], record.Data["walktest.kitchen-flow"], record.Data["walktest.kitchen-smoke"]));
        Assert.Equal("not tested", record.Data["walktest.wearable"]);
        Assert.Equal(("4/10", "pass"), (record.Data["walktests_passed"], record.Data["testalarm"]));
        Assert.Equal(roundTrip.Trim().Replace(" ms", "", StringComparison.Ordinal), record.Data["testalarm_roundtrip_ms"]);
        await SendAsync(laptop, "logout");
        await laptop.ExpectAsync("PIN:");
        started.Stop();
        output.WriteLine($"commissioning (login, 4 config changes, 4 walk-tests, alarm reset, fire reset refused, test alarm): {started.Elapsed.TotalSeconds:0.0} s");

        Assert.Contains("\"debounce\"", await File.ReadAllTextAsync(configPath), StringComparison.Ordinal);
        var audit = await File.ReadAllTextAsync(Path.Combine(dataDir, "audit.log"));
        Assert.Contains("walk-test", audit, StringComparison.Ordinal);
        Assert.Contains("test-alarm", audit, StringComparison.Ordinal);
        Assert.Contains("commission-finish", audit, StringComparison.Ordinal);
    }

    /// <summary>Types a line once the console shows its prompt, as a technician would.</summary>
    private static async Task SendAsync(LaptopTerminal laptop, string line)
    {
        await Eventually.UntilAsync(
            () => laptop.Screen.TrimEnd(' ').EndsWith('>') || laptop.Screen.EndsWith("PIN: ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            () => $"no prompt before '{line}'; the screen ends with:\n{laptop.Screen[^Math.Min(300, laptop.Screen.Length)..]}");
        laptop.Type(line + "\r");
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
        return ValueTask.CompletedTask;
    }
}
