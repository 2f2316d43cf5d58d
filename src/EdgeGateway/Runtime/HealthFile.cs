using System.Buffers;
using System.Text.Json;

namespace EdgeGateway.Runtime;

/// <summary>Writes the health snapshot atomically (temp file, fsync, rename) so a reader never sees half a file.</summary>
internal static class HealthFile
{
    public const string FileName = "health.json";

    public static void Write(string dataDir, HealthSnapshot health)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteBoolean("armed", health.Armed);
            w.WriteString("version", health.Version);
            w.WriteBoolean("uplinkConnected", health.UplinkConnected);
            w.WriteNumber("outboxDepth", health.OutboxDepth);
            w.WriteNumber("pid", Environment.ProcessId);
            w.WriteString("at", health.At);
            w.WriteEndObject();
        }

        var path = Path.Combine(dataDir, FileName);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(buffer.WrittenSpan);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
