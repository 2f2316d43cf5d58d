using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>What a heartbeat says about the gateway.</summary>
/// <param name="BootId">The process lifetime.</param>
/// <param name="Uptime">Time since boot.</param>
/// <param name="OutboxDepth">Accepted events not yet acknowledged.</param>
/// <param name="OldestUnacked">Age of the oldest of them, or null.</param>
/// <param name="ClockSynced">Whether the wall clock is synchronised.</param>
/// <param name="Time">Wall-clock time of the heartbeat.</param>
/// <param name="States">Path and sensor states.</param>
/// <param name="Interval">How often heartbeats are sent, so the centre knows when silence means trouble (null: not stated).</param>
public sealed record Heartbeat(
    Guid BootId,
    TimeSpan Uptime,
    long OutboxDepth,
    TimeSpan? OldestUnacked,
    bool ClockSynced,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, string> States,
    TimeSpan? Interval = null)
{
    /// <summary>The JSON published on <c>edgegateway/v1/{gw}/heartbeat</c>.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("bootid", BootId);
            w.WriteString("time", Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteNumber("uptime_s", (long)Uptime.TotalSeconds);
            w.WriteNumber("outbox_depth", OutboxDepth);
            if (OldestUnacked is { } age)
            {
                w.WriteNumber("oldest_unacked_s", Math.Round(age.TotalSeconds, 3));
            }
            else
            {
                w.WriteNull("oldest_unacked_s");
            }

            w.WriteBoolean("clocksynced", ClockSynced);
            if (Interval is { } interval)
            {
                w.WriteNumber("interval_s", (long)Math.Ceiling(interval.TotalSeconds));
            }

            w.WriteStartObject("states");
            foreach (var (k, v) in States)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
