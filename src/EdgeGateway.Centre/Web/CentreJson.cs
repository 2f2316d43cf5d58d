using System.Buffers;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;

namespace EdgeGateway.Centre.Web;

/// <summary>The API's JSON shapes (docs/centre-api.yaml), written by hand so the centre stays trimmable.</summary>
internal static class CentreJson
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Gateway(Utf8JsonWriter w, GatewayRecord g, IReadOnlyList<PathView> paths, ResidentDirectory? residents = null)
    {
        w.WriteStartObject();
        w.WriteString("id", g.Id);
        w.WriteString("state", g.State);
        Time(w, "last_heartbeat", g.LastHeartbeatAt);
        if (g.BootId is { } boot)
        {
            w.WriteString("bootid", boot);
        }
        else
        {
            w.WriteNull("bootid");
        }

        Time(w, "first_seen", g.FirstSeen);
        Time(w, "status_at", g.StatusAt);
        Time(w, "offline_since", g.OfflineSince);
        w.WriteNumber("heartbeat_interval_s", (long)g.HeartbeatInterval.TotalSeconds);
        Num(w, "outbox_depth", g.OutboxDepth);

        if (g.ClockSynced is { } synced)
        {
            w.WriteBoolean("clocksynced", synced);
        }
        else
        {
            w.WriteNull("clocksynced");
        }

        // Paths and sensors as the last heartbeat stated them ("path.primary": "up", "sensor.hall": "ok").
        w.WritePropertyName("states");
        if (g.Heartbeat is { } json && TryStates(json) is { } states)
        {
            states.WriteTo(w);
        }
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }

        // Each path of a two-path gateway as the centre sees it (its own birth and will); empty with one path.
        w.WriteStartArray("paths");
        foreach (var p in paths)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            w.WriteString("state", p.State);
            w.WriteString("status", p.Status);
            Time(w, "status_at", p.StatusAt);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Time(w, "last_event", g.LastEventAt);
        Time(w, "last_test", g.LastTestAt);
        Time(w, "last_daily_test", g.LastDailyTestAt);
        Resident(w, g.Id, residents);
        w.WriteEndObject();
    }

    /// <summary>Writes <c>"resident"</c>: the home's summary, or null; nothing when <paramref name="residents"/> is null (an answer that does not carry it).</summary>
    private static void Resident(Utf8JsonWriter w, string gateway, ResidentDirectory? residents)
    {
        if (residents is null)
        {
            return;
        }

        w.WritePropertyName("resident");
        if (residents.SummaryOf(gateway) is { } summary)
        {
            ResidentJson.Summary(w, summary);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static JsonElement? TryStates(string heartbeat)
    {
        try
        {
            using var doc = JsonDocument.Parse(heartbeat);
            return doc.RootElement.TryGetProperty("states", out var s) && s.ValueKind == JsonValueKind.Object ? s.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void Alarm(Utf8JsonWriter w, AlarmRecord a, IReadOnlyList<AlarmNote>? notes = null, IReadOnlyList<TimelineEntry>? timeline = null, ResidentDirectory? residents = null)
    {
        w.WriteStartObject();
        w.WriteString("id", a.Id);
        w.WriteString("gateway", a.Gateway);
        w.WriteString("type", a.Type);
        w.WriteString("origin", a.Origin);
        w.WriteString("state", a.State);
        w.WriteNumber("priority", a.Priority);
        w.WriteString("message", a.Message);
        Str(w, "sensor", a.Sensor);
        Time(w, "raised_at", a.RaisedAt);
        Time(w, "received_at", a.ReceivedAt);
        Time(w, "delivered_at", a.DeliveredAt);
        Time(w, "taken_at", a.TakenAt);
        Str(w, "taken_by", a.TakenBy);
        Time(w, "cleared_at", a.ClearedAt);
        Str(w, "cleared_by", a.ClearedBy);
        Str(w, "clear_reason", a.ClearReason);
        w.WriteNumber("escalation", a.Escalation);
        Time(w, "escalated_at", a.EscalatedAt);
        if (notes is not null)
        {
            w.WriteStartArray("notes");
            foreach (var n in notes)
            {
                Note(w, n);
            }

            w.WriteEndArray();
        }

        if (timeline is not null)
        {
            TimelineJson.Timeline(w, timeline);
        }

        Resident(w, a.Gateway, residents);
        w.WriteEndObject();
    }

    public static void Note(Utf8JsonWriter w, AlarmNote n)
    {
        w.WriteStartObject();
        w.WriteString("alarm", n.Alarm);
        Time(w, "at", n.At);
        w.WriteString("operator", n.Operator);
        w.WriteString("text", n.Text);
        w.WriteEndObject();
    }

    public static Action<Utf8JsonWriter> ActionResult(AlarmActionResult result) => w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("alarm");
        Alarm(w, result.Alarm);
        w.WritePropertyName("command");
        Command(w, result.Command);
        w.WriteEndObject();
    };

    public static void Test(Utf8JsonWriter w, TestRoundTrip t)
    {
        w.WriteStartObject();
        w.WritePropertyName("command");
        Command(w, t.Command);
        if (t.Event is { } e)
        {
            w.WriteString("event", e);
        }
        else
        {
            w.WriteNull("event");
        }

        if (t.RoundTrip is { } rt)
        {
            w.WriteNumber("round_trip_ms", Math.Round(rt.TotalMilliseconds, 1));
        }
        else
        {
            w.WriteNull("round_trip_ms");
        }

        w.WriteEndObject();
    }

    private static void Command(Utf8JsonWriter w, CommandOutcome? c)
    {
        if (c is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteString("id", c.CommandId);
        w.WriteString("status", c.Status);
        w.WritePropertyName("reply");
        if (c.Reply is { } reply)
        {
            using var doc = JsonDocument.Parse(reply);
            doc.RootElement.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteEndObject();
    }

    public static void Rejected(Utf8JsonWriter w, RejectedMessage r)
    {
        w.WriteStartObject();
        Time(w, "at", r.At);
        w.WriteString("topic", r.Topic);
        Str(w, "gateway", r.Gateway);
        w.WriteString("reason", r.Reason);
        w.WriteString("payload", r.Payload);
        w.WriteEndObject();
    }

    public static void Change(Utf8JsonWriter w, CentreChange c, Func<GatewayRecord, IReadOnlyList<PathView>> pathsOf, ResidentDirectory? residents = null)
    {
        if (c.Alarm is { } a)
        {
            Alarm(w, a, residents: residents);
        }
        else if (c.Gateway is { } g)
        {
            Gateway(w, g, pathsOf(g), residents);
        }
        else
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
    }

    internal static void Time(Utf8JsonWriter w, string name, DateTimeOffset? at)
    {
        if (at is { } t)
        {
            w.WriteString(name, Instants.Wire(t));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    internal static void Num(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } n)
        {
            w.WriteNumber(name, n);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    internal static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
