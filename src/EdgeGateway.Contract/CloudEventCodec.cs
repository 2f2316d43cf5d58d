using System.Buffers;
using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Contract;

/// <summary>Writes and reads care events as CloudEvents 1.0 structured JSON with our extension attributes.</summary>
/// <remarks>Hand-written over Utf8JsonWriter/JsonDocument: no reflection, so it trims and stays allocation-lean on the Pi.</remarks>
public static class CloudEventCodec
{
    /// <summary>The prefix of every CloudEvents <c>type</c> we emit.</summary>
    public const string TypePrefix = "org.edgegateway.";

    private static readonly Dictionary<string, CareEventKind> KindsByType =
        CareEventCatalog.All.ToDictionary(s => TypePrefix + s.TypeName, s => s.Kind, StringComparer.Ordinal);

    /// <summary>The CloudEvents <c>source</c> of a gateway.</summary>
    public static string Source(string gatewayId) => $"/edgegateway/{gatewayId}";

    /// <summary>Serialises <paramref name="evt"/> to UTF-8 JSON.</summary>
    public static byte[] Serialize(CareEvent evt)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(evt, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="evt"/> as UTF-8 JSON into <paramref name="output"/>.</summary>
    public static void Write(CareEvent evt, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(evt);
        using var w = new Utf8JsonWriter(output);
        var spec = evt.Spec;
        w.WriteStartObject();
        w.WriteString("specversion", "1.0");
        w.WriteString("id", evt.Id);
        w.WriteString("source", Source(evt.GatewayId));
        w.WriteString("type", TypePrefix + spec.TypeName);
        if (evt.SensorId is not null)
        {
            w.WriteString("subject", evt.SensorId);
        }

        w.WriteString("time", evt.Time.Wall.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("datacontenttype", "application/json");
        w.WriteString("eventclass", Topics.ClassName(spec.Class));
        w.WriteNumber("priority", evt.Priority);
        if (spec.ScaipDevice is not null)
        {
            w.WriteString("scaipdevice", spec.ScaipDevice);
        }

        if (spec.ScaipStatus is not null)
        {
            w.WriteString("scaipstatus", spec.ScaipStatus);
        }

        w.WriteString("bootid", evt.BootId);

        // CloudEvents Integer is 32-bit and its sequence extension is a lexicographically orderable string: the 64-bit
        // counters travel as strings, the sequence zero-padded so that string order is numeric order.
        w.WriteString("sequence", evt.Sequence.ToString("D19", CultureInfo.InvariantCulture));
        w.WriteBoolean("clocksynced", evt.Time.ClockSynchronised);
        if (evt.Time.Source is { } source)
        {
            w.WriteString("timesource", TimeSourceName(source));
        }

        w.WriteString("uptimems", ((long)evt.Time.SinceBoot.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        if (evt.RelatesTo is { } related)
        {
            w.WriteString("relatesto", related);
        }

        w.WriteStartObject("data");
        w.WriteString("message", evt.Message);
        foreach (var (key, value) in evt.Data)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Reads an event written by <see cref="Serialize"/>.</summary>
    /// <exception cref="FormatException">The JSON is malformed or a required attribute is missing or wrong; the message names it.</exception>
    public static CareEvent Deserialize(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"event is not valid JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("event must be a JSON object");
            }

            if (RequiredString(root, "specversion") != "1.0")
            {
                throw new FormatException("specversion must be \"1.0\"");
            }

            var type = RequiredString(root, "type");
            if (!KindsByType.TryGetValue(type, out var kind))
            {
                throw new FormatException($"type '{type}' is not an EdgeGateway event type");
            }

            var source = RequiredString(root, "source");
            const string sourcePrefix = "/edgegateway/";
            if (!source.StartsWith(sourcePrefix, StringComparison.Ordinal))
            {
                throw new FormatException($"source '{source}' does not start with {sourcePrefix}");
            }

            var data = new Dictionary<string, string>(StringComparer.Ordinal);
            var message = "";
            if (root.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in dataElement.EnumerateObject())
                {
                    var value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                    if (p.Name == "message")
                    {
                        message = value;
                    }
                    else
                    {
                        data[p.Name] = value;
                    }
                }
            }

            return new CareEvent
            {
                Id = RequiredGuid(root, "id"),
                Kind = kind,
                GatewayId = source[sourcePrefix.Length..],
                SensorId = root.TryGetProperty("subject", out var subject) ? subject.GetString() : null,
                BootId = RequiredGuid(root, "bootid"),
                Sequence = RequiredCounter(root, "sequence"),
                Priority = (int)RequiredNumber(root, "priority"),
                Time = new EventTime(
                    RequiredTime(root, "time"),
                    root.TryGetProperty("clocksynced", out var synced) && synced.ValueKind == JsonValueKind.True,
                    TimeSpan.FromMilliseconds(RequiredCounter(root, "uptimems")))
                {
                    Source = root.TryGetProperty("timesource", out var ts) ? ParseTimeSource(ts) : null,
                },
                RelatesTo = root.TryGetProperty("relatesto", out var rel) ? ParseGuid(rel, "relatesto") : null,
                Message = message,
                Data = data,
            };
        }
    }

    /// <summary>The wire name of <paramref name="source"/>: ntp, rtc or none.</summary>
    public static string TimeSourceName(TimeSource source) => source switch
    {
        TimeSource.Ntp => "ntp",
        TimeSource.Rtc => "rtc",
        TimeSource.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    // Optional (older gateways leave it out), but a value that is there must be one of the three.
    private static TimeSource ParseTimeSource(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() switch
    {
        "ntp" => TimeSource.Ntp,
        "rtc" => TimeSource.Rtc,
        "none" => TimeSource.None,
        var other => throw new FormatException($"attribute 'timesource' is '{other}'; expected ntp, rtc or none"),
    }
    : throw new FormatException("attribute 'timesource' is not a string");

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new FormatException($"attribute '{name}' is missing or not a string");

    private static long RequiredNumber(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v)
            ? v
            : throw new FormatException($"attribute '{name}' is missing or not an integer");

    /// <summary>A 64-bit counter sent as a decimal string; a JSON number is still read so events written before the change decode.</summary>
    private static long RequiredCounter(JsonElement root, string name)
    {
        if (root.TryGetProperty(name, out var e))
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var n) && n >= 0)
            {
                return n;
            }

            if (e.ValueKind == JsonValueKind.String
                && long.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
            {
                return s;
            }
        }

        throw new FormatException($"attribute '{name}' is missing or not a non-negative integer (a decimal string)");
    }

    private static Guid RequiredGuid(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e)
            ? ParseGuid(e, name)
            : throw new FormatException($"attribute '{name}' is missing");

    private static Guid ParseGuid(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.String && Guid.TryParse(e.GetString(), out var g)
            ? g
            : throw new FormatException($"attribute '{name}' is not a UUID");

    private static DateTimeOffset RequiredTime(JsonElement root, string name) =>
        DateTimeOffset.TryParse(RequiredString(root, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new FormatException($"attribute '{name}' is not an RFC 3339 time");
}
