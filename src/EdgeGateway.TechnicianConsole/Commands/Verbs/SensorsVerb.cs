using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>sensors</c>: every sensor with its live value and where it is.</summary>
internal sealed class SensorsVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "sensors",
        "sensors",
        "every sensor with its live value",
        "A sensor without a value yet is shown as 'no value yet': check its wiring.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 0, "sensors");
        var sensors = ctx.Services.Sensors.List();
        if (sensors.Count == 0)
        {
            await ctx.WriteLineAsync("no sensors configured").ConfigureAwait(false);
            return;
        }

        foreach (var s in sensors)
        {
            await ctx.WriteLineAsync($"{SensorText.Line(s)}  [{s.Description}]").ConfigureAwait(false);
        }
    }
}
