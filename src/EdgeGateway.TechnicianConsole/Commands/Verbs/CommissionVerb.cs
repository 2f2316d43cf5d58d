using EdgeGateway.TechnicianConsole.Services;
using static EdgeGateway.TechnicianConsole.Commands.VerbArguments;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>commission status | commission finish</c>: what this visit verified, and the record sent to the centre.</summary>
internal sealed class CommissionVerb(ICommandContext ctx, CommissioningVisit visit) : IConsoleVerb
{
    /// <inheritdoc />
    public VerbHelp Help { get; } = new(
        "commission",
        "commission status | commission finish",
        "what this visit verified; send it to the centre",
        "status lists each sensor's walk-test (pass, fail, not tested) and the test alarm's round trip.\nfinish sends that record to the centre as one commissioning event and audits it.");

    /// <inheritdoc />
    public async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        Expect(args, 1, 1, Help.Usage);
        IEnumerable<string> mains = ctx.Services.Mains?.Description is null ? [] : [MainsWalkTest.InputName];
        var sensors = ctx.Services.Sensors.List().Select(s => s.SensorId).ToList();

        // The home lists the wearable and its button as sensors already; a host that does not gets them added here.
        IEnumerable<string> wearable = ctx.Services.Wearable?.Snapshot() is { } w ? [WearableWalkTest.Ids(w).Button, WearableWalkTest.Ids(w).Shake] : [];
        var report = new CommissioningReport(ctx.ActorName, [.. sensors, .. mains, .. wearable.Where(id => !sensors.Contains(id))], new Dictionary<string, WalkTestResult>(visit.WalkTests), visit.TestAlarm);
        switch (args[0].ToLowerInvariant())
        {
            case "status":
                foreach (var (key, value) in report.ToEventData().Where(kv => kv.Key != "technician"))
                {
                    await ctx.WriteLineAsync($"{key,-28} {value}").ConfigureAwait(false);
                }

                return;
            case "finish":
                if (visit.WalkTests.Count == 0 && visit.TestAlarm is null)
                {
                    throw new CommandUsageException("commission finish: nothing verified yet: walk-test the sensors (test SENSOR) and send a test alarm (test alarm) first");
                }

                var id = await ctx.Services.Commissioning.SendAsync(report, ct).ConfigureAwait(false);
                ctx.Audit("commission-finish", $"{report.Summary} (event {id})");
                await ctx.WriteLineAsync($"{report.Summary}\ncommissioning record sent to the centre (event {id})").ConfigureAwait(false);
                return;
            default:
                throw new CommandUsageException($"commission {args[0]}: expected {Help.Usage}");
        }
    }
}
