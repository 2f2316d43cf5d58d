using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Commands;
using EdgeGateway.Uplink.Contract;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hosting;

/// <summary>The gateway's side of the centre's commands: test alarm, status, and config over the one versioned store.</summary>
internal sealed class CentreCommands : ITestAlarm, IStatusProvider, IRemoteConfiguration, ICommandReplyPublisher
{
    private readonly Gateway _gateway;
    private readonly IClockSyncStatus _clock;
    private readonly ConfigStore _store;

    private CentreCommands(Gateway gateway, IClockSyncStatus clock, ConfigStore store)
    {
        _gateway = gateway;
        _clock = clock;
        _store = store;
    }

    /// <summary>Subscribes the gateway's uplink to the centre's commands; each gets exactly one reply.</summary>
    public static void Attach(Gateway gateway, IClockSyncStatus clock, ConfigStore store, string dataDir, ILogger logger, TimeProvider time)
    {
        var commands = new CentreCommands(gateway, clock, store);
        var processor = new CommandProcessor(
            gateway.Home.Events.GatewayId,
            time,
            clock,
            new CommandReplayWindow(path: Path.Combine(dataDir, "seen-commands")),
            new AlarmLoopCommands(gateway.Home.Loop),
            commands,
            commands,
            commands);
        var handler = new CommandHandler(processor, commands, logger);
        gateway.Uplink.CommandReceived += payload => handler.HandleAsync(payload, CancellationToken.None);
    }

    public Task PublishReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken) =>
        _gateway.Uplink.PublishReplyAsync(reply.ToArray(), cancellationToken);

    public CommandActionResult Send(string by, string? message, out Guid eventId)
    {
        // The loop answers in microseconds; a second means it is wedged, and the watchdog will restart the gateway.
        var raised = _gateway.Home.Loop.RaiseTestAlarmAsync(string.IsNullOrWhiteSpace(message) ? $"centre ({by})" : $"centre ({by}): {message}");
        if (raised.Wait(TimeSpan.FromSeconds(1)))
        {
            eventId = raised.Result;
            return CommandActionResult.Done;
        }

        eventId = Guid.Empty;
        return CommandActionResult.Refused("the alarm loop did not take the test alarm within 1 s");
    }

    public GatewayStatusReport GetStatus()
    {
        var home = _gateway.Home;
        return new GatewayStatusReport(
            home.Events.BootId,
            home.Events.Uptime,
            _clock.IsSynchronised,
            _gateway.Outbox.Depth,
            _store.Version,
            [.. home.Loop.ActiveAlarms.Select(a => new ActiveAlarmInfo(a.Id, CloudEventCodec.TypePrefix + a.Event.Spec.TypeName, a.State.ToString().ToLowerInvariant()))],
            new Dictionary<string, string>
            {
                ["uplink"] = _gateway.Uplink.AnyPathUp ? "up" : "down",
                ["buzzer"] = home.Buzzer.Pattern.ToString(),
                ["led"] = home.Led.Pattern.ToString(),
            });
    }

    public ConfigSnapshot Current() => new(_store.Version, Flatten(_store.Current));

    public ConfigChangeResult Apply(IReadOnlyDictionary<string, string?> changes, long? ifVersion, ConfigAudit audit)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(audit);
        var current = _store.Version;
        if (ifVersion is { } expected && expected != current)
        {
            return ConfigChangeResult.Conflict(current, expected);
        }

        var draft = _store.CreateDraft();
        var problems = new List<ConfigProblem>();
        foreach (var (key, value) in changes)
        {
            try
            {
                if (value is null)
                {
                    problems.Add(new ConfigProblem(key, "removing a key is not supported; set it to its default instead"));
                    continue;
                }

                draft.Set(key, value);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or FormatException or ArgumentException or InvalidOperationException)
            {
                problems.Add(new ConfigProblem(key, ex.Message));
            }
        }

        if (problems.Count > 0)
        {
            return ConfigChangeResult.Rejected(current, problems);
        }

        try
        {
            var applied = _store.Apply(draft, Actor(audit));
            return ConfigChangeResult.Ok(applied.Version, applied.Previous ?? current);
        }
        catch (ConfigRejectedException ex)
        {
            return ConfigChangeResult.Rejected(current, [.. ex.Errors.Select(e => new ConfigProblem(e.Key, e.Problem))]);
        }
    }

    public ConfigChangeResult Rollback(long version, ConfigAudit audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var current = _store.Version;
        try
        {
            var applied = _store.Rollback(Actor(audit), checked((int)version));
            return ConfigChangeResult.Ok(applied.Version, applied.Previous ?? current);
        }
        catch (ConfigRejectedException ex) when (ex.Errors.Any(e => e.Problem.Contains("not kept", StringComparison.Ordinal)))
        {
            return ConfigChangeResult.UnknownVersion(current, version);
        }
        catch (ConfigRejectedException ex)
        {
            return ConfigChangeResult.Rejected(current, [.. ex.Errors.Select(e => new ConfigProblem(e.Key, e.Problem))]);
        }
    }

    public IReadOnlyList<ConfigHistoryEntry> History(int limit) =>
        [.. _store.History(limit).Select(v => new ConfigHistoryEntry(
            v.Version,
            new ConfigAudit(v.Actor, v.Time, v.Action, null),
            v.Changes.ToDictionary(c => c.Key, c => new ConfigValueChange(c.Before, c.After))))];

    private static string Actor(ConfigAudit audit) =>
        string.Create(CultureInfo.InvariantCulture, $"{audit.By} via {audit.Via}{(audit.Reason is { Length: > 0 } r ? $" ({r})" : "")}");

    /// <summary>Dotted keys to values, with secrets masked: the centre sees what is set, never a PIN hash or a password file's path.</summary>
    private static Dictionary<string, string> Flatten(JsonObject root)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string prefix)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (k, v) in obj)
                    {
                        Walk(v, prefix.Length == 0 ? k : $"{prefix}.{k}");
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], $"{prefix}.{i}");
                    }

                    break;
                default:
                    values[prefix] = prefix.EndsWith("PinHash", StringComparison.Ordinal) || prefix.EndsWith("PasswordFile", StringComparison.Ordinal)
                        ? "***"
                        : node?.ToJsonString() ?? "null";
                    break;
            }
        }

        Walk(root, "");
        return values;
    }
}
