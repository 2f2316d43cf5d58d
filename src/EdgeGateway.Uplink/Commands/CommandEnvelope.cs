using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeGateway.Core.Time;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands;

/// <summary>A command's envelope once its fields have been checked; <see cref="Args"/> lives as long as the parsed document.</summary>
/// <param name="Id">The command's id.</param>
/// <param name="Type">One of <see cref="CommandTypes.All"/>.</param>
/// <param name="By">The operator who sent it.</param>
/// <param name="Expires">When it stops being valid.</param>
/// <param name="Args">Its arguments (an empty object when none).</param>
internal sealed record CommandEnvelope(string Id, string Type, string By, DateTimeOffset Expires, JsonElement Args);

/// <summary>
/// The envelope checks of a command: size (unparsed), JSON (bounded depth, duplicates refused), fields, then — once the
/// arguments are bound — expiry against gateway time and the replay window.
/// </summary>
internal sealed partial class CommandEnvelopeCheck(TimeProvider time, IClockSyncStatus clock, CommandReplayWindow window, CommandProcessorOptions options)
{
    private static readonly JsonElement EmptyArgs = CreateEmptyArgs();

    /// <summary>Parses <paramref name="payload"/>; the caller disposes the document.</summary>
    public JsonDocument Parse(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > options.MaxPayloadBytes)
        {
            throw new CommandRejection(CommandErrorCodes.TooLarge, null, $"payload is {payload.Length} bytes; at most {options.MaxPayloadBytes} are accepted");
        }

        try
        {
            return JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = options.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new CommandRejection(CommandErrorCodes.MalformedJson, null, $"payload is not valid JSON (at most {options.MaxDepth} levels deep): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            throw new CommandRejection(CommandErrorCodes.MalformedJson, null, $"payload is not valid UTF-8 JSON: {ex.Message}");
        }
    }

    /// <summary>Checks the envelope fields of <paramref name="root"/>; the id and type are set on <paramref name="reply"/> as soon as they are readable.</summary>
    public static CommandEnvelope Read(JsonElement root, CommandReplyWriter.Context reply)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", $"a command must be a JSON object, got {Describe(root)}");
        }

        // Best effort first, so that even a reply about another field names the command it answers.
        if (root.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String && IdPattern().IsMatch(idEl.GetString()!))
        {
            reply.Id = idEl.GetString();
        }

        if (root.TryGetProperty("type", out var typeEl) && typeEl.ValueKind == JsonValueKind.String && typeEl.GetString()!.Length <= MaxEcho)
        {
            reply.Type = typeEl.GetString();
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

        var id = reply.Id ?? throw Invalid("id", root.TryGetProperty("id", out var badId)
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

        return new CommandEnvelope(id, type, by, expires, args);
    }

    /// <summary>Refuses an expired command, one that expires too far ahead, and a replay; otherwise remembers its id.</summary>
    public void Admit(CommandEnvelope command)
    {
        var now = time.GetUtcNow();
        var synced = clock.IsSynchronised;
        if (command.Expires <= now)
        {
            throw new CommandRejection(CommandErrorCodes.Expired, "expires", $"command expired at {Utc(command.Expires)}; gateway time is {Utc(now)}{(synced ? "" : " (clock not synchronised)")}");
        }

        // An unsynchronised clock may be far behind (1970): the cap would refuse every command when it is needed most.
        // The window then keeps the id for its horizon of monotonic time, whatever the command claims.
        if (synced && command.Expires > now + window.Horizon)
        {
            throw Invalid("expires", $"{Utc(command.Expires)} is more than {window.Horizon.TotalMinutes:0} minutes ahead of gateway time {Utc(now)}");
        }

        if (!window.TryRemember(command.Id, command.Expires, synced, out var refusal))
        {
            throw new CommandRejection(CommandErrorCodes.Replayed, "id", refusal!);
        }
    }

    private static JsonElement CreateEmptyArgs()
    {
        using var doc = JsonDocument.Parse("{}");
        return doc.RootElement.Clone();
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex IdPattern();
}
