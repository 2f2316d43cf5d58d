using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Core.Configuration;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary>What a configuration key may look like: <c>[a-z0-9_.-]{1,128}</c>.</summary>
internal static partial class ConfigKeys
{
    /// <summary>True when <paramref name="key"/> is a configuration key.</summary>
    public static bool IsKey(string key) => KeyPattern().IsMatch(key);

    [GeneratedRegex("^[a-z0-9_.-]{1,128}$")]
    private static partial Regex KeyPattern();
}

/// <summary><c>config.set</c>: <c>args.changes</c> (key → value) applied all or none, optionally only <c>args.ifversion</c>.</summary>
internal sealed class ConfigSetBinder(IRemoteConfiguration config, TimeProvider time) : ICommandBinder
{
    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.ConfigSet];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        var args = command.Args;
        Only(args, "changes", "ifversion", "reason", "knowingly");
        var changes = Changes(args);
        long? ifVersion = args.TryGetProperty("ifversion", out var v) ? NonNegative(v, "args.ifversion") : null;
        var reason = OptionalString(args, "reason", 256, "args.reason");
        var knowingly = ConfigChangeReply.Knowingly(args);
        return () => ConfigChangeReply.Of(config.Apply(changes, ifVersion, ConfigChangeReply.Audit(command, time, reason) with { Knowingly = knowingly }), rollback: false);
    }

    private static Dictionary<string, string?> Changes(JsonElement args)
    {
        if (!args.TryGetProperty("changes", out var c))
        {
            throw Invalid("args.changes", "is missing");
        }

        if (c.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("args.changes", $"expected an object of key → value, got {Describe(c)}");
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in c.EnumerateObject())
        {
            if (!ConfigKeys.IsKey(p.Name))
            {
                throw Invalid("args.changes", $"'{Clip(p.Name)}' is not a configuration key (1–128 characters a–z 0–9 _ . -)");
            }

            var field = $"args.changes.{p.Name}";
            if (changes.ContainsKey(p.Name))
            {
                throw Invalid(field, "appears twice");
            }

            changes[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String when p.Value.GetString()!.Length <= 4096 => p.Value.GetString(),
                JsonValueKind.String => throw Invalid(field, "value is longer than 4096 characters"),
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ => throw Invalid(field, $"expected a string, number, boolean or null, got {Describe(p.Value)}"),
            };

            if (changes.Count > 256)
            {
                throw Invalid("args.changes", "more than 256 keys in one change");
            }
        }

        return changes.Count > 0 ? changes : throw Invalid("args.changes", "is empty; name at least one key");
    }
}

/// <summary><c>config.rollback</c>: the values of <c>args.version</c> become a new version.</summary>
internal sealed class ConfigRollbackBinder(IRemoteConfiguration config, TimeProvider time) : ICommandBinder
{
    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.ConfigRollback];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        var args = command.Args;
        Only(args, "version", "reason", "knowingly");
        var version = args.TryGetProperty("version", out var v) ? NonNegative(v, "args.version") : throw Invalid("args.version", "is missing");
        var reason = OptionalString(args, "reason", 256, "args.reason");
        var knowingly = ConfigChangeReply.Knowingly(args);
        return () => ConfigChangeReply.Of(config.Rollback(version, ConfigChangeReply.Audit(command, time, reason) with { Knowingly = knowingly }), rollback: true);
    }
}

/// <summary>The reply to a change or rollback: the new and previous versions, or every problem with the field to blame.</summary>
internal static class ConfigChangeReply
{
    /// <summary>The audit record of a centre command.</summary>
    public static ConfigAudit Audit(CommandEnvelope command, TimeProvider time, string? reason) =>
        new(command.By, time.GetUtcNow(), $"centre command {command.Id}", reason);

    /// <summary><c>args.knowingly</c>: true only when given as the boolean true, so no other value takes a safety function away.</summary>
    public static bool Knowingly(JsonElement args)
    {
        if (!args.TryGetProperty("knowingly", out var k))
        {
            return false;
        }

        return k.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid("args.knowingly", $"expected true or false, got {Describe(k)}"),
        };
    }

    /// <summary>The result writer of an applied change; throws the rejection of one not applied.</summary>
    public static Action<Utf8JsonWriter> Of(ConfigChangeResult result, bool rollback)
    {
        if (result.Applied)
        {
            return w =>
            {
                w.WriteNumber("version", result.Version);
                w.WriteNumber("previous", result.Previous);
            };
        }

        var problems = result.Problems.Count > 0
            ? result.Problems
            : [new ConfigIssue(rollback ? ConfigChangeResult.VersionKey : ConfigChangeResult.ChangesKey, "refused by the configuration store")];
        var key = problems[0].Key;
        var field = key == ConfigChangeResult.IfVersionKey ? "args.ifversion"
            : key == ConfigChangeResult.ChangesKey ? "args.changes"
            : rollback ? "args.version"
            : $"args.changes.{key}";
        var verb = result.ErrorCode == CommandErrorCodes.Rejected ? "rejected" : "not applied";
        throw new CommandRejection(
            result.ErrorCode ?? CommandErrorCodes.Rejected,
            field,
            $"configuration change {verb}, nothing changed (version {result.Version} stays in force): "
                + string.Join("; ", problems),
            problems);
    }
}
