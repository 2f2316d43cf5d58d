using System.Device.Gpio;
using System.Diagnostics;
using System.IO.Ports;
using System.Text;
using EdgeGateway.Demo;
using EdgeGateway.Hosting;
using EdgeGateway.TechnicianConsole;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Contract;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Hosting;

/// <summary>
/// A technician commissions the simulated home over a real serial line (a socat pty pair): log in, configure four
/// sensors, walk-test the contacts and the water meter, and send a test alarm through a real mosquitto to the
/// reference centre, which acknowledges it. The whole script is timed and printed for the closing note.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CommissioningTests(ITestOutputHelper output) : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("commission-").FullName;
    private readonly StringBuilder _screen = new();
    private readonly Lock _lock = new();
    private int _cursor;

    [Fact]
    public async Task Commissioning_the_demo_home_over_the_serial_console()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = MqttEndpoint.Parse(broker.Url);
        await using var central = new CentralConsumer(endpoint, "central-commissioning", null, NullLogger.Instance);
        await central.StartAsync(CancellationToken.None);

        var dataDir = Path.Combine(_dir, "data");
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), dataDir);
        config.Uplink = new UplinkConfig { Broker = broker.Url, KeepAliveSeconds = 5, PlainLoopbackDemo = true };
        var configPath = Path.Combine(_dir, "config.json");
        await File.WriteAllTextAsync(configPath, config.ToJson());

        using var socat = Process.Start(new ProcessStartInfo("socat", ["-d", "-d", $"pty,raw,echo=0,link={_dir}/gw", $"pty,raw,echo=0,link={_dir}/laptop"]) { RedirectStandardError = true })!;
        for (var i = 0; i < 250 && !(File.Exists($"{_dir}/gw") && File.Exists($"{_dir}/laptop")); i++)
        {
            await Task.Delay(20);
        }

        var clock = new Core.Time.FixedClockSyncStatus(true);
        await using var gateway = Gateway.Create(config, dataDir, clock, NullLoggerFactory.Instance, TimeProvider.System);
        await gateway.StartAsync(CancellationToken.None);
        var pins = gateway.Home.Hardware.SimulatedGpio!;
        var services = new ConsoleBridge(gateway, clock).Services(ConsoleBridge.OpenStore(configPath, TimeProvider.System), dataDir, new LogTail(TimeProvider.System));
        await using var console = new ConsoleServer(
            new SerialPortTransport($"{_dir}/gw"),
            services,
            TimeProvider.System,
            new ConsoleOptions { PinHash = PinHash.Create(PinPolicy.DemoPin, 1000).ToString(), WalkTestTimeout = TimeSpan.FromSeconds(30) },
            NullLogger<ConsoleServer>.Instance);
        console.Start();

        using var laptop = new SerialPort($"{_dir}/laptop", 115200) { ReadTimeout = 100 };
        laptop.Open();
        using var stopPump = new CancellationTokenSource();
        var pump = Task.Run(() => Pump(laptop, stopPump.Token));
        var started = Stopwatch.StartNew();

        await ExpectAsync("PIN:");
        Send(laptop, PinPolicy.DemoPin);
        await ExpectAsync("> ");

        // Configure four sensors: debounce of both contacts, the meter's K-factor, the wearable's rate; diff, apply.
        foreach (var (key, value) in new[]
        {
            ("devices.contacts.0.debounce", "\"00:00:00.080\""),
            ("devices.contacts.1.debounce", "\"00:00:00.030\""),
            ("devices.flow_meters.0.pulses_per_litre", "10"),
            ("devices.accelerometers.0.sample_rate_hz", "100"),
        })
        {
            Send(laptop, $"config set {key} {value}");
            await ExpectAsync("> ");
        }

        Send(laptop, "config diff");
        await ExpectAsync("sample_rate_hz");
        Send(laptop, "config apply");
        await ExpectAsync("version");

        // Walk-test: the "home" side acts when the console asks.
        Send(laptop, "test front-door");
        await ExpectAsync("open front-door now");
        pins.SetInputLevel(SimulatedHome.FrontDoorPin, PinValue.High);
        await ExpectAsync("close front-door now");
        pins.SetInputLevel(SimulatedHome.FrontDoorPin, PinValue.Low);
        await ExpectAsync("PASS front-door");

        Send(laptop, "test pull-cord");
        await ExpectAsync("press pull-cord now");
        pins.SetInputLevel(SimulatedHome.PullCordPin, PinValue.Low);
        await ExpectAsync("release pull-cord now");
        pins.SetInputLevel(SimulatedHome.PullCordPin, PinValue.High);
        await ExpectAsync("PASS pull-cord");

        // The pull cord raised a help alarm as it should; the technician resets it on site.
        Send(laptop, "alarm list");
        await ExpectAsync("help-button");
        var help = gateway.Home.Loop.ActiveAlarms.Single(a => a.Event.Kind == Core.Events.CareEventKind.HelpButton);
        Send(laptop, $"alarm reset {help.Id.ToString()[..8]}");
        await ExpectAsync("> ");
        for (var i = 0; i < 100 && gateway.Home.Loop.ActiveAlarms.Count > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Empty(gateway.Home.Loop.ActiveAlarms);

        Send(laptop, "test kitchen-flow");
        await ExpectAsync("run the water through kitchen-flow now");
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
            await ExpectAsync("turn off the water through kitchen-flow now", 20);
            await tap.CancelAsync();
            await water;
        }

        await ExpectAsync("PASS kitchen-flow", 30);

        Send(laptop, "test alarm");
        Assert.Contains("PASS", await ExpectAsync("test alarm acknowledged by the centre in", 30), StringComparison.Ordinal);
        var roundTrip = await ExpectAsync(" ms");
        Assert.Matches(@"^ \d+ ms$", roundTrip);
        output.WriteLine($"test alarm round trip:{roundTrip}");
        Send(laptop, "logout");
        await ExpectAsync("PIN:");
        started.Stop();
        output.WriteLine($"commissioning (login, 4 config changes, 3 walk-tests, alarm reset, test alarm): {started.Elapsed.TotalSeconds:0.0} s");

        Assert.Contains("\"debounce\"", await File.ReadAllTextAsync(configPath), StringComparison.Ordinal);
        var audit = await File.ReadAllTextAsync(Path.Combine(dataDir, "audit.log"));
        Assert.Contains("walk-test", audit, StringComparison.Ordinal);
        Assert.Contains("test-alarm", audit, StringComparison.Ordinal);

        await stopPump.CancelAsync();
        await pump;
        socat.Kill();
    }

    /// <summary>Types a line once the console shows its prompt, as a technician would.</summary>
    private void Send(SerialPort port, string line)
    {
        WaitForPrompt();
        var bytes = Encoding.UTF8.GetBytes(line + "\r");
        port.BaseStream.Write(bytes, 0, bytes.Length);
    }

    private void WaitForPrompt()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (_lock)
            {
                var screen = _screen.ToString();
                if (screen.TrimEnd(' ').EndsWith('>') || screen.EndsWith("PIN: ", StringComparison.Ordinal))
                {
                    return;
                }
            }

            Thread.Sleep(10);
        }
    }

    private void Pump(SerialPort port, CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var n = port.BaseStream.Read(buffer, 0, buffer.Length);
                lock (_lock)
                {
                    _screen.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
            catch (TimeoutException)
            {
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits for <paramref name="text"/> after what was already matched; returns the screen up to and including it.</summary>
    private async Task<string> ExpectAsync(string text, double seconds = 10)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            lock (_lock)
            {
                var screen = _screen.ToString();
                var at = screen.IndexOf(text, _cursor, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var seen = screen[_cursor..(at + text.Length)];
                    _cursor = at + text.Length;
                    return seen;
                }
            }

            await Task.Delay(20);
        }

        lock (_lock)
        {
            throw new TimeoutException($"'{text}' did not appear within {seconds} s; screen since last match:\n{_screen.ToString()[_cursor..]}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
