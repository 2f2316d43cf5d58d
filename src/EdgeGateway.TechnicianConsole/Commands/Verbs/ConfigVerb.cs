using EdgeGateway.TechnicianConsole.Services;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>config show|get|set|diff|apply|discard|rollback|history</c>: staged editing of the configuration; every change is audited.</summary>
internal sealed class ConfigVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "config",
        "config show|get KEY|set KEY VALUE|diff|apply [knowingly]|discard|rollback [VERSION] [knowingly]|history [N]",
        "view and change the configuration",
        "Changes are staged with set, checked with diff, validated and written as a new version by apply.\nrollback restores the previous version (or VERSION) as a new version. Values are JSON (42, true, \"text\", {...}) or plain text.\nA change that takes away the last help input, a safety rule or a fire input is refused unless followed by 'knowingly' (kept in the audit).");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count == 0)
        {
            throw new CommandUsageException($"config: expected {Help.Usage}");
        }

        var editor = ctx.Services.Config;
        var sub = args[0].ToLowerInvariant();
        ConfigResult result;
        switch (sub)
        {
            case "show":
                Expect(args, 1, 1, "config show");
                result = editor.Show();
                break;
            case "get":
                Expect(args, 2, 2, "config get KEY");
                result = editor.Get(args[1]);
                break;
            case "set":
                Expect(args, 3, 3, "config set KEY VALUE (quote a VALUE with spaces)");
                result = editor.Set(args[1], args[2], ctx.ActorName);
                if (result.Ok)
                {
                    // The editor's echo, not the typed value: it shows a secret (the PIN hash) as "(secret)".
                    ctx.Audit("config-stage", string.Join("; ", result.Lines));
                }

                break;
            case "diff":
                Expect(args, 1, 1, "config diff");
                result = editor.Diff();
                break;
            case "apply":
                Expect(args, 1, 2, "config apply [knowingly]");
                if (args.Count == 2 && !IsKnowingly(args[1]))
                {
                    throw new CommandUsageException($"config apply: expected config apply [knowingly], found '{args[1]}'");
                }

                var applyKnowingly = args.Count == 2;
                result = editor.Apply(ctx.ActorName, applyKnowingly);
                ctx.Audit(result.Ok ? "config-apply" : "config-apply-refused", string.Join("; ", result.Lines));
                break;
            case "discard":
                Expect(args, 1, 1, "config discard");
                result = editor.Discard(ctx.ActorName);
                ctx.Audit("config-discard", string.Join("; ", result.Lines));
                break;
            case "rollback":
                Expect(args, 1, 3, "config rollback [VERSION] [knowingly]");
                var knowingly = args.Count > 1 && IsKnowingly(args[^1]);
                var numbered = args.Count - (knowingly ? 1 : 0);
                int? version = numbered == 2 ? ParseInt(args[1], 1, int.MaxValue, "config rollback VERSION") : null;
                if (numbered > 2)
                {
                    throw new CommandUsageException("config rollback: expected config rollback [VERSION] [knowingly]");
                }

                result = editor.Rollback(ctx.ActorName, version, knowingly);
                ctx.Audit(result.Ok ? "config-rollback" : "config-rollback-refused", string.Join("; ", result.Lines));
                break;
            case "history":
                Expect(args, 1, 2, "config history [N]");
                result = editor.History(args.Count == 2 ? ParseInt(args[1], 1, 100, "config history N") : 10);
                break;
            default:
                throw new CommandUsageException($"config {args[0]}: expected {Help.Usage}");
        }

        await PrintAsync(result).ConfigureAwait(false);
    }

    // Only the whole word says it knowingly; anything else there is a usage error, never a silent override.
    private static bool IsKnowingly(string arg) => string.Equals(arg, "knowingly", StringComparison.OrdinalIgnoreCase);

    private async Task PrintAsync(ConfigResult result)
    {
        foreach (var line in result.Lines)
        {
            if (result.Ok)
            {
                await ctx.WriteLineAsync(line).ConfigureAwait(false);
            }
            else
            {
                await ctx.ErrorAsync(line).ConfigureAwait(false);
            }
        }
    }
}
