using System.Buffers;
using System.Text.Json;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>The retained status payloads on <c>edgegateway/v1/{gw}/status</c>.</summary>
public static class GatewayStatus
{
    /// <summary>The birth message, published retained on every connect.</summary>
    public static byte[] Online(Guid bootId) => Payload("online", bootId);

    /// <summary>The last will (and the graceful goodbye), retained.</summary>
    public static byte[] Offline(Guid bootId) => Payload("offline", bootId);

    /// <summary>Reads the state ("online"/"offline") from a status payload, or null when it is not one.</summary>
    public static string? StateOf(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("state", out var s) ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Payload(string state, Guid bootId)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("state", state);
            w.WriteString("bootid", bootId);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
