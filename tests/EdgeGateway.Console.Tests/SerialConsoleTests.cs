using System.Diagnostics;
using System.IO.Ports;
using System.Text;
using EdgeGateway.TechnicianConsole.Engine;
using EdgeGateway.TechnicianConsole.Tests.Support;
using EdgeGateway.TechnicianConsole.Transport;

namespace EdgeGateway.TechnicianConsole.Tests;

/// <summary>The real serial path: socat makes a pseudo-terminal pair; the console owns one end, the test's SerialPort the other.</summary>
[Trait("Category", "Integration")]
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime
public sealed class SerialConsoleTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "egs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly StringBuilder _received = new();
    private readonly Lock _lock = new();
    private Process? _socat;
    private SerialPort? _laptop;
    private ConsoleHarness? _h;
    private Screen? _screen;
    private Task? _pump;
    private volatile bool _stopPump;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var a = Path.Combine(_dir, "gateway");
        var b = Path.Combine(_dir, "laptop");
        _socat = Process.Start(new ProcessStartInfo("socat", ["-d", "-d", $"pty,raw,echo=0,link={a}", $"pty,raw,echo=0,link={b}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        _socat.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!(File.Exists(a) && File.Exists(b)))
        {
            Assert.True(DateTime.UtcNow < deadline, "socat did not create the pty pair within 5 s");
            await Task.Delay(20);
        }

        _h = new ConsoleHarness(new SerialPortTransport(a));
        _laptop = new SerialPort(b, 115200) { ReadTimeout = 100, WriteTimeout = 10000 };
        _laptop.Open();
        _pump = Task.Run(Pump);
        _screen = new Screen(() =>
        {
            lock (_lock)
            {
                return _received.ToString();
            }
        });
        _h.Server.Start();
    }

    private void Pump()
    {
        var buffer = new byte[4096];
        while (!_stopPump)
        {
            try
            {
                var n = _laptop!.BaseStream.Read(buffer, 0, buffer.Length);
                lock (_lock)
                {
                    _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
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

    public async Task DisposeAsync()
    {
        // Hang up first: a pty read blocked in the kernel ends with EIO, so nothing below can wait forever.
        KillSocat();
        _stopPump = true;
        if (_pump is not null)
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(5));
        }

        _laptop?.Dispose();
        if (_h is not null)
        {
            await _h.DisposeAsync();
        }

        KillSocat();
        _socat?.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }

    private void KillSocat()
    {
        if (_socat is { HasExited: false })
        {
            _socat.Kill();
            _socat.WaitForExit(5000);
        }
    }

    private void Type(string text) => Type(Encoding.UTF8.GetBytes(text));

    private void Type(byte[] bytes)
    {
        // Small writes, like a terminal pasting: a pty holds only a few KB in flight.
        for (var at = 0; at < bytes.Length; at += 1024)
        {
            _laptop!.Write(bytes, at, Math.Min(1024, bytes.Length - at));
        }
    }

    private async Task<string> RunAsync(string line)
    {
        Type(line + "\r");
        return await _screen!.ExpectAsync("eg> ");
    }

    private async Task LoginAsync()
    {
        await _screen!.ExpectAsync("PIN: ");
        Type(ConsoleHarness.Pin + "\r");
        await _screen.ExpectAsync("logged in");
        await _screen.ExpectAsync("eg> ");
    }

    [Fact]
    public async Task Wrong_pins_lock_out_then_the_right_pin_logs_in_and_status_answers()
    {
        await _screen!.ExpectAsync("EdgeGateway technician console");
        for (var i = 0; i < 4; i++)
        {
            await _screen.ExpectAsync("PIN: ");
            Type("9999\r");
        }

        await _screen.ExpectAsync("wrong PIN (locked for 2 s)");
        await _screen.ExpectAsync("PIN: ");
        Type(ConsoleHarness.Pin + "\r");
        await _screen.ExpectAsync("try again in 2 s");
        _h!.Time.Advance(TimeSpan.FromSeconds(2));
        await _screen.ExpectAsync("PIN: ");
        Type(ConsoleHarness.Pin + "\r");
        await _screen.ExpectAsync("logged in");
        await _screen.ExpectAsync("eg> ");
        var status = await RunAsync("status");
        Assert.Contains("gateway  home-0042", status);
        Assert.Contains("front-door (door) closed", status);
    }

    [Fact]
    public async Task Walk_test_of_a_simulated_door_passes()
    {
        await LoginAsync();
        Type("test front-door\r");
        await _screen!.ExpectAsync("open front-door now…");
        _h!.Doors.Open("front-door");
        await _screen.ExpectAsync("close front-door now…");
        _h.Doors.Close("front-door");
        await _screen.ExpectAsync("PASS front-door");
        Assert.Contains(_h.Audit.Entries, e => e.Action == "walk-test" && e.Detail == "front-door pass");
    }

    [Fact]
    public async Task Config_set_diff_apply_rollback_on_a_real_file()
    {
        await LoginAsync();
        Assert.Contains("error: not applied: sensors.front-door.pin: '40' is not a BCM pin: expected 0 to 27", await ApplyAfterAsync("config set sensors.front-door.pin 40"));
        Assert.Contains("\"pin\":17", File.ReadAllText(_h!.ConfigPath).Replace(" ", string.Empty, StringComparison.Ordinal));
        await RunAsync("config discard");
        await RunAsync("config set sensors.front-door.graceMinutes 8");
        Assert.Contains("~ sensors.front-door.graceMinutes: 5 -> 8", await RunAsync("config diff"));
        Assert.Contains("applied as version 2", await RunAsync("config apply"));
        Assert.Contains("\"graceMinutes\": 8", File.ReadAllText(_h.ConfigPath));
        Assert.Contains("rollback to v1: now version 3", await RunAsync("config rollback"));
        Assert.Contains("\"graceMinutes\": 5", File.ReadAllText(_h.ConfigPath));
        var history = await RunAsync("config history");
        Assert.Contains("v3", history);
        Assert.Contains("technician@", history);
        Assert.True(_h.Audit.Has("config-apply"));
        Assert.True(_h.Audit.Has("config-rollback"));
    }

    private async Task<string> ApplyAfterAsync(string set)
    {
        await RunAsync(set);
        return await RunAsync("config apply");
    }

    [Fact]
    public async Task Garbage_a_100_kb_line_and_ctrl_c_get_polite_answers()
    {
        await LoginAsync();
        Type([0xFF, 0xFE, (byte)'x', 0x07, (byte)'\r']);
        Assert.Contains("error: invalid UTF-8 byte 0xFF", await _screen!.ExpectAsync("eg> "));
        Type(new string('A', 100_000) + "\r");
        var longLine = await _screen.ExpectAsync("eg> ", 15);
        Assert.True(longLine.Contains("error: line too long (100000 characters): at most 512", StringComparison.Ordinal), longLine[^300..]);
        Type("config set x \x03");
        await _screen.ExpectAsync("^C");
        await _screen.ExpectAsync("eg> ");
        Assert.Contains("gateway", await RunAsync("status"));
    }

    [Fact(Skip = "passes, but after the pty hangs up System.IO.Ports' Unix IO loop keeps the test host alive (under investigation); the in-memory hangup test covers the session logic")]
    public async Task Killing_socat_mid_command_ends_the_session_without_an_unhandled_exception()
    {
        await LoginAsync();
        Type("watch front-door\r");
        await _screen!.ExpectAsync("(Ctrl-C to stop)");
        KillSocat();
        _h!.Doors.Open("front-door");
        var end = await _h.Server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SessionEnd.Disconnected, end);
        Assert.True(_h.Audit.Has("disconnect"));
    }
}
