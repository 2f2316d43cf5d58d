using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Demo;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Configuration;

public class GatewayConfigTests
{
    private sealed class Valve : Core.Outputs.IShutOffValve
    {
        public bool IsClosed { get; private set; }

        public void SetClosed(bool closed) => IsClosed = closed;
    }

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }

    [Fact]
    public void The_shipped_example_config_uses_the_pins_the_hardware_pinout_tells_the_technician_to_wire()
    {
        // A technician wires by hardware/README.md and installs this config: a swapped pin reads the pull cord as the bed.
        var config = GatewayConfig.Parse(File.ReadAllText(RepoFile("deploy/config.example.json")), "config.example.json");
        var devices = config.Devices;
        var checkedRows = 0;
        foreach (var line in File.ReadLines(RepoFile("hardware/README.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 7 || !int.TryParse(cells[1], out var bcm))
            {
                continue;
            }

            var where = cells[^2];
            var key = System.Text.RegularExpressions.Regex.Match(where, @"`devices\.(contacts|flow_meters)\.(\d+)`|`devices\.outputs\.(\w+)`|^`(\w+)`|its `supervision_pin`");
            if (!key.Success)
            {
                continue;
            }

            if (key.Groups[1].Value == "flow_meters" && int.Parse(key.Groups[2].Value) >= devices.FlowMeters.Count)
            {
                continue; // the utility meter is optional; the example home has none
            }

            int? pin = key switch
            {
                _ when key.Groups[1].Value == "contacts" => devices.Contacts[int.Parse(key.Groups[2].Value)].Pin,
                _ when key.Groups[1].Value == "flow_meters" => devices.FlowMeters[int.Parse(key.Groups[2].Value)].Pin,
                _ when key.Groups[3].Value == "buzzer_pin" => devices.Outputs.BuzzerPin,
                _ when key.Groups[3].Value == "led_pin" => devices.Outputs.LedPin,
                _ when key.Groups[3].Value == "valve_relay_pin" => devices.Outputs.ValveRelayPin,
                _ when key.Groups[4].Success => devices.Contacts.Where(c => c.Kind == key.Groups[4].Value).Select(c => (int?)c.Pin).FirstOrDefault(p => p == bcm) ?? -1,
                _ => devices.Contacts.Single(c => c.Kind == "SmokeDetector").SupervisionPin,
            };
            Assert.True(pin == bcm, $"hardware/README.md wires BCM {bcm} as '{cells[3]}' ({where}); deploy/config.example.json has {pin?.ToString() ?? "nothing"}");
            checkedRows++;
        }

        Assert.True(checkedRows >= 15, $"only {checkedRows} pinout rows were checked: did the README's tables change shape?");
    }

    [Fact]
    public void The_shipped_example_config_is_valid_once_it_has_its_own_pin_and_wires_every_rule()
    {
        var path = RepoFile("deploy/config.example.json");
        var ex = Assert.Throws<ConfigurationException>(() => GatewayConfig.Load(path));
        var issue = Assert.Single(ex.Issues);
        Assert.Equal("console.pin_hash", issue.Path);
        Assert.NotNull(issue.Line);
        Assert.StartsWith($"{path}: line {issue.Line}, column {issue.Column}: console.pin_hash: not set: a real installation needs its own technician PIN", Assert.Single(ex.Errors), StringComparison.Ordinal);

        var config = GatewayConfig.Parse(File.ReadAllText(path), path);
        config.Console.PinHash = TechnicianConsole.Security.PinHash.Create("9513", 1000).ToString();
        Assert.Empty(config.Validate());
        config.Console.PinHash = TechnicianConsole.Security.PinHash.Create(TechnicianConsole.Security.PinPolicy.DemoPin, 1000).ToString();
        Assert.Contains(config.Validate().Lines(), e => e.StartsWith("console.pin_hash:", StringComparison.Ordinal) && e.Contains("demo PIN", StringComparison.Ordinal));
        config.Console.PinHash = TechnicianConsole.Security.PinHash.Create("9513", 1000).ToString();
        Assert.Equal("home-0001", config.GatewayId);
        Assert.False(config.Simulated);
        Assert.Equal(12, config.EffectiveRules.BuildRules(new Valve()).Count);
        foreach (var kind in new[] { "SmokeDetector", "SmokeDetectorFault", "MedicationDispenser", "DispenserFault", "StoveGuard", "StoveGuardFault", "Motion" })
        {
            Assert.Contains(config.Devices.Contacts, c => c.Kind == kind);
        }

        Assert.NotNull(config.Devices.Contacts.Single(c => c.Kind == "SmokeDetector").SupervisionPin);
        Assert.Equal(TimeSpan.FromMinutes(45), config.Rules.BathroomTooLong!.NightLimit);
        Assert.Equal(new TimeOnly(10, 0), config.Rules.DailyTest!.Time);
    }

    [Fact]
    public void The_demo_home_config_round_trips_through_json()
    {
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), "/tmp/x");
        var back = GatewayConfig.Parse(config.ToJson(), "demo");
        Assert.Empty(back.Validate());
        Assert.Equal(config.ToJson(), back.ToJson());
    }

    [Theory]
    [InlineData("ina219")]
    [InlineData("pijuice")]
    [InlineData("dc-ups")]
    public void A_home_with_a_power_source_round_trips_through_json(string source)
    {
        // ToJson once wrote the derived effective_address, which the file's own check then refused as an unknown key.
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), "/tmp/x");
        config.Devices.Power = source == "dc-ups"
            ? new Devices.Configuration.PowerConfig { Source = source, AcOkPin = SimulatedHome.AcOkPin }
            : new Devices.Configuration.PowerConfig { Source = source };
        var json = config.ToJson();

        Assert.DoesNotContain("effective_address", json, StringComparison.Ordinal);
        var back = GatewayConfig.Parse(json, "written");
        Assert.Empty(back.Validate());
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void Keys_left_out_keep_their_documented_defaults()
    {
        var config = GatewayConfig.Parse("""{ "devices": { "contacts": [ { "sensor_id": "d", "pin": 17 } ] }, "rules": { "night_exit": { "door_sensor_id": "d" } } }""", "config");
        Assert.Equal(TimeSpan.FromMinutes(3), config.Rules.NightExit!.GracePeriod);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Rules.NightExit.ReturnConfirmWindow);
        Assert.Equal(Devices.Contacts.ContactPull.Up, config.Devices.Contacts[0].Pull);
        Assert.Empty(config.Devices.FlowMeters);
        Assert.Equal(60, config.Uplink.HeartbeatSeconds);
    }

    private const string WearableHome = """{ "gateway_id": "home-1", "simulated": false, "uplink": { "broker": "mqtts://centre:8883" }, "devices": { "wearable": WEARABLE }, "rules": { "help_button": {} } }""";

    [Fact]
    public void A_wearable_is_a_help_input_and_an_accelerometer_with_documented_defaults()
    {
        var config = GatewayConfig.Parse(WearableHome.Replace("WEARABLE", """{ "address": "F4:12:FA:6C:3B:91" }""", StringComparison.Ordinal), "config");
        var wearable = config.Devices.Wearable!;
        Assert.Equal(("wearable", 30, 20, 10), (wearable.SensorId, wearable.LostAfterSeconds, wearable.BatteryLowPercent, wearable.BatteryCriticalPercent));
        Assert.Equal(1, ConfigGuards.HelpInputs(config));
        Assert.Contains(config.EffectiveRules.Sensors, s => s is { Id: "wearable", Kind: Core.Events.SensorKind.Accelerometer });
        Assert.Contains(config.EffectiveRules.Sensors, s => s is { Id: "wearable-button", Kind: Core.Events.SensorKind.HelpButton });
        Assert.DoesNotContain(config.Validate().Lines(), l => l.StartsWith("devices.wearable", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ }""", "devices.wearable.address: missing; pair the wearable at the console (wearable pair) or give its Bluetooth address")]
    [InlineData("""{ "address": "F4:12:FA:6C:3B" }""", "devices.wearable.address: 'F4:12:FA:6C:3B' is not a Bluetooth address; expected six hex pairs separated by colons")]
    [InlineData("""{ "address": "F4:12:FA:6C:3B:91", "lost_after_seconds": 2 }""", "devices.wearable.lost_after_seconds: 2 must be 5–600")]
    [InlineData("""{ "address": "F4:12:FA:6C:3B:91", "battery_critical_percent": 25 }""", "devices.wearable.battery_critical_percent: 25 must be at least 1 and below battery_low_percent (20)")]
    [InlineData("""{ "address": "F4:12:FA:6C:3B:91", "sensor_id": "pull cord" }""", "devices.wearable.sensor_id: 'pull cord' may contain only letters, digits, '-' and '_'")]
    public void A_wearable_that_cannot_work_is_refused_naming_its_key(string wearable, string expected)
    {
        var config = GatewayConfig.Parse(WearableHome.Replace("WEARABLE", wearable, StringComparison.Ordinal), "config");
        Assert.Contains(config.Validate().Lines(), l => l.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_simulated_home_needs_no_wearable_address_and_the_buttons_id_cannot_be_taken_twice()
    {
        var config = GatewayConfig.Parse(
            WearableHome.Replace("\"simulated\": false", "\"simulated\": true", StringComparison.Ordinal).Replace("WEARABLE", """{ }, "contacts": [ { "sensor_id": "wearable-button", "kind": "HelpButton", "pin": 5 } ]""", StringComparison.Ordinal),
            "config");
        var problems = config.Validate().Lines().Where(l => l.StartsWith("devices.wearable", StringComparison.Ordinal)).ToList();
        var problem = Assert.Single(problems);
        Assert.Contains("sensor id 'wearable-button' is already used by devices.contacts.0.sensor_id", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"25:00\"", "expected a time of day \"HH:mm\" such as \"23:00\", found \"25:00\"")]
    [InlineData("\"10:00:30\"", "expected a whole minute such as 10:00, found 10:00:30.000")]
    [InlineData("10", "expected a time of day")]
    public void A_bad_daily_test_time_is_refused_naming_the_key(string value, string expected)
    {
        var issues = GatewayConfig.Check(
            $$"""{ "gateway_id": "home-1", "simulated": true, "uplink": { "broker": "mqtt://127.0.0.1:1883", "plain_loopback_demo": true }, "rules": { "daily_test": { "time": {{value}} } } }""", null, out var config);
        Assert.Null(config);
        var issue = Assert.Single(issues, i => i.Path == "rules.daily_test.time");
        Assert.Contains(expected, issue.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "gateway_id": 42 }""", "gateway_id")]
    [InlineData("""{ "devices": { "contacts": [ { "pin": "seventeen" } ] } }""", "pin")]
    [InlineData("""{ "rules": { "night": { "start": "25:99" } } }""", "start")]
    [InlineData("""{ "uplink": { "brokr": "mqtt://x" } }""", "brokr")]
    [InlineData("""{ "gateway_id": """, "config")]
    public void Malformed_json_names_where_it_went_wrong(string json, string expected)
    {
        var ex = Assert.Throws<ConfigurationException>(() => GatewayConfig.Parse(json, "config"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_file_is_listed_at_once_with_its_key_line_and_column_and_what_was_expected_and_found()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("config-errors-").FullName, "config.json");
        File.WriteAllText(path, """
            {
              "gateway_id": "home-1", "simulated": true, "bogus": 1,
              "devices": {
                "contacts": [ { "sensor_id": "door", "kind": "DoorContact", "pinn": 17 }, { "sensor_id": "bed", "kind": "BedMat", "pin": "seventeen" } ],
                "outputs": { "buzzer_pin": 18 }
              },
              "rules": { "night": { "start": "25:99" } },
              "uplink": { "broker": "http://nope", "heartbeat_seconds": true },
              "console": { "pin_hash": 1234 }
            }
            """);

        var ex = Assert.Throws<ConfigurationException>(() => GatewayConfig.Load(path));

        Assert.Equal(
            string.Join('\n',
                "line 2, column 46: unknown key 'bogus' (known here: gateway_id, simulated, data_directory, devices, rules, uplink, console, update)",
                "line 4, column 65: devices.contacts.0: unknown key 'pinn' (known here: sensor_id, kind, pin, pull, wiring, debounce, flapping_max_changes_per_minute, silent_after, stuck_active_after, supervision_pin)",
                "line 4, column 119: devices.contacts.1.pin: expected a whole number, found \"seventeen\"",
                "line 7, column 25: rules.night.start: expected a time of day \"HH:mm\" such as \"23:00\", found \"25:99\"",
                "line 8, column 40: uplink.heartbeat_seconds: expected a whole number, found true",
                "line 9, column 16: console.pin_hash: expected text in quotes, found a number (not shown: it is a secret)"),
            string.Join('\n', ex.Issues.Where(i => i.Problem.StartsWith("unknown", StringComparison.Ordinal) || i.Problem.StartsWith("expected", StringComparison.Ordinal))));

        // The checks of values still run on the rest of the file, and name where the key is (or where it belongs).
        Assert.Contains("line 4, column 19: devices.contacts.0.pin: missing", ex.Issues.Select(i => i.ToString()).Select(s => s.Split(';')[0]));
        Assert.Contains(ex.Issues, i => i is { Path: "devices.outputs.led_pin", Line: 5 } && i.Problem.StartsWith("missing", StringComparison.Ordinal));
        Assert.Contains(ex.Issues, i => i is { Path: "uplink.broker", Line: 8, Column: 15 } && i.Problem.Contains("'http://nope' is not an mqtt://", StringComparison.Ordinal));

        // A key whose value is unreadable is reported once, not again as missing.
        Assert.Single(ex.Issues, i => i.Path == "devices.contacts.1.pin");
        Assert.All(ex.Errors, e => Assert.StartsWith($"{path}: ", e, StringComparison.Ordinal));
        Assert.Equal(ex.Issues.OrderBy(i => i.Line ?? int.MaxValue).ThenBy(i => i.Column), ex.Issues);
        Assert.DoesNotMatch(@"System\.|EdgeGateway\.|Int32|String|Boolean|TimeOnly|JSON property", ex.Message);
        Assert.DoesNotContain("1234", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_names_its_line_and_column()
    {
        var ex = Assert.Throws<ConfigurationException>(() => GatewayConfig.Parse("{\n  \"gateway_id\": \"home-1\"\n  \"simulated\": true\n}", "config.json"));
        var issue = Assert.Single(ex.Issues);
        Assert.Equal((3, 3), (issue.Line, issue.Column));
        Assert.StartsWith("config.json: line 3, column 3: not valid JSON: ", Assert.Single(ex.Errors), StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_on_one_line_is_reported_as_the_technician_reads_it()
    {
        var ex = Assert.Throws<ConfigurationException>(() => GatewayConfig.Parse("""{"gateway_id":"home-1","simulated":true,"uplink":{},"bogus":1}""", "config.json"));
        Assert.Equal("config.json: line 1, column 53: unknown key 'bogus' (known here: gateway_id, simulated, data_directory, devices, rules, uplink, console, update)", Assert.Single(ex.Errors));
    }

    [Fact]
    public void A_key_named_inside_a_problem_is_spelled_as_in_the_file_too()
    {
        var config = GatewayConfig.Parse("""
            { "gateway_id": "home-1", "simulated": true, "uplink": { "broker": "mqtt://centre.example:1883" },
              "devices": { "contacts": [ { "sensor_id": "door", "kind": "DoorContact", "pin": 17 } ], "flow_meters": [ { "sensor_id": "tap", "pin": 17, "pulses_per_litre": 450 } ],
                           "outputs": { "buzzer_pin": 18, "led_pin": 23 } } }
            """, "config.json");
        var errors = config.Validate().Lines();
        Assert.Contains("devices.flow_meters.0.pin: GPIO 17 is already used by devices.contacts.0.pin", errors);
        Assert.Contains(errors, e => e.StartsWith("uplink.broker: ", StringComparison.Ordinal) && e.Contains("uplink.plain_loopback_demo", StringComparison.Ordinal));
    }

    [Fact]
    public void A_value_quoted_in_a_problem_is_shown_as_written_even_when_it_looks_like_a_key()
    {
        // The host is called Console: "Console:8883" once read as a key and was rewritten to "console.8883".
        const string json = """
            { "gateway_id": "home-1", "simulated": true, "uplink": { "broker": "tcp://Console:8883" },
              "devices": { "outputs": { "buzzer_pin": 18, "led_pin": 23 } } }
            """;
        var config = GatewayConfig.Parse(json, "config.json");
        Assert.Equal(["uplink.broker: 'tcp://Console:8883' is not an mqtt:// or mqtts:// URL"], config.Validate().Lines());

        var issue = Assert.Single(GatewayConfig.Check(json, null, out var parsed));
        Assert.Null(parsed);
        Assert.Equal(ConfigKey.Parse("uplink.broker"), issue.Key);
        Assert.Equal((1, 58), (issue.Line, issue.Column));
        Assert.Equal("'tcp://Console:8883' is not an mqtt:// or mqtts:// URL", issue.Problem);
    }

    private const string Home = """
        "gateway_id": "home-1", "simulated": true,
          "uplink": { "broker": "mqtt://127.0.0.1:1883", "plain_loopback_demo": true },
          "devices": { "outputs": { "buzzer_pin": 18, "led_pin": 23 }
        """;

    [Fact]
    public void An_old_file_with_devices_data_directory_still_loads_into_the_top_level_key_with_a_warning_naming_it()
    {
        var dir = Directory.CreateTempSubdirectory("eg-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "config.json");
            File.WriteAllText(path, "{ " + Home + ",\n    \"data_directory\": \"/srv/eg\" } }");
            var config = GatewayConfig.Load(path);
            Assert.Equal("/srv/eg", config.DataDirectory);
            Assert.Null(config.Devices.DataDirectory);
            // The only other warning is the one every home without a help input gets (this one has no contacts at all).
            var warning = Assert.Single(config.Warnings, w => w.Path == "devices.data_directory");
            Assert.All(config.Warnings.Where(w => !ReferenceEquals(w, warning)), w => Assert.Equal("devices.contacts", w.Path));
            Assert.Equal((4, 5), (warning.Line, warning.Column));
            Assert.Equal("line 4, column 5: devices.data_directory: is the old place of the data directory; move it to the top-level key data_directory", warning.ToString());

            // Written back, the directory sits at the top level only, and the new file loads without a warning.
            var back = GatewayConfig.Parse(config.ToJson(), "written");
            Assert.Equal("/srv/eg", back.DataDirectory);
            Assert.Empty(back.Warnings);
            Assert.DoesNotContain("\"data_directory\"", System.Text.Json.Nodes.JsonNode.Parse(config.ToJson())!["devices"]!.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_data_directory_is_a_top_level_key_and_two_different_places_for_it_are_refused()
    {
        var config = GatewayConfig.Parse("{ \"data_directory\": \"/srv/new\", " + Home + " } }", "config.json");
        Assert.Equal("/srv/new", config.DataDirectory);
        Assert.Empty(config.Warnings);
        Assert.Equal("/var/lib/edgegateway", GatewayConfig.Parse("{ " + Home + " } }", "config.json").DataDirectory);

        var same = GatewayConfig.Parse("{ \"data_directory\": \"/srv/new\", " + Home + ", \"data_directory\": \"/srv/new\" } }", "config.json");
        Assert.Equal("/srv/new", same.DataDirectory);
        Assert.Equal("devices.data_directory", Assert.Single(same.Warnings).Path);

        var issues = GatewayConfig.Check("{ \"data_directory\": \"/srv/new\", " + Home + ", \"data_directory\": \"/srv/old\" } }", null, out var refused);
        Assert.Null(refused);
        var issue = Assert.Single(issues);
        Assert.Equal("devices.data_directory", issue.Path);
        Assert.Contains("moved to the top-level key data_directory, which says '/srv/new'; remove devices.data_directory", issue.Problem, StringComparison.Ordinal);
    }
}
