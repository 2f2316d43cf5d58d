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
        var t = ctx.Options.WalkTestTimeout.TotalSeconds;
        var values = Channel.CreateBounded<SensorValue>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        using var subscription = ctx.Services.Sensors.Subscribe(sensor.SensorId, v => values.Writer.TryWrite(v));
        var current = ctx.Services.Sensors.List().FirstOrDefault(s => s.SensorId == sensor.SensorId)?.Last;
        var id = sensor.SensorId;
        await new WalkTestSteps<SensorValue>(ctx, visit, id, values.Reader, v => !v.Active).RunAsync(
            atRestNow: current is not { Active: true },
            restPrompt: $"{id} is {isActive}: {doIdle} it first…",
            restFailed: $"still {isActive} after {t:0} s",
            awayPrompt: $"{doActive} {id} now… ({t:0} s)",
            awayFailed: $"not {isActive} within {t:0} s",
            awaySeen: after => $"{isActive} after {after} s. {doIdle} {id} now… ({t:0} s)",
            backFailed: $"not {isIdle} within {t:0} s",
            passed: after => $"{isIdle} after {after} s. {ctx.Paint("PASS", ConsoleColor.Green)} {id}",
            ct).ConfigureAwait(false);
    }
}
