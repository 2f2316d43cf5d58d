using System.Collections.Concurrent;
using NJsonSchema;

namespace EdgeGateway.TestSupport;

/// <summary>The message kinds of the MQTT contract, one JSON Schema each under docs/schemas/.</summary>
public enum ContractSchema
{
    /// <summary>A CloudEvent on <c>…/events/{class}</c>.</summary>
    Event,

    /// <summary>An application ack on <c>…/acks</c>, single (<c>id</c>) or batched (<c>ids</c>).</summary>
    Ack,

    /// <summary>The retained status on <c>…/status</c> (one path) or <c>…/status/primary|secondary</c> (two paths).</summary>
    Status,

    /// <summary>A heartbeat on <c>…/heartbeat</c>.</summary>
    Heartbeat,

    /// <summary>A command on <c>…/commands</c>.</summary>
    Command,

    /// <summary>A command reply on <c>…/replies</c>.</summary>
    CommandReply,
}

/// <summary>A payload that breaks the contract; the message lists every violation.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>Validates wire payloads against the JSON Schemas in docs/schemas (the published contract, not a copy of it).</summary>
public static class ContractValidator
{
    private static readonly ConcurrentDictionary<ContractSchema, JsonSchema> Schemas = new();

    /// <summary>The repository's docs/schemas directory, found by walking up from the test binaries.</summary>
    public static string SchemaDirectory { get; } = FindSchemaDirectory();

    /// <summary>The schema file of <paramref name="schema"/>.</summary>
    public static string FileOf(ContractSchema schema) => Path.Combine(SchemaDirectory, schema switch
    {
        ContractSchema.Event => "event.schema.json",
        ContractSchema.Ack => "ack.schema.json",
        ContractSchema.Status => "status.schema.json",
        ContractSchema.Heartbeat => "heartbeat.schema.json",
        ContractSchema.Command => "command.schema.json",
        ContractSchema.CommandReply => "command-reply.schema.json",
        _ => throw new ArgumentOutOfRangeException(nameof(schema), schema, null),
    });

    /// <summary>Which schema applies to a message on <paramref name="topic"/> (edgegateway/v1/{gw}/…); throws for a topic outside the scheme.</summary>
    public static ContractSchema SchemaForTopic(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var parts = topic.Split('/');
        if (parts.Length < 4 || parts[0] != "edgegateway" || parts[1] != "v1")
        {
            throw new ContractViolationException($"topic '{topic}' is not under edgegateway/v1/{{gatewayId}}/");
        }

        return (parts.Length, parts[3]) switch
        {
            (5, "events") when parts[4] is "alarm" or "technical" or "info" or "telemetry" => ContractSchema.Event,
            (4, "acks") => ContractSchema.Ack,
            (4, "status") => ContractSchema.Status,
            (5, "status") when parts[4] is "primary" or "secondary" => ContractSchema.Status,
            (4, "heartbeat") => ContractSchema.Heartbeat,
            (4, "commands") => ContractSchema.Command,
            (4, "replies") => ContractSchema.CommandReply,
            _ => throw new ContractViolationException($"topic '{topic}' is not a documented channel (see docs/asyncapi.yaml)"),
        };
    }

    /// <summary>Every violation of <paramref name="schema"/> in <paramref name="json"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(ContractSchema schema, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var s = Schemas.GetOrAdd(schema, k => JsonSchema.FromFileAsync(FileOf(k)).GetAwaiter().GetResult());
        try
        {
            return s.Validate(json).Select(Describe).ToList();
        }
        catch (Newtonsoft.Json.JsonReaderException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }
    }

    /// <summary>Throws <see cref="ContractViolationException"/> naming every violation when <paramref name="json"/> breaks <paramref name="schema"/>.</summary>
    public static void AssertValid(ContractSchema schema, string json, string? context = null)
    {
        var errors = Validate(schema, json);
        if (errors.Count > 0)
        {
            throw new ContractViolationException(
                $"{context ?? schema.ToString()} breaks {Path.GetFileName(FileOf(schema))}:\n  {string.Join("\n  ", errors)}\npayload: {json}");
        }
    }

    /// <summary>Validates a message by the schema of the topic it was published on.</summary>
    public static void AssertValidOnTopic(string topic, string json) => AssertValid(SchemaForTopic(topic), json, $"message on {topic}");

    private static string Describe(NJsonSchema.Validation.ValidationError e) => e switch
    {
        NJsonSchema.Validation.ChildSchemaValidationError child =>
            $"{e.Path}: {e.Kind} [" + string.Join("; ", child.Errors.SelectMany(kv => kv.Value.Select(Describe))) + "]",
        _ => $"{(string.IsNullOrEmpty(e.Path) ? "#" : e.Path)}: {e.Kind}",
    };

    private static string FindSchemaDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "schemas");
            if (File.Exists(Path.Combine(candidate, "event.schema.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"docs/schemas not found above {AppContext.BaseDirectory}");
    }
}
