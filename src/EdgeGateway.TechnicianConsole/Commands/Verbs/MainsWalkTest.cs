using System.Threading.Channels;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary>
/// <c>test mains</c>: the technician pulls the UPS's plug and puts it back; the gateway must read both, at its own poll
/// interval, through the same source the power monitor judges (before the settle time, which is the monitor's
/// business, not the wiring's).
/// </summary>
internal sealed class MainsWalkTest(ICommandContext ctx, CommissioningVisit visit)
{
    /// <summary>The mains input's name in walk-tests and the commissioning record (a sensor of that id would win).</summary>
    public const string InputName = "mains";

    /// <summary>Walks the technician through the plug-out, plug-in test and records pass or fail.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var mains = ctx.Services.Mains;
        if (mains?.Description is not { } source)
        {
            throw new CommandUsageException("test mains: this home reads no mains input (configure devices.power, e.g. the DC-UPS's AC-OK pin)");
        }

        var timeout = ctx.Options.WalkTestTimeout;
        var readings = Channel.CreateBounded<bool>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = mains.Subscribe(present => readings.Writer.TryWrite(present));
        if (mains.MainsPresent is not true)
        {
            await ctx.WriteLineAsync($"mains reads {(mains.MainsPresent is false ? "absent" : "nothing yet")} ({source}): plug the UPS in first…").ConfigureAwait(false);
            if (!await WaitForAsync(readings.Reader, true, timeout, ct).ConfigureAwait(false))
            {
                await visit.FailAsync(ctx, InputName, $"mains not present after {timeout.TotalSeconds:0} s").ConfigureAwait(false);
                return;
            }
        }

        var started = ctx.Time.GetTimestamp();
        await ctx.WriteLineAsync($"pull the UPS's mains plug now… ({timeout.TotalSeconds:0} s; {source})").ConfigureAwait(false);
        if (!await WaitForAsync(readings.Reader, false, timeout, ct).ConfigureAwait(false))
        {
            await visit.FailAsync(ctx, InputName, $"mains still present after {timeout.TotalSeconds:0} s: check the AC-OK wiring and its active level").ConfigureAwait(false);
            return;
        }

        var lostAfter = ctx.Time.GetElapsedTime(started);
        await ctx.WriteLineAsync($"mains absent after {lostAfter.TotalSeconds:0.0} s (on battery). plug it back in now… ({timeout.TotalSeconds:0} s)").ConfigureAwait(false);
        started = ctx.Time.GetTimestamp();
        if (!await WaitForAsync(readings.Reader, true, timeout, ct).ConfigureAwait(false))
        {
            await visit.FailAsync(ctx, InputName, $"mains not back within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var backAfter = ctx.Time.GetElapsedTime(started);
        visit.Pass(ctx, InputName);
        await ctx.WriteLineAsync($"mains present after {backAfter.TotalSeconds:0.0} s. {ctx.Paint("PASS", ConsoleColor.Green)} {InputName}").ConfigureAwait(false);
    }

    private Task<bool> WaitForAsync(ChannelReader<bool> readings, bool present, TimeSpan timeout, CancellationToken ct) =>
        TimedWait.UntilAsync(readings, p => p == present, timeout, ctx.Time, ct);
}
