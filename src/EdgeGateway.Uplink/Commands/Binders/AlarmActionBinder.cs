using System.Text.Json;
using static EdgeGateway.Uplink.Commands.CommandJson;

namespace EdgeGateway.Uplink.Commands.Binders;

/// <summary><c>alarm.acknowledge</c> and <c>alarm.clear</c>: <c>args.alarm</c> is the alarm's UUID.</summary>
internal sealed class AlarmActionBinder(IAlarmCommands alarms) : ICommandBinder
{
    /// <inheritdoc />
    public IReadOnlyList<string> Types { get; } = [CommandTypes.AlarmAcknowledge, CommandTypes.AlarmClear];

    /// <inheritdoc />
    public CommandAction Bind(CommandEnvelope command)
    {
        var args = command.Args;
        Only(args, "alarm");
        var alarm = args.TryGetProperty("alarm", out var a) && a.ValueKind == JsonValueKind.String && Guid.TryParse(a.GetString(), out var g)
            ? g
            : throw Invalid("args.alarm", args.TryGetProperty("alarm", out var bad) ? $"expected the alarm's UUID, got {Describe(bad)}" : "is missing");
        var acknowledge = command.Type == CommandTypes.AlarmAcknowledge;
        return () =>
        {
            var result = acknowledge ? alarms.Acknowledge(alarm, command.By) : alarms.Clear(alarm, command.By);
            return result.Ok
                ? w => w.WriteString("alarm", alarm)
                : throw new CommandRejection(result.ErrorCode ?? CommandErrorCodes.Refused, "args.alarm", result.Message ?? $"alarm {alarm} was not {(acknowledge ? "taken" : "cleared")}");
        };
    }
}
