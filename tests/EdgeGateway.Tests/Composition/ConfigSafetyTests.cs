using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Configuration;
using EdgeGateway.Demo;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Composition;

/// <summary>
/// One wrong edit against the real gateway process, a real mosquitto and a real pty: a change that takes the pull cord,
/// a safety rule or a fire input away needs "knowingly", a data directory that cannot hold the state is refused, and a
/// config that cannot start falls back to the last that did, with the console and the heartbeat saying why.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConfigSafetyTests : IAsyncDisposable
{
    private const string GatewayId = "run-test";
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("config-safety-").FullName;

    private string ConfigPath => Path.Combine(_dir, "config.json");

    private string DataDir => Path.Combine(_dir, "data");

    private string WriteConfig(string brokerUrl, Action<GatewayConfig>? change = null)
    {
        var home = SimulatedHome.Config(Oslo, DataDir);
        var config = new GatewayConfig
        {
            GatewayId = GatewayId,
            Simulated = true,
            DataDirectory = home.DataDirectory,
            Devices = home.Devices,
            Rules = home.Rules,
            Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 1, KeepAliveSeconds = 2, PlainLoopbackDemo = true },
        };
        change?.Invoke(config);
        File.WriteAllText(ConfigPath, config.ToJson());
        return ConfigPath;
    }

    [Fact]
    public async Task Taking_the_pull_cord_a_rule_or_a_fire_input_away_needs_knowingly_from_the_centre_and_the_console_alike()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync(endpoint.Host, endpoint.Port);
        // Without the demo's wearable, whose button is a help input of its own: the pull cord is the last one.
        var config = WriteConfig(broker.Url, c => c.Devices.Wearable = null);
        Assert.Equal(nameof(Core.Events.SensorKind.HelpButton), JsonNode.Parse(File.ReadAllText(config))!["devices"]!["contacts"]![1]!["kind"]!.GetValue<string>());
        using var cable = await PtyPair.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "cable")).FullName);
        var online = OnlineAsync(tap);
        await using var gateway = CliProcess.Start("run", "--config", config, "--console", cable.GatewayEnd);
        await gateway.WaitForLineAsync("Alarm loop armed", Patience);
        await online;
        await using var centre = await TestCentre.ConnectAsync(broker.Url, GatewayId);

        // The centre: the only pull cord made a door contact, a rule off, the fire input gone: each refused, naming its key.
        var cord = await RefusedAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["devices.contacts.1.kind"] = "DoorContact" } }, "args.changes.devices.contacts.1.kind");
        Assert.Contains("last help input ('pull-cord')", cord, StringComparison.Ordinal);
        Assert.Contains("knowingly", cord, StringComparison.Ordinal);
        Assert.Contains("turns a safety rule off", await RefusedAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["rules.night_exit"] = "null" } }, "args.changes.rules.night_exit"), StringComparison.Ordinal);
        Assert.Contains("fire input 'kitchen-smoke'", await RefusedAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["devices.contacts.2.kind"] = "DoorContact" } }, "args.changes.devices.contacts.2"), StringComparison.Ordinal);
        Assert.Equal(1, (await OkAsync(centre, "config.get", new { keys = new[] { "gateway_id" } })).GetProperty("version").GetInt64());

        // The technician: the same change is refused by a plain apply, and taken only when said knowingly.
        using (var laptop = new LaptopTerminal(cable.LaptopEnd))
        {
            await laptop.LogInAsync(PinPolicy.DemoPin);
            async Task<string> RunAsync(string line)
            {
                laptop.Type(line + "\r");
                return await laptop.ExpectAsync("eg> ");
            }

            Assert.Contains("staged", await RunAsync("config set devices.contacts.1.kind DoorContact"), StringComparison.Ordinal);
            var refused = await RunAsync("config apply");
            Assert.Contains("not applied: devices.contacts.1.kind: takes away the home's last help input", refused, StringComparison.Ordinal);
            Assert.Contains("config apply knowingly", refused, StringComparison.Ordinal);
            Assert.Contains("expected config apply [knowingly]", await RunAsync("config apply knowingy"), StringComparison.Ordinal);
            var applied = await RunAsync("config apply knowingly");
            Assert.Contains("knowingly: devices.contacts.1.kind: takes away the home's last help input", applied, StringComparison.Ordinal);
            Assert.Contains("applied as version 2", applied, StringComparison.Ordinal);
            await gateway.WaitForLineAsync("Config version 2 is in force", Patience);

            // The home without a help input says so: on the console and in every heartbeat.
            var status = await RunAsync("status");
            Assert.Contains("help input", status, StringComparison.Ordinal);
            Assert.Contains("no help button or pull cord", status, StringComparison.Ordinal);
            Assert.Contains("pull-cord (door)", await RunAsync("sensors"), StringComparison.Ordinal);
            Assert.Contains("knowingly: devices.contacts.1.kind", await RunAsync("config history 1"), StringComparison.Ordinal);
        }

        await tap.WaitUntilAsync(
            m => m.Any(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal) && w.Payload.Contains("\"help_inputs\":\"0\"", StringComparison.Ordinal)),
            Patience,
            "a heartbeat that says the home has no help input");
        Assert.Contains(tap.Messages, w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal) && w.Payload.Contains("\"help_inputs\":\"1\"", StringComparison.Ordinal));
        Assert.Contains("knowingly", await File.ReadAllTextAsync(Path.Combine(DataDir, "audit.log")), StringComparison.Ordinal);

        // Back, and away again from the centre, knowingly: the audit keeps who took it away and what.
        ContractValidator.AssertValid(ContractSchema.Command, $$$"""{"id":"{{{Guid.NewGuid()}}}","type":"config.set","by":"nurse-1","expires":"2030-01-01T00:00:00Z","args":{"changes":{"devices.contacts.1.kind":"DoorContact"},"knowingly":true}}""");
        await OkAsync(centre, "config.rollback", new { version = 1, reason = "cord back" });
        await gateway.WaitForLineAsync("Config version 3 is in force", Patience);
        await OkAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["devices.contacts.1.kind"] = "DoorContact" }, knowingly = true, reason = "cord broken, replaced tomorrow" });
        var entries = (await OkAsync(centre, "config.history", new { limit = 4 })).GetProperty("entries");
        Assert.Equal("nurse-1", entries[0].GetProperty("by").GetString());
        Assert.Contains("last help input", entries[0].GetProperty("knowingly")[0].GetString(), StringComparison.Ordinal);
        Assert.False(entries[1].TryGetProperty("knowingly", out _), "a rollback that gives the cord back takes nothing away");
        Assert.Contains("last help input", entries[2].GetProperty("knowingly")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_the_gateway_cannot_use_is_refused_before_it_is_accepted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync(endpoint.Host, endpoint.Port);
        var online = OnlineAsync(tap);
        await using var gateway = CliProcess.Start("run", "--config", WriteConfig(broker.Url));
        await gateway.WaitForLineAsync("Alarm loop armed", Patience);
        await online;
        await using var centre = await TestCentre.ConnectAsync(broker.Url, GatewayId);

        Assert.Contains("'/proc/eg-data' is a system directory", await RefusedAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["data_directory"] = "/proc/eg-data" } }, "args.changes.data_directory"), StringComparison.Ordinal);
        Assert.Contains("system directory", await RefusedAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["data_directory"] = "/etc" } }, "args.changes.data_directory"), StringComparison.Ordinal);
        var file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        Assert.Contains("cannot hold the gateway's state", await RefusedAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["data_directory"] = file } }, "args.changes.data_directory"), StringComparison.Ordinal);

        // A directory that works is accepted, and the trial leaves nothing behind in it.
        var usb = Path.Combine(_dir, "usb");
        await OkAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["data_directory"] = usb } });
        Assert.False(Directory.Exists(usb), "the trial removes the directory it made; the next start makes it");
    }

    [Fact]
    public async Task A_config_that_cannot_start_falls_back_to_the_last_that_did_arms_and_says_why()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync(endpoint.Host, endpoint.Port);
        var config = WriteConfig(broker.Url);
        var usb = Path.Combine(_dir, "usb");
        var online = OnlineAsync(tap);
        await using (var first = CliProcess.Start("run", "--config", config))
        {
            await first.WaitForLineAsync("Alarm loop armed", Patience);
            await online;
            await using var centre = await TestCentre.ConnectAsync(broker.Url, GatewayId);
            await OkAsync(centre, "config.set", new { changes = new Dictionary<string, object> { ["data_directory"] = usb }, reason = "state on the USB stick" });
            await first.WaitForLineAsync("Config version 2 is in force", Patience);
            first.Terminate();
            await first.WaitForExitAsync(Patience);
        }

        // The stick is gone and something else sits at its path: version 2 cannot start.
        await File.WriteAllTextAsync(usb, "not a directory");
        using var cable = await PtyPair.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "cable")).FullName);
        online = OnlineAsync(tap);
        await using var gateway = CliProcess.Start("run", "--config", config, "--console", cable.GatewayEnd);
        await gateway.WaitForLineAsync("Alarm loop armed", Patience);
        await online;
        var fellBack = await gateway.WaitForLineAsync("fell back to version 1", Patience);
        Assert.Contains("Config version 2 could not start", fellBack, StringComparison.Ordinal);

        // The store says what runs, audited as the system's rollback with the reason; the next start starts it.
        Assert.Equal(DataDir, JsonNode.Parse(await File.ReadAllTextAsync(config))!["data_directory"]!.GetValue<string>());
        await using (var centre = await TestCentre.ConnectAsync(broker.Url, GatewayId))
        {
            var newest = (await OkAsync(centre, "config.history", new { limit = 1 })).GetProperty("entries")[0];
            Assert.Equal(3, newest.GetProperty("version").GetInt64());
            Assert.Equal("system", newest.GetProperty("by").GetString());
            Assert.Equal("start-up fallback", newest.GetProperty("via").GetString());
            Assert.Contains("version 2 could not start", newest.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        await tap.WaitUntilAsync(
            m => m.Any(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal) && w.Payload.Contains("\"config\":\"version 2 could not start", StringComparison.Ordinal)),
            Patience,
            "a heartbeat that says the gateway fell back");
        using var laptop = new LaptopTerminal(cable.LaptopEnd);
        await laptop.LogInAsync(PinPolicy.DemoPin);
        laptop.Type("status\r");
        var status = await laptop.ExpectAsync("eg> ");
        Assert.Contains("version 2 could not start", status, StringComparison.Ordinal);
        Assert.Contains("running version 1 again as version 3", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_home_without_a_help_button_starts_but_says_so_at_start_and_in_the_heartbeat()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync(endpoint.Host, endpoint.Port);
        var config = WriteConfig(broker.Url, c =>
        {
            c.Devices.Contacts = [.. c.Devices.Contacts.Where(k => k.Kind != nameof(Core.Events.SensorKind.HelpButton))];
            c.Devices.Wearable = null;
        });
        await using var gateway = CliProcess.Start("run", "--config", config);
        await gateway.WaitForLineAsync("Alarm loop armed", Patience);
        await gateway.WaitForLineAsync("No help input", Patience);
        Assert.Contains("warning: " + config + ": devices.contacts: no help button or pull cord", gateway.StdErr, StringComparison.Ordinal);
        await tap.WaitUntilAsync(
            m => m.Any(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal) && w.Payload.Contains("\"help_inputs\":\"0\"", StringComparison.Ordinal)),
            Patience,
            "a heartbeat that says the home has no help input");
        ContractValidator.AssertValid(ContractSchema.Heartbeat, tap.Messages.Last(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal)).Payload);
    }

    /// <summary>Waits for the next heartbeat: the gateway is connected and subscribed to its commands (a command sent before that is lost).</summary>
    private static Task OnlineAsync(MqttTap tap)
    {
        var seen = tap.Messages.Count;
        return tap.WaitUntilAsync(m => m.Skip(seen).Any(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal)), Patience, "a heartbeat: the gateway is online");
    }

    private static async Task<JsonElement> OkAsync(TestCentre centre, string type, object args)
    {
        var reply = await centre.CommandAsync(type, "nurse-1", args);
        ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
        Assert.True(reply.GetProperty("status").GetString() == "ok", reply.GetRawText());
        return reply.GetProperty("result");
    }

    /// <summary>The command is refused as "rejected" at <paramref name="field"/>; returns its message.</summary>
    private static async Task<string> RefusedAsync(TestCentre centre, string type, object args, string field)
    {
        var reply = await centre.CommandAsync(type, "nurse-1", args);
        ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
        Assert.True(reply.GetProperty("status").GetString() == "error", reply.GetRawText());
        var error = reply.GetProperty("error");
        Assert.Equal("rejected", error.GetProperty("code").GetString());
        Assert.Equal(field, error.GetProperty("field").GetString());
        return error.GetProperty("message").GetString()!;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
