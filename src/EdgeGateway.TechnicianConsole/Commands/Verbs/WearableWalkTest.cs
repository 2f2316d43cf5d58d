using System.Threading.Channels;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary>
/// <c>wearable test</c> (and <c>test wearable</c>): the technician presses the wearable's button, then shakes it; each step
/// is timed like the other walk-tests and recorded in the visit under the button's help input (<c>SENSOR-button</c>) and
/// the wearable's own id (<c>SENSOR</c>), the two sensors the home already lists for it, so the record counts each once.
/// </summary>
/// <remarks>
/// The press goes the whole way, as a help button's walk-test does (walk-tests suppress no alarm): it raises a help
/// alarm at the centre, which is what proves the press reaches the people who answer it. The screen says so first.
/// </remarks>
internal sealed class WearableWalkTest(ICommandContext ctx, CommissioningVisit visit)
{
    /// <summary>
    /// A shake passes when |a| departs from 1 g (at rest) by more than this. Walking at the waist stays within about
    /// ±0.6 g of it, so a stride never passes by accident; a deliberate shake in the hand reaches 2–4 g at once, and 2 g
    /// is above the fall detector's impact threshold (1.6 g), so a pass also shows the stream carries impact-sized samples.
    /// </summary>
    public const double ShakeDepartureG = 1.0;

    /// <summary>The walk-test ids of the wearable's two checks in the visit and the commissioning record.</summary>
    public static (string Button, string Shake) Ids(WearableSnapshot wearable) => (wearable.ButtonSensorId, wearable.SensorId);

    /// <summary>Walks the technician through the press and the shake and records each as pass or fail.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var wearable = ctx.Services.Wearable;
        if (wearable?.Snapshot() is not { } status)
        {
            throw new CommandUsageException("wearable test: no wearable configured (pair one with wearable pair, or set devices.wearable)");
        }

        var (buttonId, shakeId) = Ids(status);
        var t = ctx.Options.WalkTestTimeout.TotalSeconds;
        if (status.LinkState != "connected")
        {
            await ctx.WriteLineAsync($"{ctx.Paint("note", ConsoleColor.Yellow)}: the wearable's link is {status.LinkState} ({status.LinkReason}); the steps below wait for it").ConfigureAwait(false);
        }

        var presses = Channel.CreateBounded<bool>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
        using (wearable.SubscribeHelp(() => presses.Writer.TryWrite(true)))
        {
            await ctx.WriteLineAsync("the button raises a real help alarm at the centre, as a pendant's press does: tell the centre it is a test, and reset the alarm afterwards (alarm reset)").ConfigureAwait(false);
            var started = ctx.Time.GetTimestamp();
            await ctx.WriteLineAsync($"press the wearable's button now… ({t:0} s)").ConfigureAwait(false);
            if (await TimedWait.UntilAsync(presses.Reader, _ => true, ctx.Options.WalkTestTimeout, ctx.Time, ct).ConfigureAwait(false))
            {
                visit.Pass(ctx, buttonId);
                await ctx.WriteLineAsync($"help press received after {Seconds(ctx.Time.GetElapsedTime(started))} s (a help alarm is raised). {ctx.Paint("PASS", ConsoleColor.Green)} {buttonId}").ConfigureAwait(false);
            }
            else
            {
                await visit.FailAsync(ctx, buttonId, $"no help press within {t:0} s{LinkHint(wearable)}").ConfigureAwait(false);
            }
        }

        var samples = Channel.CreateBounded<double>(new BoundedChannelOptions(512) { FullMode = BoundedChannelFullMode.DropOldest });
        using (wearable.SubscribeSamples(g => samples.Writer.TryWrite(g)))
        {
            var seen = 0L;
            var largest = 0.0;
            var shake = 0.0;
            var started = ctx.Time.GetTimestamp();
            await ctx.WriteLineAsync($"shake the wearable hard now… ({t:0} s)").ConfigureAwait(false);
            var shaken = await TimedWait.UntilAsync(
                samples.Reader,
                g =>
                {
                    seen++;
                    largest = Math.Max(largest, Math.Abs(g - 1));
                    shake = g;
                    return Math.Abs(g - 1) > ShakeDepartureG;
                },
                ctx.Options.WalkTestTimeout,
                ctx.Time,
                ct).ConfigureAwait(false);
            if (shaken)
            {
                visit.Pass(ctx, shakeId);
                await ctx.WriteLineAsync($"shake of {shake:0.0} g after {Seconds(ctx.Time.GetElapsedTime(started))} s. {ctx.Paint("PASS", ConsoleColor.Green)} {shakeId}").ConfigureAwait(false);
            }
            else if (seen == 0)
            {
                await visit.FailAsync(ctx, shakeId, $"no samples within {t:0} s: the wearable is not streaming{LinkHint(wearable)}").ConfigureAwait(false);
            }
            else
            {
                await visit.FailAsync(ctx, shakeId, $"no shake within {t:0} s: |a| departed from 1 g by at most {largest:0.00} g, more than {ShakeDepartureG:0.0} g needed").ConfigureAwait(false);
            }
        }
    }

    private static string LinkHint(IWearable wearable) =>
        wearable.Snapshot() is { LinkState: not "connected" } s ? $" (link {s.LinkState}: {s.LinkReason})" : "";

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.0}";
}
