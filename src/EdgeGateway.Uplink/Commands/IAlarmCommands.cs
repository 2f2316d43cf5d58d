namespace EdgeGateway.Uplink.Commands;

/// <summary>What became of an action the centre asked for.</summary>
/// <param name="Ok">True when done (or queued to the alarm loop, which applies it within milliseconds).</param>
/// <param name="ErrorCode">A <see cref="CommandErrorCodes"/> value when not ok.</param>
/// <param name="Message">What went wrong, for the operator.</param>
public sealed record CommandActionResult(bool Ok, string? ErrorCode = null, string? Message = null)
{
    /// <summary>Done.</summary>
    public static CommandActionResult Done { get; } = new(true);

    /// <summary>The target does not exist.</summary>
    public static CommandActionResult NotFound(string message) => new(false, CommandErrorCodes.NotFound, message);

    /// <summary>The action is not allowed now.</summary>
    public static CommandActionResult Refused(string message) => new(false, CommandErrorCodes.Refused, message);
}

/// <summary>The alarm actions the centre may take; the host implements it over the alarm loop.</summary>
public interface IAlarmCommands
{
    /// <summary>Operator <paramref name="by"/> at the centre has taken alarm <paramref name="alarmId"/> on (<c>alarm.acknowledge</c>): "help is coming".</summary>
    CommandActionResult Acknowledge(Guid alarmId, string by);

    /// <summary>The centre closes alarm <paramref name="alarmId"/> (operator <paramref name="by"/>).</summary>
    CommandActionResult Clear(Guid alarmId, string by);
}

/// <summary>One alarm as the status reply lists it.</summary>
/// <param name="Id">The alarm's id.</param>
/// <param name="Type">Its CloudEvents type.</param>
/// <param name="State">raised, delivered or taken (<see cref="Core.Alarms.AlarmStateNames"/>; gateways before contract 1.2 said acknowledged).</param>
public sealed record ActiveAlarmInfo(Guid Id, string Type, string State);

/// <summary>The gateway's state as the reply to <c>status.request</c> carries it.</summary>
/// <param name="BootId">The process lifetime.</param>
/// <param name="Uptime">Monotonic time since boot.</param>
/// <param name="ClockSynced">Whether the wall clock is synchronised.</param>
/// <param name="OutboxDepth">Events not yet acknowledged by the centre.</param>
/// <param name="ConfigVersion">The configuration version in force.</param>
/// <param name="Alarms">Alarms not yet cleared.</param>
/// <param name="States">Path and sensor states.</param>
public sealed record GatewayStatusReport(
    Guid BootId,
    TimeSpan Uptime,
    bool ClockSynced,
    long OutboxDepth,
    long ConfigVersion,
    IReadOnlyList<ActiveAlarmInfo> Alarms,
    IReadOnlyDictionary<string, string> States);

/// <summary>Supplies the gateway's status on request; the host implements it over the loop, outbox and uplink.</summary>
public interface IStatusProvider
{
    /// <summary>A consistent snapshot of the gateway's state.</summary>
    GatewayStatusReport GetStatus();
}
