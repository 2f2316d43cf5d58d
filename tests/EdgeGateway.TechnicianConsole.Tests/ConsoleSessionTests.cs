using EdgeGateway.Core.Alarms;
using EdgeGateway.TechnicianConsole.Engine;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Tests.Support;
using EdgeGateway.TestSupport;

namespace EdgeGateway.TechnicianConsole.Tests;

#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime
public sealed class ConsoleSessionTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly MemoryTransport _terminal = new();
    private readonly ConsoleHarness _h;
    private readonly Screen _screen;

    public ConsoleSessionTests()
    {
        _h = new ConsoleHarness(_terminal);
        _screen = new Screen(() => _terminal.Output);
    }

    public Task InitializeAsync()
    {
        _h.Server.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task LoginAsync()
    {
        await _screen.ExpectAsync("PIN: ");
        _terminal.Type(ConsoleHarness.Pin + "\r");
        await _screen.ExpectAsync("logged in");
        await _screen.ExpectAsync("eg> ");
    }

    private async Task<string> RunAsync(string line)
    {
        _terminal.Type(line + "\r\n");
        return await _screen.ExpectAsync("eg> ");
    }

    [Fact]
    public async Task A_reconnect_does_not_reset_the_lockout_when_the_servers_share_a_guard()
    {
        await _screen.ExpectAsync("PIN: ");
        for (var i = 0; i < 4; i++)
        {
            _terminal.Type("0000\r");
            await _screen.ExpectAsync("PIN: ");
        }

        // The cable is pulled and plugged in again: the host offers a new session with the same guard.
        _terminal.Hangup();
        Assert.Equal(SessionEnd.Disconnected, await _h.Server.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        var again = new MemoryTransport();
        await using var next = new ConsoleServer(again, _h.Services, _h.Time, new ConsoleOptions { PinHash = ConsoleHarness.PinHashText }, guard: _h.Server.Guard);
        next.Start();
        var screen = new Screen(() => again.Output);
        await screen.ExpectAsync("PIN: ");
        again.Type(ConsoleHarness.Pin + "\r");
        Assert.Contains("locked: too many wrong PINs, try again in 2 s", await screen.ExpectAsync("PIN: "));
    }

    [Fact]
    public async Task Wrong_pins_lock_the_console_with_a_doubling_delay_measured_on_the_time_provider()
    {
        await _screen.ExpectAsync("PIN: ");
        for (var i = 0; i < 3; i++)
        {
            _terminal.Type("0000\r");
            Assert.DoesNotContain("locked", await _screen.ExpectAsync("PIN: "));
        }

        _terminal.Type("0000\r");
        Assert.Contains("wrong PIN (locked for 2 s)", await _screen.ExpectAsync("PIN: "));
        _terminal.Type(ConsoleHarness.Pin + "\r");
        Assert.Contains("locked: too many wrong PINs, try again in 2 s", await _screen.ExpectAsync("PIN: "));
        _h.Time.Advance(TimeSpan.FromSeconds(2));
        _terminal.Type("0000\r");
        var fifth = await _screen.ExpectAsync("PIN: ");
        Assert.True(fifth.Contains("locked for 4 s", StringComparison.Ordinal), fifth);
        _h.Time.Advance(TimeSpan.FromSeconds(4));
        _terminal.Type(ConsoleHarness.Pin + "\r");
        await _screen.ExpectAsync("logged in");
        Assert.Equal(0, _h.Server.Guard.Failures);
        Assert.Equal(5, _h.Audit.Entries.Count(e => e.Action == "login-failed"));
        Assert.True(_h.Audit.Has("login-refused"));
        Assert.True(_h.Audit.Has("login-ok"));
        Assert.DoesNotContain(ConsoleHarness.Pin, _terminal.Output);
    }

    [Fact]
    public async Task Status_shows_every_part_of_the_gateway()
    {
        await LoginAsync();
        var status = await RunAsync("status");
        Assert.Contains("gateway  home-0042", status);
        Assert.Contains("uptime   1d 02:30:00", status);
        Assert.Contains("primary: up (connected)", status);
        Assert.Contains("mobile: DOWN (no SIM)", status);
        Assert.Contains("outbox   2 unacknowledged, oldest 00:01:05", status);
        Assert.Contains("routine reports held until 03:05:00 UTC after an outage; alarms go at once", status);
        Assert.Contains("front-door (door) closed", status);
        Assert.DoesNotContain("\u001b", status);
    }

    [Fact]
    public async Task Unknown_commands_and_bad_values_get_one_line_errors_and_the_session_goes_on()
    {
        await LoginAsync();
        Assert.Contains("error: unknown command 'frobnicate': expected one of help, status", await RunAsync("frobnicate"));
        Assert.Contains("error: log N 'many': expected a whole number from 1 to 500", await RunAsync("log many"));
        Assert.Contains("error: no sensor 'attic': expected one of back-door, front-door", await RunAsync("watch attic"));
        Assert.Contains("error: expected config set KEY VALUE", await RunAsync("config set onlykey"));
        Assert.Contains("log line 30", await RunAsync("log 3"));
        Assert.Contains("usage: watch SENSOR", await RunAsync("help watch"));
    }

    [Fact]
    public async Task A_failing_service_is_reported_and_does_not_end_the_session()
    {
        _h.TestAlarm.Behaviour = _ => throw new InvalidOperationException("uplink not started");
        await LoginAsync();
        Assert.Contains("error: test failed: uplink not started", await RunAsync("test alarm"));
        Assert.Contains("gateway  home-0042", await RunAsync("status"));
    }

    [Fact]
    public async Task Test_alarm_prints_the_round_trip_or_the_timeout_from_the_time_provider()
    {
        await LoginAsync();
        Assert.Contains("PASS test alarm acknowledged by the centre in 312 ms", await RunAsync("test alarm"));
        Assert.Equal(new TestAlarmRequest("technician console", AwaitCentreAck: true), Assert.Single(_h.TestAlarm.Requests));
        _h.TestAlarm.Behaviour = async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return TestAlarmResult.Failed("unreachable");
        };
        _terminal.Type("test alarm\r");
        await _screen.ExpectAsync("waiting up to 30 s");
        await Task.Delay(50);
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains("FAIL test alarm: no acknowledgement from the centre within 30 s", await _screen.ExpectAsync("eg> "));
    }

    [Fact]
    public async Task Ctrl_c_cancels_a_running_watch()
    {
        await LoginAsync();
        _terminal.Type("watch front-door\r");
        await _screen.ExpectAsync("(Ctrl-C to stop)");
        _h.Doors.Open("front-door");
        await _screen.ExpectAsync("front-door open");
        _terminal.Type("\x03");
        Assert.Contains("watch: cancelled", await _screen.ExpectAsync("eg> "));
        Assert.Contains("gateway", await RunAsync("status"));
    }

    [Fact]
    public async Task Walk_test_fails_clearly_when_the_door_is_not_opened_in_time()
    {
        await LoginAsync();
        _terminal.Type("test back-door\r");
        await _screen.ExpectAsync("open back-door now… (60 s)");
        await Task.Delay(50);
        _h.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Contains("FAIL back-door: not open within 60 s", await _screen.ExpectAsync("eg> "));
        Assert.Contains(_h.Audit.Entries, e => e.Action == "walk-test" && e.Detail.Contains("fail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Commission_finish_sends_what_this_visit_verified_and_refuses_when_nothing_was()
    {
        await LoginAsync();
        Assert.Contains("error: commission finish: nothing verified yet", await RunAsync("commission finish"));
        Assert.Empty(_h.Commissioning.Sent);

        // front-door passes, back-door fails, then the test alarm comes back in 312 ms.
        _terminal.Type("test front-door\r");
        await _screen.ExpectAsync("open front-door now");
        _h.Doors.Open("front-door");
        await _screen.ExpectAsync("close front-door now");
        _h.Doors.Close("front-door");
        await _screen.ExpectAsync("PASS front-door");
        await _screen.ExpectAsync("eg> ");
        _terminal.Type("test back-door\r");
        await _screen.ExpectAsync("open back-door now… (60 s)");
        await Task.Delay(50);
        _h.Time.Advance(TimeSpan.FromSeconds(60));
        await _screen.ExpectAsync("FAIL back-door");
        await _screen.ExpectAsync("eg> ");
        await RunAsync("test alarm");

        var status = await RunAsync("commission status");
        Assert.Matches(@"walktest\.front-door\s+pass", status);
        Assert.Matches(@"walktest\.back-door\s+fail: not open within 60 s", status);
        Assert.Matches(@"testalarm_roundtrip_ms\s+312", status);

        var finish = await RunAsync("commission finish");
        var (id, report) = Assert.Single(_h.Commissioning.Sent);
        Assert.Contains($"commissioning record sent to the centre (event {id})", finish);
        Assert.Contains("1 of 2 sensors walk-tested ok, test alarm received by the centre in 312 ms", finish);
        var data = report.ToEventData();
        Assert.Equal("pass", data["walktest.front-door"]);
        Assert.Equal("fail: not open within 60 s", data["walktest.back-door"]);
        Assert.Equal(("1/2", "pass", "312"), (data["walktests_passed"], data["testalarm"], data["testalarm_roundtrip_ms"]));
        Assert.Contains(_h.Audit.Entries, e => e.Action == "commission-finish" && e.Detail.Contains(id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Idle_sessions_are_logged_out_and_audited()
    {
        await LoginAsync();
        await Task.Delay(50);
        _h.Time.Advance(TimeSpan.FromMinutes(10));
        await _screen.ExpectAsync("logged out: idle for 10 min");
        await _screen.ExpectAsync("PIN: ");
        Assert.True(_h.Audit.Has("timeout"));
    }

    [Fact]
    public async Task Alarm_list_and_reset_are_audited()
    {
        await LoginAsync();
        Assert.Contains("a-17  taken", await RunAsync("alarm list"));
        Assert.Contains("error: alarm reset a-99: no active alarm 'a-99'", await RunAsync("alarm reset a-99"));
        Assert.Contains("alarm a-17 reset", await RunAsync("alarm reset a-17"));
        Assert.Contains(_h.Audit.Entries, e => e.Action == "alarm-reset" && e.Detail == "a-17");
    }

    [Fact]
    public async Task Colours_only_when_asked()
    {
        await LoginAsync();
        Assert.DoesNotContain("\u001b", await RunAsync("test alarm"));
        await RunAsync("color on");
        Assert.Contains("\u001b[32mPASS", await RunAsync("test alarm"));
    }

    [Fact]
    public async Task Hangup_mid_command_ends_the_session_cleanly()
    {
        await LoginAsync();
        _terminal.Type("watch front-door\r");
        await _screen.ExpectAsync("(Ctrl-C to stop)");
        _terminal.Hangup();
        var end = await _h.Server.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SessionEnd.Disconnected, end);
    }

    [Fact]
    public async Task Logout_returns_to_the_pin_prompt()
    {
        await LoginAsync();
        _terminal.Type("logout\r");
        await _screen.ExpectAsync("logged out");
        await _screen.ExpectAsync("PIN: ");
        Assert.True(_h.Audit.Has("logout"));
    }
}

public class PinTests
{
    [Fact]
    public void Hash_round_trips_and_verifies_only_the_right_pin()
    {
        var hash = PinHash.Parse(PinHash.Create("4711", 1000).ToString());
        Assert.True(hash.Verify("4711"));
        Assert.False(hash.Verify("4712"));
        Assert.StartsWith("pbkdf2-sha256$1000$", hash.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_hashes_of_one_pin_differ_by_salt() =>
        Assert.NotEqual(PinHash.Create("4711", 1000).ToString(), PinHash.Create("4711", 1000).ToString());

    [Fact]
    public void Real_installation_refuses_the_demo_pin_and_a_missing_one()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PinPolicy.EnsureNotDefault(PinHash.Create(PinPolicy.DemoPin, 1000).ToString()));
        Assert.Contains("demo PIN 1234", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => PinPolicy.EnsureNotDefault(null));
        Assert.Throws<InvalidOperationException>(() => PinPolicy.EnsureNotDefault("md5$abc"));
        PinPolicy.EnsureNotDefault(PinHash.Create("90817", 1000).ToString());
    }

    [Theory]
    [InlineData("123")]
    [InlineData("12a4")]
    [InlineData("1234567890123")]
    public void Pins_must_be_4_to_12_digits(string pin) =>
        Assert.Throws<ArgumentException>(() => PinHash.Create(pin, 1000));
}
