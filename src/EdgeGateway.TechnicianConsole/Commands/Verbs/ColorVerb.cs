using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>color on|off</c>: ANSI colours for this session.</summary>
internal sealed class ColorVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "color",
        "color on|off",
        "turn ANSI colours on or off",
        "Off by default: dumb terminals show escape codes as garbage.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, "color on|off");
        ctx.Color = args[0].ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            _ => throw new CommandUsageException($"color {args[0]}: expected on or off"),
        };
        await ctx.WriteLineAsync(ctx.Color ? ctx.Paint("colours on", ConsoleColor.Green) : "colours off").ConfigureAwait(false);
    }
}
