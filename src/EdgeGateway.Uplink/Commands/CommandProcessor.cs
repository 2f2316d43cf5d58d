using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Limits of <see cref="CommandProcessor"/>.</summary>
public sealed record CommandProcessorOptions
{
    /// <summary>Larger payloads are refused unparsed.</summary>
    public int MaxPayloadBytes { get; init; } = 64 * 1024;

    /// <summary>Deeper JSON is refused as malformed (a command needs depth 3).</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>With a synchronised clock, a command may not expire further ahead than this; bounds the replay window.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>History entries returned when <c>config.history</c> gives no limit.</summary>
    public int DefaultHistoryLimit { get; init; } = 20;
}

/// <summary>What <see cref="CommandProcessor.Process"/> made of one payload: the reply to publish and a summary for the log.</summary>
/// <param name="Reply">The reply JSON, to publish on <c>edgegateway/v1/{gw}/replies</c>.</param>
/// <param name="CommandId">The command's id, or null when unreadable.</param>
/// <param name="Type">The command's type, or null when unreadable.</param>
/// <param name="ErrorCode">A <see cref="CommandErrorCodes"/> value, or null when the command was carried out.</param>
/// <param name="ErrorField">The offending field, when one is to blame.</param>
/// <param name="ErrorMessage">What went wrong.</param>
public sealed record CommandOutcome(byte[] Reply, string? CommandId, string? Type, string? ErrorCode, string? ErrorField, string? ErrorMessage)
{
    /// <summary>True when the command was carried out.</summary>
    public bool Ok => ErrorCode is null;
}

/// <summary>
/// Turns a command payload from the centre into exactly one reply, carrying the command out on the injected interfaces.
/// Transport-neutral and driven by <see cref="TimeProvider"/>: bytes in, reply bytes out.
/// </summary>
/// <remarks>
/// Order of checks: size (unparsed), JSON (bounded depth, duplicates refused), envelope fields, arguments, expiry, replay;
/// only then is anything carried out, so a bad command changes nothing. The id is remembered before the action runs: an
/// action that fails is not retried by a replay, the centre sends a new command. Never throws for any input; an action that
/// throws gives a <c>failed</c> reply. Calls are serialised (one command at a time).
/// </remarks>
public sealed partial class CommandProcessor
{
    private const int MaxEcho = 64;
    private static readonly JsonElement EmptyArgs = CreateEmptyArgs();
    private readonly string _gatewayId;
    private readonly TimeProvider _time;
    private readonly IClockSyncStatus _clock;
    private readonly CommandReplayWindow _window;
    private readonly IAlarmCommands _alarms;
    private readonly ITestAlarm _testAlarm;
    private readonly IStatusProvider _status;
    private readonly IRemoteConfiguration _config;
    private readonly CommandProcessorOptions _options;
    private readonly Lock _gate = new();

    /// <summary>Creates the processor of <paramref name="gatewayId"/>.</summary>
    public CommandProcessor(
        string gatewayId,
        TimeProvider time,
        IClockSyncStatus clock,
        CommandReplayWindow window,
        IAlarmCommands alarms,
        ITestAlarm testAlarm,
        IStatusProvider status,
        IRemoteConfiguration config,
        CommandProcessorOptions? options = null)
    {
        CareEventFactory.ValidateGatewayId(gatewayId);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(alarms);
        ArgumentNullException.ThrowIfNull(testAlarm);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(config);
        _gatewayId = gatewayId;
        _time = time;
        _clock = clock;
        _window = window;
        _alarms = alarms;
        _testAlarm = testAlarm;
        _status = status;
        _config = config;
        _options = options ?? new CommandProcessorOptions();
    }

    /// <summary>The replay window (its persistence error, if any, is worth a log line).</summary>
    public CommandReplayWindow Window => _window;

    /// <summary>Processes one payload received on the commands topic; always returns exactly one reply.</summary>
    public CommandOutcome Process(ReadOnlyMemory<byte> payload)
    {
        lock (_gate)
        {
            var ctx = new Context();
            try
            {
                return ProcessCore(payload, ctx);
            }
            catch (CommandRejection r)
            {
                return Reply(ctx, r.Code, r.Field, r.Message, problems: r.Problems);
            }
        }
    }

    private CommandOutcome ProcessCore(ReadOnlyMemory<byte> payload, Context ctx)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            throw new CommandRejection(CommandErrorCodes.TooLarge, null, $"payload is {payload.Length} bytes; at most {_options.MaxPayloadBytes} are accepted");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = _options.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new CommandRejection(CommandErrorCodes.MalformedJson, null, $"payload is not valid JSON (at most {_options.MaxDepth} levels deep): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            throw new CommandRejection(CommandErrorCodes.MalformedJson, null, $"payload is not valid UTF-8 JSON: {ex.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("$", $"a command must be a JSON object, got {Describe(root)}");
            }

            // Best effort first, so that even a reply about another field names the command it answers.
            if (root.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String && IdPattern().IsMatch(idEl.GetString()!))
            {
                ctx.Id = idEl.GetString();
            }

            if (root.TryGetProperty("type", out var typeEl) && typeEl.ValueKind == JsonValueKind.String && typeEl.GetString()!.Length <= MaxEcho)
            {
                ctx.Type = typeEl.GetString();
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw Invalid(Clip(p.Name), $"property '{Clip(p.Name)}' appears twice");
                }

                if (p.Name is not ("id" or "type" or "by" or "issued" or "expires" or "args"))
                {
                    throw Invalid(Clip(p.Name), $"unexpected property '{Clip(p.Name)}'; a command has id, type, by, expires, issued and args");
                }
            }

            var id = ctx.Id ?? throw Invalid("id", root.TryGetProperty("id", out var badId)
                ? $"expected a string of 1–64 characters A–Z a–z 0–9 . _ : -, got {Describe(badId)}"
                : "is missing");
            var type = RequiredString(root, "type", 64);
            if (!CommandTypes.All.Contains(type))
            {
                throw new CommandRejection(CommandErrorCodes.UnknownType, "type", $"unknown command type '{Clip(type)}'; expected one of {string.Join(", ", CommandTypes.All)}");
            }

            var by = RequiredString(root, "by", 128);
            var expires = Time(root, "expires") ?? throw Invalid("expires", "is missing");
            _ = Time(root, "issued");
            var args = EmptyArgs;
            if (root.TryGetProperty("args", out var argsEl))
            {
                args = argsEl.ValueKind == JsonValueKind.Object ? argsEl : throw Invalid("args", $"expected an object, got {Describe(argsEl)}");
            }

            var action = Bind(type, args, by, id);

            var now = _time.GetUtcNow();
            var synced = _clock.IsSynchronised;
            if (expires <= now)
            {
                throw new CommandRejection(CommandErrorCodes.Expired, "expires", $"command expired at {Utc(expires)}; gateway time is {Utc(now)}{(synced ? "" : " (clock not synchronised)")}");
            }

            // An unsynchronised clock may be far behind (1970): the cap would refuse every command when it is needed most.
            if (synced && expires > now + _options.MaxLifetime)
            {
                throw Invalid("expires", $"{Utc(expires)} is more than {_options.MaxLifetime.TotalMinutes:0} minutes ahead of gateway time {Utc(now)}");
            }

            if (!_window.TryRemember(id, expires, now, out var refusal))
            {
                throw new CommandRejection(refusal!.Contains("full", StringComparison.Ordinal) ? CommandErrorCodes.Refused : CommandErrorCodes.Replayed, "id", refusal);
            }

            try
            {
                return action(ctx);
            }
            catch (CommandRejection)
            {
                throw;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new CommandRejection(CommandErrorCodes.Failed, null, $"{type} failed on the gateway: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>Checks a command's arguments and returns the action; nothing runs until every check has passed.</summary>
    private Func<Context, CommandOutcome> Bind(string type, JsonElement args, string by, string id)
    {
        switch (type)
        {
            case CommandTypes.AlarmAcknowledge:
            case CommandTypes.AlarmClear:
            {
                Only(args, "alarm");
                var alarm = args.TryGetProperty("alarm", out var a) && a.ValueKind == JsonValueKind.String && Guid.TryParse(a.GetString(), out var g)
                    ? g
                    : throw Invalid("args.alarm", args.TryGetProperty("alarm", out var bad) ? $"expected the alarm's UUID, got {Describe(bad)}" : "is missing");
                return ctx =>
                {
                    var result = type == CommandTypes.AlarmAcknowledge ? _alarms.Acknowledge(alarm, by) : _alarms.Clear(alarm, by);
                    return result.Ok
                        ? Ok(ctx, w => w.WriteString("alarm", alarm))
                        : throw new CommandRejection(result.ErrorCode ?? CommandErrorCodes.Refused, "args.alarm", result.Message ?? $"alarm {alarm} was not {(type == CommandTypes.AlarmAcknowledge ? "acknowledged" : "cleared")}");
                };
            }

            case CommandTypes.AlarmTest:
            {
                Only(args, "message");
                var message = OptionalString(args, "message", 256, "args.message");
                return ctx =>
                {
                    var result = _testAlarm.Send(by, message, out var eventId);
                    return result.Ok
                        ? Ok(ctx, w => w.WriteString("event", eventId))
                        : throw new CommandRejection(result.ErrorCode ?? CommandErrorCodes.Refused, null, result.Message ?? "the test alarm was not raised");
                };
            }

            case CommandTypes.StatusRequest:
                Only(args);
                return ctx => Ok(ctx, w => WriteStatus(w, _status.GetStatus()));

            case CommandTypes.ConfigGet:
            {
                Only(args, "keys");
                List<string>? keys = null;
                if (args.TryGetProperty("keys", out var k))
                {
                    if (k.ValueKind != JsonValueKind.Array || k.GetArrayLength() > 256)
                    {
                        throw Invalid("args.keys", $"expected an array of at most 256 keys, got {Describe(k)}");
                    }

                    keys = [];
                    var i = 0;
                    foreach (var key in k.EnumerateArray())
                    {
                        keys.Add(key.ValueKind == JsonValueKind.String && KeyPattern().IsMatch(key.GetString()!)
                            ? key.GetString()!
                            : throw Invalid($"args.keys[{i}]", $"expected a key of 1–128 characters a–z 0–9 _ . -, got {Describe(key)}"));
                        i++;
                    }
                }

                return ctx =>
                {
                    var snapshot = _config.Current();
                    var unknown = keys?.FirstOrDefault(key => !snapshot.Values.ContainsKey(key));
                    if (unknown is not null)
                    {
                        throw new CommandRejection(CommandErrorCodes.NotFound, $"args.keys[{keys!.IndexOf(unknown)}]", $"unknown configuration key '{unknown}'");
                    }

                    return Ok(ctx, w =>
                    {
                        w.WriteNumber("version", snapshot.Version);
                        w.WriteStartObject("values");
                        foreach (var (key, value) in snapshot.Values.Where(p => keys is null || keys.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
                        {
                            w.WriteString(key, value);
                        }

                        w.WriteEndObject();
                    });
                };
            }

            case CommandTypes.ConfigSet:
            {
                Only(args, "changes", "ifversion", "reason");
                var changes = Changes(args);
                long? ifVersion = args.TryGetProperty("ifversion", out var v) ? NonNegative(v, "args.ifversion") : null;
                var reason = OptionalString(args, "reason", 256, "args.reason");
                return ctx => Changed(ctx, _config.Apply(changes, ifVersion, Audit(by, id, reason)), rollback: false);
            }

            case CommandTypes.ConfigRollback:
            {
                Only(args, "version", "reason");
                var version = args.TryGetProperty("version", out var v) ? NonNegative(v, "args.version") : throw Invalid("args.version", "is missing");
                var reason = OptionalString(args, "reason", 256, "args.reason");
                return ctx => Changed(ctx, _config.Rollback(version, Audit(by, id, reason)), rollback: true);
            }

            default: // CommandTypes.ConfigHistory: the type was checked against CommandTypes.All before.
            {
                Only(args, "limit");
                var limit = _options.DefaultHistoryLimit;
                if (args.TryGetProperty("limit", out var l))
                {
                    limit = l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) && n is >= 1 and <= 100
                        ? n
                        : throw Invalid("args.limit", $"expected an integer from 1 to 100, got {Describe(l)}");
                }

                return ctx => Ok(ctx, w => WriteHistory(w, _config.History(limit)));
            }
        }
    }

    private static JsonElement CreateEmptyArgs()
    {
        using var doc = JsonDocument.Parse("{}");
        return doc.RootElement.Clone();
    }

    private ConfigAudit Audit(string by, string id, string? reason) => new(by, _time.GetUtcNow(), $"centre command {id}", reason);

    private CommandOutcome Changed(Context ctx, ConfigChangeResult result, bool rollback)
    {
        if (result.Applied)
        {
            return Ok(ctx, w =>
            {
                w.WriteNumber("version", result.Version);
                w.WriteNumber("previous", result.Previous);
            });
        }

        var problems = result.Problems.Count > 0 ? result.Problems : [new ConfigProblem(rollback ? "version" : "changes", "refused by the configuration store")];
        var field = problems[0].Key switch
        {
            "ifversion" => "args.ifversion",
            "changes" => "args.changes",
            _ when rollback => "args.version",
            var key => $"args.changes.{key}",
        };
        var verb = result.ErrorCode == CommandErrorCodes.Rejected ? "rejected" : "not applied";
        throw new CommandRejection(
            result.ErrorCode ?? CommandErrorCodes.Rejected,
            field,
            $"configuration change {verb}, nothing changed (version {result.Version} stays in force): "
                + string.Join("; ", problems.Select(p => $"{p.Key}: {p.Problem}")),
            problems);
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
            if (!KeyPattern().IsMatch(p.Name))
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

    private static void Only(JsonElement args, params string[] allowed)
    {
        foreach (var p in args.EnumerateObject())
        {
            if (!allowed.Contains(p.Name))
            {
                throw Invalid($"args.{Clip(p.Name)}", allowed.Length == 0
                    ? "this command takes no arguments"
                    : $"unexpected argument; expected {string.Join(", ", allowed)}");
            }
        }
    }

    private static string RequiredString(JsonElement root, string name, int maxLength) =>
        root.TryGetProperty(name, out var e)
            ? e.ValueKind == JsonValueKind.String && e.GetString()!.Length is > 0 and var n && n <= maxLength
                ? e.GetString()!
                : throw Invalid(name, $"expected a string of 1–{maxLength} characters, got {Describe(e)}")
            : throw Invalid(name, "is missing");

    private static string? OptionalString(JsonElement args, string name, int maxLength, string field) =>
        !args.TryGetProperty(name, out var e) ? null
        : e.ValueKind == JsonValueKind.String && e.GetString()!.Length <= maxLength ? e.GetString()
        : throw Invalid(field, $"expected a string of at most {maxLength} characters, got {Describe(e)}");

    private static long NonNegative(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0
            ? v
            : throw Invalid(field, $"expected a non-negative integer, got {Describe(e)}");

    private static DateTimeOffset? Time(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var e))
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.String
            && e.GetString()!.Length <= 40
            && e.GetString()!.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                ? t
                : throw Invalid(name, $"expected an RFC 3339 time such as 2026-11-23T23:01:02Z, got {Describe(e)}");
    }

    private static CommandRejection Invalid(string field, string problem) =>
        new(CommandErrorCodes.Invalid, field, $"{field}: {problem}");

    /// <summary>A short description of a JSON value for an error message; never echoes more than a few characters.</summary>
    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"string \"{Clip(e.GetString()!)}\"",
        JsonValueKind.Number => $"number {Clip(e.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {e.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Clip(string s) => s.Length <= MaxEcho ? s : string.Concat(s.AsSpan(0, MaxEcho), "…");

    private static string Utc(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteStatus(Utf8JsonWriter w, GatewayStatusReport s)
    {
        w.WriteString("bootid", s.BootId);
        w.WriteNumber("uptime_s", (long)s.Uptime.TotalSeconds);
        w.WriteBoolean("clocksynced", s.ClockSynced);
        w.WriteNumber("outbox_depth", s.OutboxDepth);
        w.WriteNumber("configversion", s.ConfigVersion);
        w.WriteStartArray("alarms");
        foreach (var a in s.Alarms)
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteString("type", a.Type);
            w.WriteString("state", a.State);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("states");
        foreach (var (k, v) in s.States)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }

    private static void WriteHistory(Utf8JsonWriter w, IReadOnlyList<ConfigHistoryEntry> entries)
    {
        w.WriteStartArray("entries");
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteNumber("version", e.Version);
            w.WriteString("at", Utc(e.Audit.At));
            w.WriteString("by", e.Audit.By);
            w.WriteString("via", e.Audit.Via);
            w.WriteString("reason", e.Audit.Reason);
            w.WriteStartObject("changes");
            foreach (var (key, change) in e.Changes)
            {
                w.WriteStartObject(key);
                w.WriteString("from", change.From);
                w.WriteString("to", change.To);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private CommandOutcome Ok(Context ctx, Action<Utf8JsonWriter> result) =>
        Write(ctx, null, null, null, null, result);

    private CommandOutcome Reply(Context ctx, string code, string? field, string message, IReadOnlyList<ConfigProblem>? problems) =>
        Write(ctx, code, field, message, problems, null);

    private CommandOutcome Write(Context ctx, string? code, string? field, string? message, IReadOnlyList<ConfigProblem>? problems, Action<Utf8JsonWriter>? result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("command", ctx.Id);
            w.WriteString("type", ctx.Type);
            w.WriteString("gateway", _gatewayId);
            w.WriteString("time", Utc(_time.GetUtcNow()));
            w.WriteBoolean("clocksynced", _clock.IsSynchronised);
            w.WriteString("status", code is null ? "ok" : "error");
            if (code is null)
            {
                w.WriteStartObject("result");
                result?.Invoke(w);
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("error");
                w.WriteString("code", code);
                if (field is not null)
                {
                    w.WriteString("field", field);
                }

                w.WriteString("message", message);
                if (problems is { Count: > 0 })
                {
                    w.WriteStartArray("problems");
                    foreach (var p in problems)
                    {
                        w.WriteStartObject();
                        w.WriteString("key", p.Key);
                        w.WriteString("problem", p.Problem);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return new CommandOutcome(buffer.WrittenSpan.ToArray(), ctx.Id, ctx.Type, code, field, message);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9_.-]{1,128}$")]
    private static partial Regex KeyPattern();

    private sealed class Context
    {
        public string? Id { get; set; }

        public string? Type { get; set; }
    }

    private sealed class CommandRejection(string code, string? field, string message, IReadOnlyList<ConfigProblem>? problems = null) : Exception(message)
    {
        public string Code { get; } = code;

        public string? Field { get; } = field;

        public IReadOnlyList<ConfigProblem>? Problems { get; } = problems;
    }
}
