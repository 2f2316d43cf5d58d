using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>log [N]</c>: the last N lines of the gateway's log.</summary>
internal sealed class LogVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "log",
        "log [N]",
        "the last N log lines (default 20)",
        "N is 1 to 500.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 1, "log [N]");
        var n = args.Count == 1 ? ParseInt(args[0], 1, 500, "log N") : 20;
        var lines = ctx.Services.Log.Recent(n);
        await ctx.WriteLineAsync(lines.Count == 0 ? "no log lines yet" : string.Join('\n', lines)).ConfigureAwait(false);
    }
}
