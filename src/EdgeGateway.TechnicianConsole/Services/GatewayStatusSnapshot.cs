namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>A point-in-time view of the gateway for the <c>status</c> command.</summary>
/// <param name="GatewayId">The gateway's id as the centre knows it.</param>
/// <param name="Version">The software version (with commit).</param>
/// <param name="Uptime">Time since the gateway process started.</param>
/// <param name="ClockSynchronised">True once the wall clock is known to be right.</param>
/// <param name="UplinkPaths">Every configured uplink path.</param>
/// <param name="OutboxDepth">Events stored and not yet acknowledged by the centre.</param>
/// <param name="OldestUnackedAge">Age of the oldest unacknowledged event; null when the outbox is empty.</param>
/// <param name="AlarmsRaised">Alarms raised since start.</param>
public sealed record GatewayStatusSnapshot(
    string GatewayId,
    string Version,
    TimeSpan Uptime,
    bool ClockSynchronised,
    IReadOnlyList<UplinkPathStatus> UplinkPaths,
    int OutboxDepth,
    TimeSpan? OldestUnackedAge,
    int AlarmsRaised)
{
    /// <summary>The home's own health, one line per part (4G modem, board…); empty when none is checked.</summary>
    public IReadOnlyList<HealthStatus> Health { get; init; } = [];

    /// <summary>Until when routine reports wait after an outage or a power cut (alarms never wait), or null when none are held.</summary>
    public DateTimeOffset? RoutineHeldUntil { get; init; }
}
