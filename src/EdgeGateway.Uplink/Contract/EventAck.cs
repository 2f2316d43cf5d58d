using System.Buffers;
using System.Text.Json;

namespace EdgeGateway.Uplink.Contract;

/// <summary>The centre's application-level acknowledgement of one event, by id.</summary>
/// <param name="EventId">The acknowledged event's id.</param>
/// <param name="By">Who acknowledged it (centre instance or operator).</param>
public sealed record EventAck(Guid EventId, string By)
{
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

    /// <summary>Parses an ack; false with a reason when the payload is not one.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out EventAck? ack, out string? error)
    {
        ack = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !Guid.TryParse(id.GetString(), out var eventId))
            {
                error = "ack must be an object with a UUID string 'id'";
                return false;
            }

            var by = root.TryGetProperty("by", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "centre";
            ack = new EventAck(eventId, by);
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
