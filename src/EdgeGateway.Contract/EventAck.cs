using System.Buffers;
using System.Text.Json;

namespace EdgeGateway.Contract;

/// <summary>The centre's application-level acknowledgement of one event, by id.</summary>
/// <param name="EventId">The acknowledged event's id.</param>
/// <param name="By">Who acknowledged it (centre instance or operator).</param>
public sealed record EventAck(Guid EventId, string By)
{
    /// <summary>The most ids one batched ack may carry (docs/schemas/ack.schema.json).</summary>
    public const int MaxBatch = 1000;

    /// <summary>Serialises the ack as <c>{"id":"…","by":"…"}</c>.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", EventId);
            w.WriteString("by", By);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Serialises the acks of <paramref name="ids"/> as one message: <c>{"ids":[…],"by":"…"}</c>, or the single form when
    /// there is one id (what every gateway, also one older than batched acks, understands).
    /// </summary>
    /// <exception cref="ArgumentException">No ids, or more than <see cref="MaxBatch"/>.</exception>
    public static byte[] ToJson(IReadOnlyList<Guid> ids, string by)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(by);
        if (ids.Count is 0 or > MaxBatch)
        {
            throw new ArgumentException($"an ack carries 1 to {MaxBatch} ids, got {ids.Count}", nameof(ids));
        }

        if (ids.Count == 1)
        {
            return new EventAck(ids[0], by).ToJson();
        }

        var buffer = new ArrayBufferWriter<byte>(32 + (ids.Count * 39) + by.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("ids");
            foreach (var id in ids)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            w.WriteString("by", by);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses an ack of the single form only; false with a reason otherwise (see <see cref="TryParseMany"/> for both forms).</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out EventAck? ack, out string? error)
    {
        ack = null;
        if (!TryParseMany(json, out var acks, out error))
        {
            return false;
        }

        if (acks.Count != 1)
        {
            error = $"expected an ack of one event, got a batch of {acks.Count}";
            return false;
        }

        ack = acks[0];
        return true;
    }

    /// <summary>
    /// Parses an ack of either form, <c>{"id","by"}</c> or <c>{"ids":[…],"by"}</c>, into one <see cref="EventAck"/> per id;
    /// false with a reason naming the problem when the payload is not one. A batch with one bad id yields no acks at all.
    /// </summary>
    public static bool TryParseMany(ReadOnlySpan<byte> json, out IReadOnlyList<EventAck> acks, out string? error)
    {
        acks = [];
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"ack must be a JSON object, got {root.ValueKind}";
                return false;
            }

            var hasId = root.TryGetProperty("id", out var id);
            var hasIds = root.TryGetProperty("ids", out var ids);
            var by = root.TryGetProperty("by", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "centre";
            if (hasId == hasIds)
            {
                error = hasId ? "ack has both 'id' and 'ids'; send one form" : "ack must have a UUID string 'id' or an array 'ids' of them";
                return false;
            }

            if (hasId)
            {
                if (id.ValueKind != JsonValueKind.String || !Guid.TryParse(id.GetString(), out var eventId))
                {
                    error = "ack must be an object with a UUID string 'id'";
                    return false;
                }

                acks = [new EventAck(eventId, by)];
                error = null;
                return true;
            }

            if (ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() is 0 or > MaxBatch)
            {
                error = $"ack 'ids' must be an array of 1 to {MaxBatch} UUID strings, got {(ids.ValueKind == JsonValueKind.Array ? $"{ids.GetArrayLength()} items" : ids.ValueKind.ToString())}";
                return false;
            }

            var list = new List<EventAck>(ids.GetArrayLength());
            foreach (var item in ids.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var eventId))
                {
                    // All or nothing: a centre that sends garbage in one slot may have garbled the others too.
                    error = $"ack 'ids[{list.Count}]' is not a UUID string ({item.GetRawText()}); none of the {ids.GetArrayLength()} ids taken";
                    return false;
                }

                list.Add(new EventAck(eventId, by));
            }

            acks = list;
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"ack is not valid JSON: {ex.Message}";
            return false;
        }
    }
}
