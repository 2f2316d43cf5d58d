using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EdgeGateway.Centre.Rollouts;

/// <summary>A rollout's fixed document as the archive keeps it (one JSON column), written and read by hand so trimming keeps it.</summary>
public static class RolloutJson
{
    /// <summary>The spec as one JSON object.</summary>
    public static string Write(RolloutSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, spec);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the spec as one JSON object (also the API's <c>rollout</c>).</summary>
    public static void Write(Utf8JsonWriter w, RolloutSpec spec)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(spec);
        w.WriteStartObject();
        w.WriteString("id", spec.Id);
        w.WriteString("kind", spec.Kind);
        w.WriteString("createdBy", spec.CreatedBy);
        w.WriteString("createdAt", Instants.Wire(spec.CreatedAt));
        if (spec.Release is { } release)
        {
            w.WriteStartObject("release");
            w.WriteString("version", release.Version);
            w.WriteString("archive", release.ArchiveFile);
            w.WriteNumber("size", release.Size);
            w.WriteString("sha256", release.Sha256);
            w.WriteString("url", release.Url);
            w.WritePropertyName("signature");
            w.WriteRawValue(release.SignatureJson);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("release");
        }

        if (spec.Config is { } config)
        {
            w.WriteStartObject("config");
            w.WritePropertyName("changes");
            w.WriteRawValue(config.ChangesJson);
            if (config.Reason is { } reason)
            {
                w.WriteString("reason", reason);
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("config");
        }

        w.WriteStartArray("waves");
        foreach (var p in spec.Waves)
        {
            w.WriteNumberValue(p);
        }

        w.WriteEndArray();
        w.WriteString("window", spec.Window?.ToString());

        w.WriteNumber("maxFailures", spec.MaxFailures);
        w.WriteNumber("soakSeconds", (long)spec.Soak.TotalSeconds);
        w.WriteNumber("gateSeconds", spec.GateSeconds);
        w.WriteNumber("reportTimeoutSeconds", (long)spec.ReportTimeout.TotalSeconds);
        w.WriteStartArray("canaries");
        foreach (var c in spec.Canaries)
        {
            w.WriteStringValue(c);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads what <see cref="Write(RolloutSpec)"/> wrote.</summary>
    /// <exception cref="JsonException">The document is not a rollout.</exception>
    public static RolloutSpec Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        try
        {
            var rel = r.GetProperty("release");
            var release = rel.ValueKind == JsonValueKind.Null ? null : new RolloutRelease(rel.GetProperty("version").GetString()!, rel.GetProperty("archive").GetString()!,
                rel.GetProperty("size").GetInt64(), rel.GetProperty("sha256").GetString()!, rel.GetProperty("signature").GetRawText(), rel.GetProperty("url").GetString()!);
            var cfg = r.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object
                ? new RolloutConfig(c.GetProperty("changes").GetRawText(), c.TryGetProperty("reason", out var why) ? why.GetString() : null)
                : null;
            var window = r.GetProperty("window").ValueKind == JsonValueKind.String ? RolloutWindow.Parse(r.GetProperty("window").GetString()!) : null;
            return new RolloutSpec(
                r.GetProperty("id").GetString()!, r.GetProperty("createdBy").GetString()!, DateTimeOffset.Parse(r.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind), release,
                [.. r.GetProperty("waves").EnumerateArray().Select(e => e.GetInt32())], window, r.GetProperty("maxFailures").GetInt32(),
                TimeSpan.FromSeconds(r.GetProperty("soakSeconds").GetInt64()), r.GetProperty("gateSeconds").GetInt32(),
                TimeSpan.FromSeconds(r.GetProperty("reportTimeoutSeconds").GetInt64()), [.. r.GetProperty("canaries").EnumerateArray().Select(e => e.GetString()!)]) { Config = cfg };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"not a stored rollout: {ex.Message}", ex);
        }
    }
}
