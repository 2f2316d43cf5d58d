using EdgeGateway.TechnicianConsole.Commands.Verbs;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>The console's commands: one list of verbs, so help, dispatch and the usage errors cannot drift apart.</summary>
/// <remarks>One file per verb under <c>Verbs/</c>, as the uplink keeps one binder per remote command; this is the one place they are listed, in help's order.</remarks>
internal sealed class ConsoleCommands
{
    private readonly List<IConsoleVerb> _verbs = [];

    public ConsoleCommands(ICommandContext ctx)
    {
        var visit = new CommissioningVisit();
        _verbs.AddRange(
        [
            new HelpVerb(ctx, _verbs),
            new StatusVerb(ctx),
            new SensorsVerb(ctx),
            new WatchVerb(ctx),
            new TestVerb(ctx, visit),
            new WearableVerb(ctx, visit),
            new ConfigVerb(ctx),
            new LogVerb(ctx),
            new AlarmVerb(ctx),
            new CommissionVerb(ctx, visit),
            new ColorVerb(ctx),
            new LogoutVerb(ctx),
        ]);
    }

    public async Task RunAsync(CommandLine line, CancellationToken ct)
    {
        var verb = _verbs.Find(s => s.Help.Name == line.Command)
            ?? throw new CommandUsageException($"unknown command '{line.Command}': expected one of {string.Join(", ", _verbs.Select(s => s.Help.Name))}");
        await verb.RunAsync(line.Arguments, ct).ConfigureAwait(false);
    }
}
