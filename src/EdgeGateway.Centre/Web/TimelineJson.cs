using System.Text.Json;
using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Web;

/// <summary>The JSON of an alarm's timeline and its steps (docs/centre-api.yaml: TimelineEntry, Step).</summary>
internal static class TimelineJson
{
    public static void Timeline(Utf8JsonWriter w, IReadOnlyList<TimelineEntry> timeline)
    {
        w.WriteStartArray("timeline");
        foreach (var e in timeline)
        {
            w.WriteStartObject();
            w.WriteString("kind", e.Kind);
            CentreJson.Time(w, "at", e.At);
            CentreJson.Str(w, "operator", e.Operator);
            CentreJson.Str(w, "outcome", e.Outcome);
            CentreJson.Str(w, "text", e.Text);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void Step(Utf8JsonWriter w, AlarmStep s)
    {
        w.WriteStartObject();
        w.WriteString("alarm", s.Alarm);
        w.WriteString("kind", s.Kind);
        CentreJson.Time(w, "at", s.At);
        w.WriteString("operator", s.Operator);
        CentreJson.Str(w, "outcome", s.Outcome);
        CentreJson.Str(w, "text", s.Text);
        w.WriteEndObject();
    }
}
