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

        var t = ctx.Options.WalkTestTimeout.TotalSeconds;
        var readings = Channel.CreateBounded<bool>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = mains.Subscribe(present => readings.Writer.TryWrite(present));
        await new WalkTestSteps<bool>(ctx, visit, InputName, readings.Reader, present => present).RunAsync(
            atRestNow: mains.MainsPresent is true,
            restPrompt: $"mains reads {(mains.MainsPresent is false ? "absent" : "nothing yet")} ({source}): plug the UPS in first…",
            restFailed: $"mains not present after {t:0} s",
            awayPrompt: $"pull the UPS's mains plug now… ({t:0} s; {source})",
            awayFailed: $"mains still present after {t:0} s: check the AC-OK wiring and its active level",
            awaySeen: after => $"mains absent after {after} s (on battery). plug it back in now… ({t:0} s)",
            backFailed: $"mains not back within {t:0} s",
            passed: after => $"mains present after {after} s. {ctx.Paint("PASS", ConsoleColor.Green)} {InputName}",
            ct).ConfigureAwait(false);
    }
}
