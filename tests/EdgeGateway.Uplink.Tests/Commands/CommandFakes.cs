using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Uplink.Tests.Commands;

/// <summary>Alarms the centre can act on; records every call.</summary>
internal sealed class FakeAlarms : IAlarmCommands
{
    public Dictionary<Guid, string> States { get; } = [];

    public List<(string Action, Guid Id, string By)> Calls { get; } = [];

    public CommandActionResult Acknowledge(Guid alarmId, string by)
    {
        Calls.Add(("ack", alarmId, by));
        if (!States.TryGetValue(alarmId, out var state))
        {
            return CommandActionResult.NotFound($"no active alarm {alarmId}");
        }

        States[alarmId] = "taken";
        return state == "cleared" ? CommandActionResult.Refused($"alarm {alarmId} is already cleared") : CommandActionResult.Done;
    }

    public CommandActionResult Clear(Guid alarmId, string by)
    {
        Calls.Add(("clear", alarmId, by));
        if (!States.TryGetValue(alarmId, out var state))
        {
            return CommandActionResult.NotFound($"no active alarm {alarmId}");
        }

        if (state == "cleared")
        {
            return CommandActionResult.Refused($"alarm {alarmId} is already cleared");
        }

        States[alarmId] = "cleared";
        return CommandActionResult.Done;
    }
}

internal sealed class FakeStatus(FakeAlarms alarms, RecordingConfiguration config) : IStatusProvider
{
    public static readonly Guid Boot = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");

    public GatewayStatusReport GetStatus() => new(
        Boot,
        TimeSpan.FromMinutes(90),
        true,
        3,
        config.Current().Version,
        alarms.States.Select(p => new ActiveAlarmInfo(p.Key, "org.edgegateway.alarm.fall", p.Value)).ToList(),
        new Dictionary<string, string> { ["path.primary"] = "up", ["front-door"] = "closed" });
}

/// <summary>
/// The processor's configuration for its own tests (parsing, replies, replay, fuzzing): it records every call, so tests can
/// prove that a bad command never reached it, and answers as the gateway's adapter does for the few real keys it holds
/// (versions from 1, real key names and ranges, a null value refused). What the real store does with a real file is tested
/// in EdgeGateway.Tests (CentreConfigTests, ConfigSecretsTests); nothing here stands in for it.
/// </summary>
internal sealed class RecordingConfiguration : IRemoteConfiguration
{
    private static readonly Dictionary<string, (string Initial, int Min, int Max)> Keys = new(StringComparer.Ordinal)
    {
        ["uplink.heartbeat_seconds"] = ("60", 1, 3600),
        ["uplink.keep_alive_seconds"] = ("15", 1, 600),
        ["console.idle_logout_minutes"] = ("10", 1, 240),
    };

    private readonly List<Dictionary<string, string>> _versions = [Keys.ToDictionary(k => k.Key, k => k.Value.Initial, StringComparer.Ordinal)];
    private readonly List<ConfigHistoryEntry> _history = [];

    public int ApplyCalls { get; private set; }

    public int RollbackCalls { get; private set; }

    public long Version => _versions.Count;

    public IReadOnlyDictionary<string, string> Values => _versions[^1];

    public ConfigSnapshot Current() => new(Version, new Dictionary<string, string>(Values, StringComparer.Ordinal));

    public ConfigChangeResult Apply(IReadOnlyDictionary<string, string?> changes, long? ifVersion, ConfigAudit audit)
    {
        ApplyCalls++;
        if (ifVersion is { } expected && expected != Version)
        {
            return ConfigChangeResult.Conflict(Version, expected);
        }

        var next = new Dictionary<string, string>(Values, StringComparer.Ordinal);
        var problems = new List<ConfigIssue>();
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                problems.Add(new ConfigIssue(ConfigKey.Parse(key), "removing a key is not supported; set it to the value you want instead"));
            }
            else if (!Keys.ContainsKey(key))
            {
                problems.Add(new ConfigIssue(ConfigKey.Parse(key), "unknown key"));
            }
            else
            {
                next[key] = value;
            }
        }

        problems.AddRange(Validate(next));
        return problems.Count > 0 ? ConfigChangeResult.Rejected(Version, problems) : Commit(next, audit);
    }

    public ConfigChangeResult Rollback(long version, ConfigAudit audit)
    {
        RollbackCalls++;
        if (version < 1 || version > Version)
        {
            return ConfigChangeResult.UnknownVersion(Version, version);
        }

        return Commit(new(_versions[(int)version - 1], StringComparer.Ordinal), audit);
    }

    public IReadOnlyList<ConfigHistoryEntry> History(int limit) => _history.AsEnumerable().Reverse().Take(limit).ToList();

    private ConfigChangeResult Commit(Dictionary<string, string> next, ConfigAudit audit)
    {
        var previous = Version;
        var diff = next.Where(p => Values[p.Key] != p.Value).ToDictionary(p => p.Key, p => new ConfigValueChange(Values[p.Key], p.Value));
        _versions.Add(next);
        _history.Add(new ConfigHistoryEntry(Version, audit, diff));
        return ConfigChangeResult.Ok(Version, previous);
    }

    private static IEnumerable<ConfigIssue> Validate(Dictionary<string, string> values)
    {
        foreach (var (key, (_, min, max)) in Keys)
        {
            if (!int.TryParse(values[key], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                yield return new ConfigIssue(ConfigKey.Parse(key), $"{values[key]} is out of range; expected {min}–{max}");
            }
        }
    }
}

/// <summary>A processor over fakes, at a fixed fake time, plus helpers to write commands.</summary>
internal sealed class CommandRig
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public CommandRig(bool clockSynced = true, string? windowPath = null, CommandProcessorOptions? options = null, IReleaseUpdates? updates = null)
    {
        Clock = new FixedClockSyncStatus(clockSynced);
        Window = new CommandReplayWindow(Time, path: windowPath);
        Status = new FakeStatus(Alarms, Config);
        Processor = new CommandProcessor("home-7", Time, Clock, Window, Alarms, TestAlarm, Status, Config, options, updates);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public FixedClockSyncStatus Clock { get; }

    public CommandReplayWindow Window { get; }

    public FakeAlarms Alarms { get; } = new();

    public FakeTestAlarm TestAlarm { get; } = new();

    public RecordingConfiguration Config { get; } = new();

    public FakeStatus Status { get; }

    public CommandProcessor Processor { get; }

    public static string Command(string type, object? args = null, string? id = null, DateTimeOffset? expires = null, string by = "nurse-anna")
    {
        var cmd = new Dictionary<string, object?>
        {
            ["id"] = id ?? Guid.NewGuid().ToString(),
            ["type"] = type,
            ["by"] = by,
            ["issued"] = Start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["expires"] = (expires ?? Start.AddMinutes(5)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (args is not null)
        {
            cmd["args"] = args;
        }

        return JsonSerializer.Serialize(cmd);
    }

    public CommandOutcome Send(string json) => Processor.Process(System.Text.Encoding.UTF8.GetBytes(json));

    public static JsonElement ReplyOf(CommandOutcome outcome)
    {
        using var doc = JsonDocument.Parse(outcome.Reply);
        return doc.RootElement.Clone();
    }
}
