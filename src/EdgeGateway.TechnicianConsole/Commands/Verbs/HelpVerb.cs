using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>help [COMMAND]</c>: every verb's summary, or one verb's usage and details, from the verbs themselves.</summary>
internal sealed class HelpVerb(ICommandContext ctx, IReadOnlyList<IConsoleVerb> verbs) : IConsoleVerb
{
    /// <inheritdoc />
    public string Name => "help";

    /// <inheritdoc />
    public string Usage => "help [COMMAND]";

    /// <inheritdoc />
    public string Summary => "list the commands, or explain one";

    /// <inheritdoc />
    public string Details => "help alone lists every command; help CMD shows its usage.";

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 0, 1, "help [COMMAND]");
        if (args.Count == 1)
        {
            var verb = Find(args[0]);
            await ctx.WriteLineAsync($"usage: {verb.Usage}\n  {verb.Summary}\n  {verb.Details.Replace("\n", "\n  ", StringComparison.Ordinal)}").ConfigureAwait(false);
            return;
        }

        var width = verbs.Max(s => s.Name.Length) + 2;
        foreach (var verb in verbs)
        {
            await ctx.WriteLineAsync($"  {verb.Name.PadRight(width)}{verb.Summary}").ConfigureAwait(false);
        }

        await ctx.WriteLineAsync("  help CMD shows a command's usage; Ctrl-C cancels a line or a running watch/test").ConfigureAwait(false);
    }

    private IConsoleVerb Find(string name) =>
        verbs.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CommandUsageException($"no command '{name}': expected one of {string.Join(", ", verbs.Select(s => s.Name))}");
}
