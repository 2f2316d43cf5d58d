using System.Globalization;
using System.Threading.Channels;
using EdgeGateway.TechnicianConsole.Services;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>watch SENSOR</c>: a sensor's values as they change, until Ctrl-C.</summary>
internal sealed class WatchVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "watch",
        "watch SENSOR",
        "print a sensor's values as they change, until Ctrl-C",
        "Example: watch front-door");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, "watch SENSOR");
        var sensor = FindSensor(ctx, args[0]);

        // Bounded and dropping the oldest: a chattering sensor on a 115200-baud line must not grow memory.
        var values = Channel.CreateBounded<SensorValue>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = ctx.Services.Sensors.Subscribe(sensor.SensorId, v => values.Writer.TryWrite(v));
        await ctx.WriteLineAsync($"watching {sensor.SensorId}: {sensor.Last?.Text ?? "no value yet"} (Ctrl-C to stop)").ConfigureAwait(false);
        await foreach (var v in values.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await ctx.WriteLineAsync($"{v.Time.ToString("HH:mm:ss.f", CultureInfo.InvariantCulture)} {v.SensorId} {v.Text}").ConfigureAwait(false);
        }
    }
}
