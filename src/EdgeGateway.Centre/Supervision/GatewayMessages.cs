using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;

namespace EdgeGateway.Centre.Supervision;

/// <summary>Reads the status and heartbeat payloads (docs/schemas/status.schema.json, heartbeat.schema.json) with errors that name the field.</summary>
public static class GatewayMessages
{
    /// <summary>Reads a status payload: state and boot id.</summary>
    /// <exception cref="FormatException">The payload is not a valid status; the message names the field.</exception>
    public static (string State, Guid BootId) ReadStatus(ReadOnlySpan<byte> json)
    {
        using var doc = Parse(json, "status");
        var root = doc.RootElement;
        var state = String(root, "state");
        if (state is not (GatewayStates.Online or GatewayStates.Offline))
        {
            throw new FormatException($"state must be \"online\" or \"offline\", got \"{state}\"");
        }

        return (state, Uuid(root, "bootid"));
    }

    /// <summary>Reads a heartbeat payload, believing an <c>interval_s</c> of up to <see cref="HeartbeatLimits.MaxSeconds"/>.</summary>
    /// <exception cref="FormatException">The payload is not a valid heartbeat; the message names the field.</exception>
    public static HeartbeatInfo ReadHeartbeat(ReadOnlySpan<byte> json) => ReadHeartbeat(json, TimeSpan.FromSeconds(HeartbeatLimits.MaxSeconds), out _);

    /// <summary>
    /// Reads a heartbeat payload. An <c>interval_s</c> longer than <paramref name="maxInterval"/> is not believed: the
    /// heartbeat's interval is then null (the centre holds the home to its own default) and the claim is in <paramref name="refusedSeconds"/>.
    /// </summary>
    /// <exception cref="FormatException">The payload is not a valid heartbeat; the message names the field.</exception>
    public static HeartbeatInfo ReadHeartbeat(ReadOnlySpan<byte> json, TimeSpan maxInterval, out long? refusedSeconds)
    {
        refusedSeconds = null;
        using var doc = Parse(json, "heartbeat");
        var root = doc.RootElement;
        var boot = Uuid(root, "bootid");
        var timeText = String(root, "time");
        if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new FormatException($"time must be a UTC date-time, got \"{timeText}\"");
        }

        var depth = Integer(root, "outbox_depth", 0);
        Integer(root, "uptime_s", 0);
        if (!root.TryGetProperty("clocksynced", out var synced) || synced.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new FormatException("clocksynced must be true or false");
        }

        if (!root.TryGetProperty("states", out var states) || states.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("states must be an object");
        }

        TimeSpan? interval = null;
        if (root.TryGetProperty("interval_s", out _))
        {
            // Compared as a number first: 10^12 s is past TimeSpan's range, and an interval of years is no supervision.
            var seconds = Integer(root, "interval_s", HeartbeatLimits.MinSeconds);
            if (seconds > maxInterval.TotalSeconds)
            {
                refusedSeconds = seconds;
            }
            else
            {
                interval = TimeSpan.FromSeconds(seconds);
            }
        }

        return new HeartbeatInfo(boot, time, depth, synced.GetBoolean(), interval, root.GetRawText());
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new FormatException($"a {what} must be a JSON object");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{what} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static string String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : throw new FormatException($"{name} is missing or not a string");

    private static Guid Uuid(JsonElement root, string name) =>
        Guid.TryParseExact(String(root, name), "D", out var id) ? id : throw new FormatException($"{name} must be a UUID");

    private static long Integer(JsonElement root, string name, long minimum) =>
        root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var v) && v >= minimum
            ? v
            : throw new FormatException($"{name} must be an integer of at least {minimum}");
}
