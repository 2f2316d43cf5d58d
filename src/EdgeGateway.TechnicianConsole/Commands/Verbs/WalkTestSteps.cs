using System.Threading.Channels;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary>
/// The three steps every walk-test takes, sensor or mains: bring the input to rest if it is not, make it change, bring it
/// back; each step bounded by the walk-test timeout, the result recorded in the visit. The tests differ only in words.
/// </summary>
internal sealed class WalkTestSteps<T>(ICommandContext ctx, CommissioningVisit visit, string id, ChannelReader<T> readings, Func<T, bool> atRest)
{
    /// <summary>Runs the steps; <paramref name="restPrompt"/> is printed only when the input is not at rest at the start.</summary>
    /// <param name="atRestNow">The input's state before the test.</param>
    /// <param name="restPrompt">What to do first when it is not at rest.</param>
    /// <param name="restFailed">Why the test failed when it never came to rest.</param>
    /// <param name="awayPrompt">What to do to make it change.</param>
    /// <param name="awayFailed">Why the test failed when it did not change.</param>
    /// <param name="awaySeen">The line once it changed, given the seconds it took (formatted), and the prompt to bring it back.</param>
    /// <param name="backFailed">Why the test failed when it did not come back.</param>
    /// <param name="passed">The pass line, given the seconds the way back took (formatted).</param>
    /// <param name="ct">Ctrl-C.</param>
    public async Task RunAsync(
        bool atRestNow,
        string restPrompt,
        string restFailed,
        string awayPrompt,
        string awayFailed,
        Func<string, string> awaySeen,
        string backFailed,
        Func<string, string> passed,
        CancellationToken ct)
    {
        if (!atRestNow)
        {
            await ctx.WriteLineAsync(restPrompt).ConfigureAwait(false);
            if (!await WaitAsync(rest: true, ct).ConfigureAwait(false))
            {
                await visit.FailAsync(ctx, id, restFailed).ConfigureAwait(false);
                return;
            }
        }

        var started = ctx.Time.GetTimestamp();
        await ctx.WriteLineAsync(awayPrompt).ConfigureAwait(false);
        if (!await WaitAsync(rest: false, ct).ConfigureAwait(false))
        {
            await visit.FailAsync(ctx, id, awayFailed).ConfigureAwait(false);
            return;
        }

        await ctx.WriteLineAsync(awaySeen(Seconds(ctx.Time.GetElapsedTime(started)))).ConfigureAwait(false);
        started = ctx.Time.GetTimestamp();
        if (!await WaitAsync(rest: true, ct).ConfigureAwait(false))
        {
            await visit.FailAsync(ctx, id, backFailed).ConfigureAwait(false);
            return;
        }

        var backAfter = ctx.Time.GetElapsedTime(started);
        visit.Pass(ctx, id);
        await ctx.WriteLineAsync(passed(Seconds(backAfter))).ConfigureAwait(false);
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.0}";

    private Task<bool> WaitAsync(bool rest, CancellationToken ct) =>
        TimedWait.UntilAsync(readings, r => atRest(r) == rest, ctx.Options.WalkTestTimeout, ctx.Time, ct);
}
