using EdgeGateway.Demo;
using EdgeGateway.Hosting;

namespace EdgeGateway.Tests.Hosting;

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
    public void The_shipped_example_config_is_valid_once_it_has_its_own_pin_and_wires_every_rule()
    {
        var path = RepoFile("deploy/config.example.json");
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfig.Load(path));
        Assert.Equal($"{path}: console.pin_hash: console.pinHash is not set", Assert.Single(ex.Errors).Split(": a real", 2)[0]);

        var config = GatewayConfig.Parse(File.ReadAllText(path), path);
        config.Console.PinHash = TechnicianConsole.Security.PinHash.Create("9513", 1000).ToString();
        Assert.Empty(config.Validate());
        config.Console.PinHash = TechnicianConsole.Security.PinHash.Create(TechnicianConsole.Security.PinPolicy.DemoPin, 1000).ToString();
        Assert.Contains(config.Validate(), e => e.StartsWith("console.pin_hash:", StringComparison.Ordinal) && e.Contains("demo PIN", StringComparison.Ordinal));
        config.Console.PinHash = TechnicianConsole.Security.PinHash.Create("9513", 1000).ToString();
        Assert.Equal("home-0001", config.GatewayId);
        Assert.False(config.Simulated);
        Assert.Equal(8, config.EffectiveRules.BuildRules(new Valve()).Count);
    }

    [Fact]
    public void The_demo_home_config_round_trips_through_json()
    {
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), "/tmp/x");
        var back = GatewayConfig.Parse(config.ToJson(), "demo");
        Assert.Empty(back.Validate());
        Assert.Equal(config.ToJson(), back.ToJson());
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

    [Theory]
    [InlineData("""{ "gateway_id": 42 }""", "gateway_id")]
    [InlineData("""{ "devices": { "contacts": [ { "pin": "seventeen" } ] } }""", "pin")]
    [InlineData("""{ "rules": { "night": { "start": "25:99" } } }""", "start")]
    [InlineData("""{ "uplink": { "brokr": "mqtt://x" } }""", "brokr")]
    [InlineData("""{ "gateway_id": """, "config")]
    public void Malformed_json_names_where_it_went_wrong(string json, string expected)
    {
        var ex = Assert.Throws<GatewayConfigException>(() => GatewayConfig.Parse(json, "config"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
