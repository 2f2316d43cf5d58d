using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Demo;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;
using MQTTnet;

namespace EdgeGateway.Tests.Composition;

/// <summary>The real gateway process (<c>run --config</c>) on a simulated home against a real mosquitto.</summary>
[Trait("Category", "Integration")]
public sealed class GatewayRunTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-run-").FullName;

    private string WriteConfig(string brokerUrl, Func<GatewayConfig, GatewayConfig>? change = null)
    {
        var dataDir = Path.Combine(_dir, "data");
        var config = SimulatedHome.Config(Oslo, dataDir);
        config = new GatewayConfig { GatewayId = "run-test", Simulated = true, DataDirectory = config.DataDirectory, Devices = config.Devices, Rules = config.Rules, Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 1, KeepAliveSeconds = 2, PlainLoopbackDemo = true } };
        config = change?.Invoke(config) ?? config;
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }

    private static async Task<string> RetainedStatusAsync(string url, Func<string, bool> until)
    {
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(url);
        using var client = new MqttClientFactory().CreateMqttClient();
        var latest = "";
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            latest = Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray());
            if (until(latest))
            {
                seen.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).WithClientId("status-watch-" + Guid.NewGuid().ToString("N")).Build());
        await client.SubscribeAsync("edgegateway/v1/run-test/status");
        try
        {
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"status never matched; last was '{latest}'");
        }

        return latest;
    }

    [Fact]
    public async Task Gateway_arms_first_reports_health_goes_online_and_comes_back_after_a_kill()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var config = WriteConfig(broker.Url);
        var health = Path.Combine(_dir, "data", HealthFile.FileName);

        await using (var gateway = CliProcess.Start("run", "--config", config))
        {
            var armed = await WaitForLineAsync(gateway, "Alarm loop armed");
            Assert.Matches(@"armed \d+ ms after process start", armed);
            await RetainedStatusAsync(broker.Url, s => s.Contains("\"online\"", StringComparison.Ordinal));
            using var doc = await WaitForHealthAsync(health);
            Assert.True(doc.RootElement.GetProperty("armed").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("uplinkConnected").GetBoolean());
            Assert.Matches(@"^\d+\.\d+\.\d+\+", doc.RootElement.GetProperty("version").GetString());

            // The centre asks for a test alarm: one reply, and the alarm travels the whole path.
            var reply = await CommandAsync(broker.Url, "alarm.test", "run-test/events/alarm");
            Assert.Contains("\"status\":\"ok\"", reply.Reply, StringComparison.Ordinal);
            Assert.Contains("org.edgegateway.alarm.test", reply.Event, StringComparison.Ordinal);

            gateway.Kill();
        }

        // The broker publishes the last will for the killed process; a new process must replace it with online.
        await RetainedStatusAsync(broker.Url, s => s.Contains("\"offline\"", StringComparison.Ordinal));
        await using var again = CliProcess.Start("run", "--config", config);
        await WaitForLineAsync(again, "Alarm loop armed");
        await RetainedStatusAsync(broker.Url, s => s.Contains("\"online\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pulled_console_cable_is_survived_and_the_console_comes_back_when_it_is_replugged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var config = WriteConfig(broker.Url);
        var cableDir = Directory.CreateDirectory(Path.Combine(_dir, "cable")).FullName;
        var cable = await PtyPair.StartAsync(cableDir);
        try
        {
            await using var gateway = CliProcess.Start("run", "--config", config, "--console", cable.GatewayEnd);
            await WaitForLineAsync(gateway, "Alarm loop armed");
            using (var laptop = new LaptopTerminal(cable.LaptopEnd))
            {
                await laptop.LogInAsync(TechnicianConsole.Security.PinPolicy.DemoPin);
                laptop.Type("watch front-door\r");
                await laptop.ExpectAsync("Ctrl-C");

                // Pulled mid-command: the gateway must notice, close the line and keep running.
                cable.Hangup();
            }

            await WaitForLineAsync(gateway, "ended: disconnected");
            cable.Dispose();
            cable = await PtyPair.StartAsync(cableDir);
            using (var laptop = new LaptopTerminal(cable.LaptopEnd))
            {
                await laptop.LogInAsync(TechnicianConsole.Security.PinPolicy.DemoPin);
                laptop.Type("status\r");
                var status = await laptop.ExpectAsync("> ");
                Assert.Contains("run-test", status, StringComparison.Ordinal);
                Assert.Contains($"primary ({broker.Url}): ", status, StringComparison.Ordinal);
                Assert.Contains("(connected, carries the events)", status, StringComparison.Ordinal);
            }

            var audit = await File.ReadAllTextAsync(Path.Combine(_dir, "data", "audit.log"));
            Assert.Contains("\"disconnect\"", audit, StringComparison.Ordinal);

            // A stop with the console open still ends promptly and cleanly (systemd would otherwise SIGKILL it).
            gateway.Terminate();
            await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(gateway.ExitCode == 0, $"exit {gateway.ExitCode}: {gateway.StdErr}\n{gateway.StdOut[^Math.Min(3000, gateway.StdOut.Length)..]}");
        }
        finally
        {
            cable.Dispose();
        }
    }

    [Fact]
    public async Task A_config_applied_on_the_console_is_put_in_force_but_never_while_an_alarm_is_active()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var config = WriteConfig(broker.Url);
        using var cable = await PtyPair.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "cable")).FullName);
        await using var gateway = CliProcess.Start("run", "--config", config, "--console", cable.GatewayEnd);
        await WaitForLineAsync(gateway, "Alarm loop armed");
        using var laptop = new LaptopTerminal(cable.LaptopEnd);
        await laptop.LogInAsync(TechnicianConsole.Security.PinPolicy.DemoPin);

        async Task<string> RunAsync(string line)
        {
            laptop.Type(line + "\r");
            return await laptop.ExpectAsync("> ");
        }

        // An active alarm: the centre's test alarm stays raised until the centre acknowledges it, and nobody acks here.
        Assert.Contains("\"status\":\"ok\"", (await CommandAsync(broker.Url, "alarm.test", "run-test/events/alarm")).Reply, StringComparison.Ordinal);
        var alarmId = System.Text.RegularExpressions.Regex.Match(await RunAsync("alarm list"), "[0-9a-f]{8}-[0-9a-f-]{27}").Value;
        Assert.NotEmpty(alarmId);

        Assert.Contains("staged", await RunAsync("config set devices.contacts.1.sensor_id bathroom-cord"), StringComparison.Ordinal);
        Assert.Contains("applied as version 2 (1 change(s)); the home restarts with it", await RunAsync("config apply"), StringComparison.Ordinal);
        await WaitForLineAsync(gateway, "Config version 2 waits for 1 active alarm(s)");
        Assert.Contains("pull-cord", await RunAsync("sensors"), StringComparison.Ordinal);

        // The technician clears the alarm; only then is the home rebuilt, and the same session sees the new sensor.
        await RunAsync($"alarm reset {alarmId[..8]}");
        var inForce = await WaitForLineAsync(gateway, "is in force");
        Assert.Matches(@"Config version 2 is in force: home rebuilt and armed in \d+ ms", inForce);
        output.WriteLine(inForce);
        var sensors = await RunAsync("sensors");
        Assert.Contains("bathroom-cord", sensors, StringComparison.Ordinal);
        Assert.DoesNotContain("pull-cord", sensors, StringComparison.Ordinal);

        // The rebuilt home is the one that delivers: the centre's test alarm goes through its uplink.
        var reply = await CommandAsync(broker.Url, "alarm.test", "run-test/events/alarm");
        Assert.Contains("\"status\":\"ok\"", reply.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_receipt_ack_says_received_only_a_named_nurse_says_help_is_coming_and_a_clear_ends_it()
    {
        await using var broker = await MosquittoBroker.StartAsync();

        var config = WriteConfig(broker.Url, RaisesAnAlarmSoon);
        await using var centre = await TestCentre.ConnectAsync(broker.Url, "run-test");
        await using var gateway = CliProcess.Start("run", "--config", config);
        await WaitForLineAsync(gateway, "Alarm loop armed");

        var alarm = await centre.NextEventAsync("org.edgegateway.alarm.inactivity");
        // Each step is waited for in state and outputs together: the loop moves the alarm, then sets the outputs.
        var raised = await centre.StatusUntilAsync(s => Alarm(s, alarm) == "raised" && Outputs(s).Item1 == "Alarm");
        Assert.Equal("Alarm", Outputs(raised).Item2);

        // The centre has stored it: "your alarm has been received", and nothing more.
        await centre.AckAsync(alarm, "central-test");
        var delivered = await centre.StatusUntilAsync(s => Alarm(s, alarm) == "delivered" && Outputs(s).Item1 != "Alarm");
        Assert.Equal(("AlarmDelivered", "AlarmDelivered"), Outputs(delivered));

        // A person takes it on: only now "help is coming". A repeated ack afterwards changes nothing.
        var take = await centre.CommandAsync("alarm.acknowledge", "Nurse Berit", new { alarm });
        Assert.Equal("ok", take.GetProperty("status").GetString());
        await centre.AckAsync(alarm, "central-test");
        var taken = await centre.StatusUntilAsync(s => Alarm(s, alarm) == "taken" && Outputs(s).Item1 != "AlarmDelivered");
        Assert.Equal(("AlarmTaken", "AlarmTaken"), Outputs(taken));

        var clear = await centre.CommandAsync("alarm.clear", "Nurse Berit", new { alarm });
        Assert.Equal("ok", clear.GetProperty("status").GetString());
        var idle = await centre.StatusUntilAsync(s => Alarm(s, alarm) is null && Outputs(s).Item1 != "AlarmTaken");
        Assert.Equal("Off", Outputs(idle).Item1);
        await centre.NextEventAsync("org.edgegateway.info.alarm-cleared");

        static string? Alarm(JsonElement status, Guid id) =>
            status.GetProperty("alarms").EnumerateArray().Where(a => a.GetProperty("id").GetGuid() == id).Select(a => a.GetProperty("state").GetString()).FirstOrDefault();
        static (string?, string?) Outputs(JsonElement status) =>
            (status.GetProperty("states").GetProperty("buzzer").GetString(), status.GetProperty("states").GetProperty("led").GetString());
    }

    // A real alarm in a real process: inactivity with second-long limits, counted only on the front door (which stays
    // shut), in a day window around now, so the alarm comes by itself a few seconds after start.
    private static GatewayConfig RaisesAnAlarmSoon(GatewayConfig c)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Oslo).DateTime);
        c.Rules.Day = new Core.Rules.TimeWindowOptions { Start = local.AddHours(-1), End = local.AddHours(2) };
        c.Rules.Inactivity = new Core.Rules.InactivityOptions
        {
            ActivitySensorIds = [SimulatedHome.FrontDoor],
            Limit = TimeSpan.FromSeconds(1),
            WarningDuration = TimeSpan.FromSeconds(1),
            CheckInterval = TimeSpan.FromSeconds(1),
        };
        return c;
    }

    [Fact]
    public async Task Central_take_as_acks_an_alarm_and_then_takes_it_on_as_the_named_nurse()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var watcher = await TestCentre.ConnectAsync(broker.Url, "run-test");
        await using var central = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--take-as", "Nurse Berit");
        await using var gateway = CliProcess.Start("run", "--config", WriteConfig(broker.Url, RaisesAnAlarmSoon));
        await WaitForLineAsync(gateway, "Alarm loop armed");

        // The central prints the alarm as today, acks it (delivered), then takes it on (taken).
        var alarm = await watcher.NextEventAsync("org.edgegateway.alarm.inactivity");
        Assert.Contains(alarm.ToString(), await WaitForLineAsync(central, "org.edgegateway.alarm.inactivity"), StringComparison.Ordinal);
        var taken = await watcher.StatusUntilAsync(s => s.GetProperty("alarms").EnumerateArray().Any(a => a.GetProperty("id").GetGuid() == alarm && a.GetProperty("state").GetString() == "taken")
            && s.GetProperty("states").GetProperty("buzzer").GetString() is not ("Alarm" or "AlarmDelivered" or "PreAlarm"));
        Assert.Equal("AlarmTaken", taken.GetProperty("states").GetProperty("buzzer").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Central_refuses_an_empty_take_as_name(string name)
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "--take-as", name);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--take-as", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("expected the operator's name", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_modem_without_SIM_reaches_the_centre_as_a_modem_fault_and_shows_in_the_heartbeat_and_status()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var mmcli = TestSupport.Modem.FakeMmcli.Start("sim-missing");
        var config = WriteConfig(broker.Url, c =>
        {
            c.Devices.Modem = new Devices.Configuration.ModemConfig { CheckMinutes = 10, MinSignalPercent = 20 };
            return c;
        });
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var gateway = CliProcess.StartWith(new Dictionary<string, string> { ["PATH"] = mmcli.PathWithFakeFirst }, "run", "--config", config);
        await WaitForLineAsync(gateway, "Alarm loop armed");

        await tap.WaitUntilAsync(
            m => m.Any(w => w.Topic == "edgegateway/v1/run-test/events/technical" && w.Payload.Contains("technical.modem-fault", StringComparison.Ordinal))
                && m.Any(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal) && w.Payload.Contains("\"modem\":\"sim-missing\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60),
            "the modem fault and a heartbeat that carries it");
        var fault = tap.Messages.First(w => w.Payload.Contains("technical.modem-fault", StringComparison.Ordinal));
        ContractValidator.AssertValid(ContractSchema.Event, fault.Payload);
        using (var doc = JsonDocument.Parse(fault.Payload))
        {
            Assert.Equal("modem", doc.RootElement.GetProperty("subject").GetString());
            Assert.Equal("0024", doc.RootElement.GetProperty("scaipstatus").GetString());
            Assert.Equal("4G modem (secondary path): SIM missing (sim-missing)", doc.RootElement.GetProperty("data").GetProperty("message").GetString());
        }

        var heartbeat = tap.Messages.Last(w => w.Topic.EndsWith("/heartbeat", StringComparison.Ordinal));
        ContractValidator.AssertValid(ContractSchema.Heartbeat, heartbeat.Payload);
        Assert.Contains("\"modem.state\":\"failed\"", heartbeat.Payload, StringComparison.Ordinal);
        Assert.Contains("-J -m 0", mmcli.Calls);

        // The centre's status.request carries the same states.
        var status = await CommandAsync(broker.Url, "status.request", eventTopicSuffix: null);
        Assert.Contains("\"modem\":\"sim-missing\"", status.Reply, StringComparison.Ordinal);
        ContractValidator.AssertValid(ContractSchema.CommandReply, status.Reply);
    }

    [Fact]
    public async Task A_real_heartbeat_carries_every_documented_state_and_matches_the_strict_schema()
    {
        // A home that checks everything a heartbeat can report: power (a DC UPS), the 4G modem (healthy), the board.
        await using var broker = await MosquittoBroker.StartAsync();
        using var mmcli = TestSupport.Modem.FakeMmcli.Start("healthy");
        var config = WriteConfig(broker.Url, c =>
        {
            c.Devices.Modem = new Devices.Configuration.ModemConfig { CheckMinutes = 10, MinSignalPercent = 20 };
            c.Devices.Board = new Devices.Configuration.BoardConfig { CheckSeconds = 10 };
            return c;
        });

        // Power is added to the file by hand: GatewayConfig.ToJson writes PowerConfig's computed effective_address, which the reader refuses.
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!;
        file["devices"]!["power"] = new System.Text.Json.Nodes.JsonObject { ["source"] = "dc-ups", ["ac_ok_pin"] = SimulatedHome.AcOkPin, ["poll_seconds"] = 1 };
        File.WriteAllText(config, file.ToJsonString());
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var gateway = CliProcess.StartWith(new Dictionary<string, string> { ["PATH"] = mmcli.PathWithFakeFirst }, "run", "--config", config);
        await WaitForLineAsync(gateway, "Alarm loop armed");

        static bool Complete(WireMessage w) => w.Topic == "edgegateway/v1/run-test/heartbeat" && w.Payload.Contains("\"modem\":\"ok\"", StringComparison.Ordinal)
            && w.Payload.Contains("\"board.free_percent\"", StringComparison.Ordinal) && w.Payload.Contains("\"power.supply\"", StringComparison.Ordinal);
        await tap.WaitUntilAsync(m => m.Any(Complete), TimeSpan.FromSeconds(60), "a heartbeat after the modem, power and board checks");
        var heartbeat = tap.Messages.Last(Complete);
        output.WriteLine(heartbeat.Payload);
        ContractValidator.AssertValid(ContractSchema.Heartbeat, heartbeat.Payload);

        using var doc = JsonDocument.Parse(heartbeat.Payload);
        var keys = doc.RootElement.GetProperty("states").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["power", "power.supply", "modem", "modem.state", "modem.registration", "board", "board.free_mb", "board.free_percent", "link", "path.primary", "buzzer", "led", "alarms"], StringComparer.Ordinal), keys);

        // Whatever the gateway emits is documented: a new state key must come with its schema entry (and docs/events.md).
        using var schema = JsonDocument.Parse(File.ReadAllText(ContractValidator.FileOf(ContractSchema.Heartbeat)));
        var documented = schema.RootElement.GetProperty("properties").GetProperty("states").GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(keys.Except(documented));
    }

    /// <summary>Sends a command as the centre and waits for its reply and, unless <paramref name="eventTopicSuffix"/> is null, the event it causes.</summary>
    private static async Task<(string Reply, string Event)> CommandAsync(string url, string type, string? eventTopicSuffix)
    {
        var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(url);
        using var client = new MqttClientFactory().CreateMqttClient();
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var evt = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var text = Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray());
            (e.ApplicationMessage.Topic.EndsWith("/replies", StringComparison.Ordinal) ? reply : evt).TrySetResult(text);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).WithClientId("centre-" + Guid.NewGuid().ToString("N")).Build());
        await client.SubscribeAsync("edgegateway/v1/run-test/replies");
        if (eventTopicSuffix is not null)
        {
            await client.SubscribeAsync("edgegateway/v1/" + eventTopicSuffix);
        }

        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("edgegateway/v1/run-test/commands")
            .WithPayload($$"""{"id":"{{Guid.NewGuid()}}","type":"{{type}}","by":"nurse-1","expires":"{{expires}}"}""")
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        var replied = await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (replied, eventTopicSuffix is null ? "" : await evt.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_bad_config_is_refused_with_every_problem_named_and_nothing_starts()
    {
        var config = WriteConfig("mqtt://127.0.0.1:1", c => new GatewayConfig
        {
            GatewayId = "Bad/Id",
            Simulated = true,
            Devices = new Devices.Configuration.DevicesConfig
            {
                Contacts = [new() { SensorId = "door", Kind = "Teleporter", Pin = 2 }],
                Outputs = new Devices.Configuration.OutputsConfig { BuzzerPin = 18 },
            },
            Uplink = new UplinkConfig { Broker = "http://nope" },
        });
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "run", "--config", config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("gateway_id:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("devices.contacts.0.kind", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("devices.contacts.0.pin: GPIO 2 is reserved for I2C", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("devices.outputs.led_pin: missing", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("uplink.broker: 'http://nope'", result.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")), "nothing may be created for a refused config");
    }

    [Fact]
    public async Task A_typo_in_a_key_is_an_error_not_a_silently_ignored_setting()
    {
        var path = Path.Combine(_dir, "typo.json");
        File.WriteAllText(path, """{ "gateway_id": "x", "rulez": {} }""");
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "run", "--config", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("rulez", result.StdErr, StringComparison.Ordinal);
    }

    private static Task<string> WaitForLineAsync(CliProcess process, string text) => process.WaitForLineAsync(text, TimeSpan.FromSeconds(60));

    private static async Task<JsonDocument> WaitForHealthAsync(string path)
    {
        for (var i = 0; i < 300; i++)
        {
            if (File.Exists(path))
            {
                var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path));
                if (doc.RootElement.GetProperty("uplinkConnected").GetBoolean())
                {
                    return doc;
                }

                doc.Dispose();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{path} never said the uplink is connected");
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
