using System.Globalization;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>alarm list | alarm reset ID</c>: the alarms not yet cleared, and a local, audited reset.</summary>
internal sealed class AlarmVerb(ICommandContext ctx) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "alarm",
        "alarm list | alarm reset ID",
        "list active alarms (raised, delivered or taken), or reset one",
        "delivered: the centre has it, nobody has taken it on yet; taken: a nurse has (help is coming).\nreset clears an alarm locally and is audited.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (args.Count == 0)
        {
            throw new CommandUsageException($"alarm: expected {Help.Usage}");
        }

        switch (args[0].ToLowerInvariant())
        {
            case "list":
                Expect(args, 1, 1, "alarm list");
                var alarms = ctx.Services.Alarms.List();
                if (alarms.Count == 0)
                {
                    await ctx.WriteLineAsync("no active alarms").ConfigureAwait(false);
                    return;
                }

                foreach (var a in alarms)
                {
                    await ctx.WriteLineAsync($"{a.Id}  {a.State,-12} {a.RaisedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}  {a.Description}").ConfigureAwait(false);
                }

                return;
            case "reset":
                Expect(args, 2, 2, "alarm reset ID");
                if (!ctx.Services.Alarms.TryReset(args[1], ctx.ActorName, out var error))
                {
                    ctx.Audit("alarm-reset-refused", $"{args[1]}: {error}");
                    throw new CommandUsageException($"alarm reset {args[1]}: {error}");
                }

                ctx.Audit("alarm-reset", args[1]);
                await ctx.WriteLineAsync($"alarm {args[1]} reset").ConfigureAwait(false);
                return;
            default:
                throw new CommandUsageException($"alarm {args[0]}: expected {Help.Usage}");
        }
    }
}
