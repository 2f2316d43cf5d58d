using System.Buffers;
using System.Text.Json;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Writes the one reply of a command: the envelope (command, type, gateway, time) and either its result or its error.</summary>
internal sealed class CommandReplyWriter(string gatewayId, TimeProvider time, IClockSyncStatus clock)
{
    /// <summary>An ok reply whose result object <paramref name="result"/> fills.</summary>
    public CommandOutcome Ok(Context ctx, Action<Utf8JsonWriter> result) => Write(ctx, null, null, null, null, result);

    /// <summary>An error reply.</summary>
    public CommandOutcome Error(Context ctx, CommandRejection rejection) =>
        Write(ctx, rejection.Code, rejection.Field, rejection.Message, rejection.Problems, null);

    private CommandOutcome Write(Context ctx, string? code, string? field, string? message, IReadOnlyList<ConfigIssue>? problems, Action<Utf8JsonWriter>? result)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("command", ctx.Id);
            w.WriteString("type", ctx.Type);
            w.WriteString("gateway", gatewayId);
            w.WriteString("time", CommandJson.Utc(time.GetUtcNow()));
            w.WriteBoolean("clocksynced", clock.IsSynchronised);
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
                        w.WriteString("key", p.Path);
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

    /// <summary>What the reply says it answers: as much of the command's id and type as could be read.</summary>
    internal sealed class Context
    {
        /// <summary>The command's id, once readable.</summary>
        public string? Id { get; set; }

        /// <summary>The command's type, once readable.</summary>
        public string? Type { get; set; }
    }
}
