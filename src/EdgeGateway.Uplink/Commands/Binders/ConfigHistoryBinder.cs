using System.Text.Json;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary><c>config.history</c>: the newest <c>args.limit</c> (1–100) audit entries, newest first.</summary>
internal sealed class ConfigHistoryBinder(IRemoteConfiguration config, int defaultLimit) : ICommandBinder
{
    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.ConfigHistory];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        var args = command.Args;
        Only(args, "limit");
        var limit = defaultLimit;
        if (args.TryGetProperty("limit", out var l))
        {
            limit = l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) && n is >= 1 and <= 100
                ? n
                : throw Invalid("args.limit", $"expected an integer from 1 to 100, got {Describe(l)}");
        }

        return () =>
        {
            var entries = config.History(limit);
            return w => Write(w, entries);
        };
    }

    private static void Write(Utf8JsonWriter w, IReadOnlyList<ConfigHistoryEntry> entries)
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
            if (e.Knowingly.Count > 0)
            {
                w.WriteStartArray("knowingly");
                foreach (var accepted in e.Knowingly)
                {
                    w.WriteStringValue(accepted);
                }

                w.WriteEndArray();
            }
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
}
