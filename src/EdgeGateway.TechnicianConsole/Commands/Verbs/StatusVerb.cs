using System.Globalization;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>status</c>: one screen to check a home is healthy before leaving.</summary>
internal sealed class StatusVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "status",
        "status",
        "gateway id, version, uptime, clock, uplink, outbox, alarms, health, sensors",
        "One screen to check a home is healthy before leaving.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 0, "status");
        var s = ctx.Services.Status.GetStatus();
        var lines = new List<string>
        {
            $"gateway  {s.GatewayId}",
            $"version  {s.Version}",
            $"uptime   {Duration(s.Uptime)}",
            $"clock    {(s.ClockSynchronised ? ctx.Paint("synchronised", ConsoleColor.Green) : ctx.Paint("NOT synchronised", ConsoleColor.Red))}",
        };
        if (s.UplinkPaths.Count == 0)
        {
            lines.Add($"uplink   {ctx.Paint("no path configured", ConsoleColor.Red)}");
        }

        for (var i = 0; i < s.UplinkPaths.Count; i++)
        {
            var p = s.UplinkPaths[i];
            var state = p.Up ? ctx.Paint("up", ConsoleColor.Green) : ctx.Paint("DOWN", ConsoleColor.Red);
            lines.Add($"{(i == 0 ? "uplink" : string.Empty),-9}{p.Name}: {state} ({p.Detail})");
        }

        lines.Add(s.OutboxDepth == 0
            ? "outbox   empty"
            : $"outbox   {s.OutboxDepth} unacknowledged, oldest {(s.OldestUnackedAge is { } age ? Duration(age) : "unknown")}");
        if (s.RoutineHeldUntil is { } held)
        {
            // A technician who sees a battery report not reaching the centre learns that it waits on purpose.
            lines.Add($"         routine reports held until {held.UtcDateTime:HH:mm:ss} UTC after an outage; alarms go at once");
        }

        lines.Add($"alarms   {s.AlarmsRaised} raised since start");
        for (var i = 0; i < s.Health.Count; i++)
        {
            var h = s.Health[i];
            lines.Add($"{(i == 0 ? "health" : string.Empty),-9}{h.Name}: {(h.Ok ? ctx.Paint("ok", ConsoleColor.Green) : ctx.Paint("FAULT", ConsoleColor.Red))} ({h.Detail})");
        }

        var sensors = ctx.Services.Sensors.List();
        for (var i = 0; i < sensors.Count; i++)
        {
            lines.Add($"{(i == 0 ? "sensors" : string.Empty),-9}{SensorText.Line(sensors[i])}");
        }

        await ctx.WriteLineAsync(string.Join('\n', lines)).ConfigureAwait(false);
    }

    private static string Duration(TimeSpan t) =>
        t.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays}d {t:hh\\:mm\\:ss}")
            : t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
