using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.TechnicianConsole.Commands.Verbs;

/// <summary><c>test SENSOR</c>: the technician makes the sensor active, then idle; each step times out and the result goes in the visit's record.</summary>
internal sealed class SensorWalkTest(ICommandContext ctx, CommissioningVisit visit)
{
    /// <summary>Walks the technician through <paramref name="sensor"/>'s test and records pass or fail.</summary>
    public async Task RunAsync(SensorInfo sensor, CancellationToken ct)
    {
        var (doActive, doIdle, isActive, isIdle) = sensor.Kind switch
        {
            SensorKind.DoorContact => ("open", "close", "open", "closed"),
            SensorKind.BedMat or SensorKind.ChairMat => ("sit or lie on", "get off", "occupied", "empty"),
            SensorKind.HelpButton => ("press", "release", "pressed", "released"),
            SensorKind.FlowMeter => ("run the water through", "turn off the water through", "flowing", "stopped"),
            SensorKind.SmokeDetector => ("press the test button of", "let go of the test button of", "reporting smoke", "quiet"),
            SensorKind.MedicationDispenser => ("start the missed-dose test of", "reset", "reporting a missed dose", "idle"),
            SensorKind.StoveGuard => ("start the cut-off test of", "reset", "reporting the stove switched off", "idle"),
            SensorKind.DispenserFault or SensorKind.SmokeDetectorFault or SensorKind.StoveGuardFault =>
                ("unplug the fault output's cable of", "plug back the fault output's cable of", "reporting a fault", "ok"),
            SensorKind.Motion => ("walk in front of", "leave the room and wait out the hold time of", "seeing motion", "quiet"),
            _ => ("move", "hold still", "moving", "still"),
        };
        var timeout = ctx.Options.WalkTestTimeout;
        var values = Channel.CreateBounded<SensorValue>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = ctx.Services.Sensors.Subscribe(sensor.SensorId, v => values.Writer.TryWrite(v));
        var current = ctx.Services.Sensors.List().FirstOrDefault(s => s.SensorId == sensor.SensorId)?.Last;
        var id = sensor.SensorId;

        if (current is { Active: true })
        {
            await ctx.WriteLineAsync($"{id} is {isActive}: {doIdle} it first…").ConfigureAwait(false);
            if (!await WaitForAsync(values.Reader, false, timeout, ct).ConfigureAwait(false))
            {
                await visit.FailAsync(ctx, id, $"still {isActive} after {timeout.TotalSeconds:0} s").ConfigureAwait(false);
                return;
            }
        }

        var started = ctx.Time.GetTimestamp();
        await ctx.WriteLineAsync($"{doActive} {id} now… ({timeout.TotalSeconds:0} s)").ConfigureAwait(false);
        if (!await WaitForAsync(values.Reader, true, timeout, ct).ConfigureAwait(false))
        {
            await visit.FailAsync(ctx, id, $"not {isActive} within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var activeAfter = ctx.Time.GetElapsedTime(started);
        await ctx.WriteLineAsync($"{isActive} after {activeAfter.TotalSeconds:0.0} s. {doIdle} {id} now… ({timeout.TotalSeconds:0} s)").ConfigureAwait(false);
        started = ctx.Time.GetTimestamp();
        if (!await WaitForAsync(values.Reader, false, timeout, ct).ConfigureAwait(false))
        {
            await visit.FailAsync(ctx, id, $"not {isIdle} within {timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return;
        }

        var idleAfter = ctx.Time.GetElapsedTime(started);
        visit.Pass(ctx, id);
        await ctx.WriteLineAsync($"{isIdle} after {idleAfter.TotalSeconds:0.0} s. {ctx.Paint("PASS", ConsoleColor.Green)} {id}").ConfigureAwait(false);
    }

    private Task<bool> WaitForAsync(ChannelReader<SensorValue> values, bool active, TimeSpan timeout, CancellationToken ct) =>
        TimedWait.UntilAsync(values, v => v.Active == active, timeout, ctx.Time, ct);
}
