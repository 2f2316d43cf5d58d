namespace EdgeGateway.Core.Events;

/// <summary>What an event is for; also its delivery order (lower goes first).</summary>
public enum EventClass
{
    /// <summary>Somebody may need help now.</summary>
    Alarm = 0,

    /// <summary>The gateway, a sensor or a link has a fault or recovered.</summary>
    Technical = 1,

    /// <summary>Something the centre should know that needs no action (a cancelled pre-alarm, an alarm reset).</summary>
    Info = 2,

    /// <summary>Periodic values (flow totals, heartbeats).</summary>
    Telemetry = 3,
}
