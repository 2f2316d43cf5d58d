using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Time;
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

        States[alarmId] = "acknowledged";
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

internal sealed class FakeTestAlarm : ITestAlarm
{
    public List<(string By, string? Message, Guid Id)> Sent { get; } = [];

    public CommandActionResult Send(string by, string? message, out Guid eventId)
    {
        eventId = Guid.CreateVersion7();
        Sent.Add((by, message, eventId));
        return CommandActionResult.Done;
    }
}

internal sealed class FakeStatus(FakeAlarms alarms, InMemoryConfiguration config) : IStatusProvider
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
/// A configuration store with the semantics IRemoteConfiguration promises (validate all, apply all or nothing, versions,
/// audit, rollback as a new version), recording every call so tests can prove that bad commands never reached it.
/// </summary>
internal sealed class InMemoryConfiguration : IRemoteConfiguration
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal)
    {
        ["rules.tap.limit_min"] = "5",
        ["rules.night.start"] = "23:00",
        ["rules.night.end"] = "06:00",
        ["uplink.heartbeat_s"] = "60",
    };

    private readonly List<Dictionary<string, string>> _versions = [new(Defaults, StringComparer.Ordinal)];
    private readonly List<ConfigHistoryEntry> _history = [];

    public int ApplyCalls { get; private set; }

    public int RollbackCalls { get; private set; }

    public int ReadCalls { get; private set; }

    public long Version => _versions.Count - 1;

    public IReadOnlyDictionary<string, string> Values => _versions[^1];

    public ConfigSnapshot Current()
    {
        ReadCalls++;
        return new ConfigSnapshot(Version, new Dictionary<string, string>(Values, StringComparer.Ordinal));
    }

    public ConfigChangeResult Apply(IReadOnlyDictionary<string, string?> changes, long? ifVersion, ConfigAudit audit)
    {
        ApplyCalls++;
        if (ifVersion is { } expected && expected != Version)
        {
            return ConfigChangeResult.Conflict(Version, expected);
        }

        var next = new Dictionary<string, string>(Values, StringComparer.Ordinal);
        var problems = new List<ConfigProblem>();
        foreach (var (key, value) in changes)
        {
            if (!Defaults.TryGetValue(key, out var fallback))
            {
                problems.Add(new ConfigProblem(key, "unknown key"));
                continue;
            }

            next[key] = value ?? fallback;
        }

        problems.AddRange(Validate(next));
        return problems.Count > 0 ? ConfigChangeResult.Rejected(Version, problems) : Commit(next, audit);
    }

    public ConfigChangeResult Rollback(long version, ConfigAudit audit)
    {
        RollbackCalls++;
        if (version < 0 || version > Version)
        {
            return ConfigChangeResult.UnknownVersion(Version, version);
        }

        var problems = Validate(_versions[(int)version]);
        return problems.Count > 0 ? ConfigChangeResult.Rejected(Version, problems) : Commit(new(_versions[(int)version], StringComparer.Ordinal), audit);
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

    private static List<ConfigProblem> Validate(Dictionary<string, string> values)
    {
        var problems = new List<ConfigProblem>();
        if (!int.TryParse(values["rules.tap.limit_min"], NumberStyles.None, CultureInfo.InvariantCulture, out var tap) || tap is < 1 or > 120)
        {
            problems.Add(new ConfigProblem("rules.tap.limit_min", $"expected whole minutes from 1 to 120, got '{values["rules.tap.limit_min"]}'"));
        }

        if (!int.TryParse(values["uplink.heartbeat_s"], NumberStyles.None, CultureInfo.InvariantCulture, out var hb) || hb is < 10 or > 3600)
        {
            problems.Add(new ConfigProblem("uplink.heartbeat_s", $"expected seconds from 10 to 3600, got '{values["uplink.heartbeat_s"]}'"));
        }

        foreach (var key in new[] { "rules.night.start", "rules.night.end" })
        {
            if (!TimeOnly.TryParseExact(values[key], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                problems.Add(new ConfigProblem(key, $"expected a time of day HH:mm, got '{values[key]}'"));
            }
        }

        if (values["rules.night.start"] == values["rules.night.end"])
        {
            problems.Add(new ConfigProblem("rules.night.end", "the night window must not be empty (start equals end)"));
        }

        return problems;
    }
}

/// <summary>A processor over fakes, at a fixed fake time, plus helpers to write commands.</summary>
internal sealed class CommandRig
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public CommandRig(bool clockSynced = true, string? windowPath = null, CommandProcessorOptions? options = null)
    {
        Clock = new FixedClockSyncStatus(clockSynced);
        Window = new CommandReplayWindow(path: windowPath);
        Status = new FakeStatus(Alarms, Config);
        Processor = new CommandProcessor("home-7", Time, Clock, Window, Alarms, TestAlarm, Status, Config, options);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public FixedClockSyncStatus Clock { get; }

    public CommandReplayWindow Window { get; }

    public FakeAlarms Alarms { get; } = new();

    public FakeTestAlarm TestAlarm { get; } = new();

    public InMemoryConfiguration Config { get; } = new();

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
