using EdgeGateway.TechnicianConsole.Engine;
using EdgeGateway.TechnicianConsole.Tests.Support;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.TestSupport;

namespace EdgeGateway.TechnicianConsole.Tests;

/// <summary>The real serial path: socat makes a pseudo-terminal pair; the console owns one end, the test's SerialPort the other.</summary>
[Trait("Category", "Integration")]
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime
public sealed class SerialConsoleTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly string _dir = Directory.CreateTempSubdirectory("egs-").FullName;
    private PtyPair? _cable;
    private LaptopTerminal? _laptop;
    private ConsoleHarness? _h;

    private LaptopTerminal Laptop => _laptop!;

    public async Task InitializeAsync()
    {
        _cable = await PtyPair.StartAsync(_dir);
        _h = new ConsoleHarness(new SerialPortTransport(_cable.GatewayEnd));
        _laptop = new LaptopTerminal(_cable.LaptopEnd);
        _h.Server.Start();
    }

    public async Task DisposeAsync()
    {
        // Hang up first, as a technician pulling the cable would; closing must then finish promptly.
        _cable?.Hangup();
        _laptop?.Dispose();
        if (_h is not null)
        {
            await _h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _cable?.Dispose();
        Directory.Delete(_dir, true);
    }

    private void Type(string text) => Laptop.Type(text);

    private void Type(byte[] bytes) => Laptop.Type(bytes);

    private async Task<string> RunAsync(string line)
    {
        Type(line + "\r");
        return await Laptop.ExpectAsync("eg> ");
    }

    private async Task LoginAsync()
    {
        await Laptop.ExpectAsync("PIN: ");
        Type(ConsoleHarness.Pin + "\r");
        await Laptop.ExpectAsync("logged in");
        await Laptop.ExpectAsync("eg> ");
    }

    [Fact]
    public async Task Wrong_pins_lock_out_then_the_right_pin_logs_in_and_status_answers()
    {
        await Laptop.ExpectAsync("EdgeGateway technician console");
        for (var i = 0; i < 4; i++)
        {
            await Laptop.ExpectAsync("PIN: ");
            Type("9999\r");
        }

        await Laptop.ExpectAsync("wrong PIN (locked for 2 s)");
        await Laptop.ExpectAsync("PIN: ");
        Type(ConsoleHarness.Pin + "\r");
        await Laptop.ExpectAsync("try again in 2 s");
        _h!.Time.Advance(TimeSpan.FromSeconds(2));
        await Laptop.ExpectAsync("PIN: ");
        Type(ConsoleHarness.Pin + "\r");
        await Laptop.ExpectAsync("logged in");
        await Laptop.ExpectAsync("eg> ");
        var status = await RunAsync("status");
        Assert.Contains("gateway  home-0042", status);
        Assert.Contains("front-door (door) closed", status);
    }

    [Fact]
    public async Task Walk_test_of_a_simulated_door_passes()
    {
        await LoginAsync();
        Type("test front-door\r");
        await Laptop.ExpectAsync("open front-door now…");
        _h!.Doors.Open("front-door");
        await Laptop.ExpectAsync("close front-door now…");
        _h.Doors.Close("front-door");
        await Laptop.ExpectAsync("PASS front-door");
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
        Assert.Contains("error: invalid UTF-8 byte 0xFF", await Laptop.ExpectAsync("eg> "));
        Type(new string('A', 100_000) + "\r");
        var longLine = await Laptop.ExpectAsync("eg> ", 15);
        Assert.True(longLine.Contains("error: line too long (100000 characters): at most 512", StringComparison.Ordinal), longLine[^300..]);
        Type("config set x \x03");
        await Laptop.ExpectAsync("^C");
        await Laptop.ExpectAsync("eg> ");
        Assert.Contains("gateway", await RunAsync("status"));
    }

    [Fact]
    public async Task Pulling_the_cable_mid_command_ends_the_session_and_the_console_closes_promptly()
    {
        await LoginAsync();
        Type("watch front-door\r");
        await Laptop.ExpectAsync("(Ctrl-C to stop)");
        _cable!.Hangup();
        _h!.Doors.Open("front-door");
        var end = await _h.Server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SessionEnd.Disconnected, end);
        Assert.True(_h.Audit.Has("disconnect"));

        // Closing must not wait on the dead line: System.IO.Ports' own close would flush it forever.
        await _h.Server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }
}
