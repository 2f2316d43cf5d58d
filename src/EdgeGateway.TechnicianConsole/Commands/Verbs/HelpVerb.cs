using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>help [COMMAND]</c>: every verb's summary, or one verb's usage and details, from the verbs themselves.</summary>
internal sealed class HelpVerb(ICommandContext ctx, IReadOnlyList<IConsoleVerb> verbs) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "help",
        "help [COMMAND]",
        "list the commands, or explain one",
        "help alone lists every command; help CMD shows its usage.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 1, "help [COMMAND]");
        if (args.Count == 1)
        {
            var verb = Find(args[0]);
            await ctx.WriteLineAsync($"usage: {verb.Help.Usage}\n  {verb.Help.Summary}\n  {verb.Help.Details.Replace("\n", "\n  ", StringComparison.Ordinal)}").ConfigureAwait(false);
            return;
        }

        var width = verbs.Max(s => s.Help.Name.Length) + 2;
        foreach (var verb in verbs)
        {
            await ctx.WriteLineAsync($"  {verb.Help.Name.PadRight(width)}{verb.Help.Summary}").ConfigureAwait(false);
        }

        await ctx.WriteLineAsync("  help CMD shows a command's usage; Ctrl-C cancels a line or a running watch/test").ConfigureAwait(false);
    }

    private IConsoleVerb Find(string name) =>
        verbs.FirstOrDefault(s => s.Help.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CommandUsageException($"no command '{name}': expected one of {string.Join(", ", verbs.Select(s => s.Help.Name))}");
}
