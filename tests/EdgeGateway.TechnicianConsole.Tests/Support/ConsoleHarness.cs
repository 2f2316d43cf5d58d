using System.Text.Json.Nodes;
using EdgeGateway.Adapters;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.TechnicianConsole.Tests.Support;

/// <summary>A console with real config store and simulated doors; the terminal side is supplied by the test.</summary>
public sealed class ConsoleHarness : IAsyncDisposable
{
    public const string Pin = "4711";

    // Few iterations keep the tests fast; the format and the code path are the production ones.
    public static readonly string PinHashText = PinHash.Create(Pin, 1000).ToString();

    public const string DefaultConfig = """{"gatewayId":"home-0042","nightWindow":{"start":"22:00","end":"07:00"},"sensors":{"front-door":{"pin":17,"graceMinutes":5}}}""";

    public ConsoleHarness(IConsoleTransport transport, TimeSpan? walkTestTimeout = null, IWearable? wearable = null, string? config = null)
    {
        Directory.CreateDirectory(Dir);
        ConfigPath = Path.Combine(Dir, "config.json");
        File.WriteAllText(ConfigPath, config ?? DefaultConfig);
        Store = ConfigStore.Open(ConfigPath, Time, [Validate]);
        Services = new ConsoleServices
        {
            Status = new FakeStatus(),
            Sensors = Doors,
            TestAlarm = TestAlarm,
            Alarms = Alarms,
            Log = new FakeLog(),
            Config = new ConsoleConfigEditor(Store),
            Audit = Audit,
            Commissioning = Commissioning,
            Wearable = wearable,
        };
        Server = new ConsoleServer(transport, Services, Time, new ConsoleOptions
        {
            PinHash = PinHashText,
            IdleTimeout = TimeSpan.FromMinutes(10),
            WalkTestTimeout = walkTestTimeout ?? TimeSpan.FromSeconds(60),
            TestAlarmTimeout = TimeSpan.FromSeconds(30),
            WearableScanTime = TimeSpan.FromSeconds(10),
        });
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "egc-" + Guid.NewGuid().ToString("N")[..8]);

    public string ConfigPath { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public SimulatedDoors Doors { get; } = new(("front-door", 17), ("back-door", 27));

    public FakeTestAlarm TestAlarm { get; } = new();

    public FakeAlarms Alarms { get; } = new();

    public ListAudit Audit { get; } = new();

    public FakeCommissioning Commissioning { get; } = new();

    public ConfigStore Store { get; }

    public ConsoleServices Services { get; }

    public ConsoleServer Server { get; }

    private static IEnumerable<ConfigIssue> Validate(JsonObject config)
    {
        if (config["sensors"] is JsonObject sensors)
        {
            foreach (var (id, sensor) in sensors)
            {
                var pin = sensor?["pin"];
                if (pin is not JsonValue v || !v.TryGetValue<int>(out var n) || n is < 0 or > 27)
                {
                    yield return new ConfigIssue(ConfigKey.Of("sensors", id, "pin"), $"'{pin?.ToJsonString()}' is not a BCM pin: expected 0 to 27");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Doors.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
