using System.Text.Json;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary><c>status.request</c>: no arguments; the reply carries the gateway's status.</summary>
internal sealed class StatusRequestBinder(IStatusProvider status) : ICommandBinder
{
    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.StatusRequest];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        Only(command.Args);
        return () =>
        {
            var report = status.GetStatus();
            return w => Write(w, report);
        };
    }

    private static void Write(Utf8JsonWriter w, GatewayStatusReport s)
    {
        w.WriteString("bootid", s.BootId);
        w.WriteNumber("uptime_s", (long)s.Uptime.TotalSeconds);
        w.WriteBoolean("clocksynced", s.ClockSynced);
        w.WriteNumber("outbox_depth", s.OutboxDepth);
        w.WriteNumber("configversion", s.ConfigVersion);
        w.WriteStartArray("alarms");
        foreach (var a in s.Alarms)
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteString("type", a.Type);
            w.WriteString("state", a.State);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("states");
        foreach (var (k, v) in s.States)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }
}
