using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Tests.Support;
using EdgeGateway.TestSupport;

namespace EdgeGateway.TechnicianConsole.Tests;

/// <summary><c>wearable status|pair|test</c> and <c>test wearable</c> on a console whose host wearable is a fake.</summary>
public sealed class WearableConsoleTests : IAsyncDisposable
{
    private const string Address = "C8:11:22:33:EE:FF";
    private const string WithWearableSection = """{"gatewayId":"home-0042","sensors":{"front-door":{"pin":17}},"devices":{"wearable":{"sensor_id":"wearable","lost_after_seconds":30}}}""";
    private readonly MemoryTransport _terminal = new();
    private ConsoleHarness? _h;
    private Screen? _screen;

    private ConsoleHarness H => _h!;

    private Screen Screen => _screen!;

    public async ValueTask DisposeAsync()
    {
        if (_h is not null)
        {
            await _h.DisposeAsync();
        }
    }

    private async Task StartAsync(IWearable? wearable, string? config = null)
    {
        _h = new ConsoleHarness(_terminal, wearable: wearable, config: config);
        _screen = new Screen(() => _terminal.Output);
        _h.Server.Start();
        await Screen.ExpectAsync("PIN: ");
        _terminal.Type(ConsoleHarness.Pin + "\r");
        await Screen.ExpectAsync("eg> ");
    }

    private async Task<string> RunAsync(string line)
    {
        _terminal.Type(line + "\r\n");
        return await Screen.ExpectAsync("eg> ");
    }

    private string? ConfiguredAddress() => H.Store.Current["devices"]?["wearable"]?["address"]?.GetValue<string>();

    [Fact]
    public async Task Status_shows_the_link_battery_counters_and_supervision()
    {
        var wearable = new FakeWearable();
        await StartAsync(wearable);

        var status = await RunAsync("wearable status");
        Assert.Contains($"wearable     wearable ({Address})", status);
        Assert.Contains($"link         connected: {Address} through /org/bluez/hci0 (for 120 s)", status);
        Assert.Contains("battery      85 % ok (low at 20 %, critical at 10 %)", status);
        Assert.Contains("samples      61234 seen, last 0.0 s ago", status);
        Assert.Contains("lost         12 not recovered, 0 dropped (detector behind), 3 resend requests", status);
        Assert.Contains("supervision  ok (lost after 30 s without samples)", status);

        wearable.Status = wearable.Status! with { LinkState = "searching", LinkReason = "the wearable disconnected", BatteryPercent = 15, Battery = "low", Lost = true, SinceLastSample = TimeSpan.FromSeconds(42) };
        status = await RunAsync("wearable status");
        Assert.Contains("link         searching: the wearable disconnected", status);
        Assert.Contains("battery      15 % LOW: plan a cell change", status);
        Assert.Contains("samples      61234 seen, last 42.0 s ago", status);
        Assert.Contains("supervision  LOST: no samples for 30 s or more; falls are not detected", status);

        wearable.Status = null;
        Assert.Contains("no wearable configured", await RunAsync("wearable status"));
    }

    [Fact]
    public async Task Without_a_wearable_service_status_says_none_is_configured_and_test_wearable_says_so_too()
    {
        await StartAsync(wearable: null);
        Assert.Contains("no wearable configured", await RunAsync("wearable status"));
        Assert.Contains("error: wearable test: no wearable configured", await RunAsync("test wearable"));
        Assert.Contains("error: wearable pair: this gateway offers no wearable", await RunAsync("wearable pair"));
        Assert.Matches(@"wearable\s+the wearable: link and battery, pairing, walk-test", await RunAsync("help"));
    }

    [Fact]
    public async Task Pair_scans_lists_pairs_the_one_found_and_writes_its_address_through_config_with_history_and_audit()
    {
        var wearable = new FakeWearable();
        await StartAsync(wearable, WithWearableSection);

        var pair = await RunAsync("wearable pair");
        Assert.Contains("scanning for wearables for 10 s", pair);
        Assert.Contains("found 1:", pair);
        Assert.Contains($"  {Address}  EG-EEFF    -52 dBm", pair);
        Assert.Contains($"paired {Address} and trusted it", pair);
        Assert.Contains($"devices.wearable.address = \"{Address}\"\r\napplied as version 2", pair);
        Assert.Equal([TimeSpan.FromSeconds(10)], wearable.Scans);
        Assert.Equal([Address], wearable.Paired);

        // Written as config set + config apply would: a new version by the technician, validated, audited.
        Assert.Equal(Address, ConfiguredAddress());
        Assert.Equal(2, H.Store.Version);
        Assert.Contains("30", H.Store.Current["devices"]!["wearable"]!["lost_after_seconds"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(H.Audit.Entries, e => e.Action == "wearable-pair" && e.Detail == $"{Address} paired and trusted");
        Assert.Contains(H.Audit.Entries, e => e.Action == "config-stage" && e.Detail.Contains($"devices.wearable.address = \"{Address}\"", StringComparison.Ordinal));
        Assert.Contains(H.Audit.Entries, e => e.Action == "config-apply");
        Assert.Contains("nothing staged", await RunAsync("config diff"));
    }

    [Fact]
    public async Task Pair_asks_which_when_several_are_found_and_ADDRESS_picks_one()
    {
        var wearable = new FakeWearable
        {
            ScanResult = new(true, "2 found", [new WearableCandidate(Address, "EG-EEFF", -48, false), new WearableCandidate("C8:11:22:33:AB:CD", "EG-ABCD", null, true)]),
        };
        await StartAsync(wearable, WithWearableSection);

        var asked = await RunAsync("wearable pair");
        Assert.Contains("found 2:", asked);
        Assert.Contains("  C8:11:22:33:AB:CD  EG-ABCD    not heard now  (paired)", asked);
        Assert.Contains($"which one? wearable pair ADDRESS (the address is on the wearable's label; e.g. wearable pair {Address})", asked);
        Assert.Empty(wearable.Paired);
        Assert.Null(ConfiguredAddress());

        await RunAsync("wearable pair c8:11:22:33:ab:cd");
        Assert.Equal(["C8:11:22:33:AB:CD"], wearable.Paired);
        Assert.Equal("C8:11:22:33:AB:CD", ConfiguredAddress());

        Assert.Contains("error: wearable pair: 11:22:33:44:55:66 was not found in the scan", await RunAsync("wearable pair 11:22:33:44:55:66"));
        Assert.Contains("error: wearable pair 'EG-ABCD': expected an address", await RunAsync("wearable pair EG-ABCD"));
    }

    [Fact]
    public async Task The_first_wearable_of_a_home_gets_its_own_section()
    {
        await StartAsync(new FakeWearable(), """{"gatewayId":"home-0042","devices":{}}""");
        await RunAsync("wearable pair");
        Assert.Equal(Address, ConfiguredAddress());
    }

    [Fact]
    public async Task Pair_leaves_other_staged_changes_to_the_technician()
    {
        await StartAsync(new FakeWearable(), WithWearableSection);
        await RunAsync("config set gatewayId home-0043");
        Assert.Contains("beside changes staged before: review them with config diff, then config apply", await RunAsync("wearable pair"));
        Assert.Equal(1, H.Store.Version);
        Assert.Contains("devices.wearable.address", await RunAsync("config diff"));
    }

    [Fact]
    public async Task A_refused_pairing_or_scan_is_named_audited_and_writes_nothing()
    {
        var wearable = new FakeWearable { PairResult = a => new(false, $"Pair with {a} failed: org.bluez.Error.AuthenticationFailed: Authentication Failed") };
        await StartAsync(wearable, WithWearableSection);

        Assert.Contains($"error: wearable pair: Pair with {Address} failed: org.bluez.Error.AuthenticationFailed: Authentication Failed", await RunAsync("wearable pair"));
        Assert.Null(ConfiguredAddress());
        Assert.Contains(H.Audit.Entries, e => e.Action == "wearable-pair-failed" && e.Detail.Contains("AuthenticationFailed", StringComparison.Ordinal));

        wearable.ScanResult = new(false, "BlueZ has no powered Bluetooth adapter (rfkill? `bluetoothctl power on`)", []);
        Assert.Contains("error: wearable pair: cannot scan: BlueZ has no powered Bluetooth adapter", await RunAsync("wearable pair"));
        wearable.ScanResult = new(true, "0 found", []);
        Assert.Contains("error: wearable pair: no wearable found in 10 s: is it awake (press its button) and within a few metres?", await RunAsync("wearable pair"));
        Assert.Equal(1, H.Store.Version);
    }

    [Fact]
    public async Task On_a_simulated_home_there_is_nothing_to_pair()
    {
        var wearable = new FakeWearable { Simulated = true };
        await StartAsync(wearable);
        Assert.Contains("this home plays a simulated wearable: there is nothing to pair", await RunAsync("wearable pair"));
        Assert.Empty(wearable.Scans);
    }

    [Fact]
    public async Task Walk_test_passes_on_a_press_and_a_shake_and_both_go_in_the_commissioning_record()
    {
        var wearable = new FakeWearable();
        await StartAsync(wearable);

        _terminal.Type("wearable test\r");
        Assert.Contains("the button raises a real help alarm at the centre", await Screen.ExpectAsync("press the wearable's button now… (60 s)"));
        H.Time.Advance(TimeSpan.FromSeconds(3));
        wearable.Press();
        await Screen.ExpectAsync("help press received after 3.0 s (a help alarm is raised). PASS wearable-button");
        await Screen.ExpectAsync("shake the wearable hard now… (60 s)");

        // Standing and walking stay within 1 g of rest; the shake's 2.6 g passes.
        wearable.Samples(1.0, 1.02, 1.4, 0.7);
        H.Time.Advance(TimeSpan.FromSeconds(2));
        wearable.Samples(2.6);
        await Screen.ExpectAsync("shake of 2.6 g after 2.0 s. PASS wearable");
        await Screen.ExpectAsync("eg> ");

        var status = await RunAsync("commission status");
        Assert.Matches(@"walktest\.wearable-button\s+pass", status);
        Assert.Matches(@"walktest\.wearable\s+pass", status);
        Assert.Contains(H.Audit.Entries, e => e.Action == "walk-test" && e.Detail == "wearable-button pass");
        Assert.Contains(H.Audit.Entries, e => e.Action == "walk-test" && e.Detail == "wearable pass");

        await RunAsync("commission finish");
        var data = Assert.Single(H.Commissioning.Sent).Report.ToEventData();
        Assert.Equal(("pass", "pass"), (data["walktest.wearable-button"], data["walktest.wearable"]));

        // Counted once each beside the two doors, not again under other names.
        Assert.Equal("2/4", data["walktests_passed"]);
    }

    [Fact]
    public async Task Test_wearable_fails_clearly_without_a_press_and_with_only_walking()
    {
        var wearable = new FakeWearable();
        await StartAsync(wearable);

        _terminal.Type("test wearable\r");
        await Screen.ExpectAsync("press the wearable's button now… (60 s)");
        await Task.Delay(50);
        H.Time.Advance(TimeSpan.FromSeconds(60));
        await Screen.ExpectAsync("FAIL wearable-button: no help press within 60 s");
        await Screen.ExpectAsync("shake the wearable hard now… (60 s)");
        wearable.Samples(1.0, 1.55, 0.8);
        await Task.Delay(50);
        H.Time.Advance(TimeSpan.FromSeconds(60));
        await Screen.ExpectAsync("FAIL wearable: no shake within 60 s: |a| departed from 1 g by at most 0.55 g, more than 1.0 g needed");
        await Screen.ExpectAsync("eg> ");

        // A wearable that streams nothing is told apart from one that was not shaken hard enough.
        wearable.Status = wearable.Status! with { LinkState = "not-found", LinkReason = "C8:11:22:33:EE:FF is unknown to BlueZ" };
        _terminal.Type("test wearable\r");
        await Screen.ExpectAsync("the wearable's link is not-found");
        await Screen.ExpectAsync("press the wearable's button now");
        await Task.Delay(50);
        H.Time.Advance(TimeSpan.FromSeconds(60));
        await Screen.ExpectAsync("FAIL wearable-button: no help press within 60 s (link not-found: C8:11:22:33:EE:FF is unknown to BlueZ)");
        await Screen.ExpectAsync("shake the wearable hard now");
        await Task.Delay(50);
        H.Time.Advance(TimeSpan.FromSeconds(60));
        await Screen.ExpectAsync("FAIL wearable: no samples within 60 s: the wearable is not streaming (link not-found");
        await Screen.ExpectAsync("eg> ");

        var data = (await RunAsync("commission status"));
        Assert.Matches(@"walktest\.wearable\s+fail: no samples within 60 s", data);
        Assert.Contains(H.Audit.Entries, e => e.Action == "walk-test" && e.Detail.StartsWith("wearable-button fail", StringComparison.Ordinal));
    }
}
