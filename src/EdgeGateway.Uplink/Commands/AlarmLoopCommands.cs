using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Loop;

namespace EdgeGateway.Uplink.Commands;

/// <summary>The centre's alarm commands carried out on the local <see cref="AlarmLoop"/>.</summary>
/// <remarks>
/// The loop applies inputs on its own thread within milliseconds; this answers from its thread-safe snapshot of active
/// alarms, so an alarm cleared in the instant between the check and the loop's turn is reported by the loop
/// (<see cref="LoopHappeningKind.CommandRefused"/>) rather than in the reply.
/// </remarks>
public sealed class AlarmLoopCommands(AlarmLoop loop) : IAlarmCommands
{
    /// <inheritdoc />
    public CommandActionResult Acknowledge(Guid alarmId, string by)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return Active(alarmId) is { } refusal ? refusal
            : loop.TryTake(alarmId, by) ? CommandActionResult.Done
            : CommandActionResult.Refused("the alarm loop's input queue is full; try again");
    }

    /// <inheritdoc />
    public CommandActionResult Clear(Guid alarmId, string by)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return Active(alarmId) is { } refusal ? refusal
            : loop.CentreClearRefusal(alarmId) is { } held ? CommandActionResult.Refused(held)
            : loop.TryClear(alarmId, ClearReason.Centre) ? CommandActionResult.Done
            : CommandActionResult.Refused("the alarm loop's input queue is full; try again");
    }

    private CommandActionResult? Active(Guid alarmId) =>
        loop.ActiveAlarms.Any(a => a.Id == alarmId)
            ? null
            : CommandActionResult.NotFound($"no active alarm {alarmId} (unknown, or already cleared)");
}
