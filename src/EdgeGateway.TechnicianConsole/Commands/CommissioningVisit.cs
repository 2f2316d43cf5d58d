using EdgeGateway.Core.Alarms;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands;

/// <summary>What this session verified, for the commissioning record: the last walk-test of each sensor and the last test alarm.</summary>
/// <remarks>Written by <c>test</c>, read by <c>commission</c>; one per session, so a new login starts a new record.</remarks>
internal sealed class CommissioningVisit
{
    /// <summary>The last walk-test of each sensor (and of the mains input), by id.</summary>
    public Dictionary<string, WalkTestResult> WalkTests { get; } = new(StringComparer.Ordinal);

    /// <summary>The last test alarm's outcome; null when none was sent.</summary>
    public TestAlarmResult? TestAlarm { get; set; }

    /// <summary>Records, audits and prints a failed walk-test of <paramref name="id"/>.</summary>
    public async Task FailAsync(ICommandContext ctx, string id, string reason)
    {
        WalkTests[id] = new WalkTestResult(id, false, reason);
        ctx.Audit("walk-test", $"{id} fail: {reason}");
        await ctx.WriteLineAsync($"{ctx.Paint("FAIL", ConsoleColor.Red)} {id}: {reason}").ConfigureAwait(false);
    }

    /// <summary>Records and audits a passed walk-test of <paramref name="id"/>; the caller prints its own line.</summary>
    public void Pass(ICommandContext ctx, string id)
    {
        WalkTests[id] = new WalkTestResult(id, true, "");
        ctx.Audit("walk-test", $"{id} pass");
    }
}
