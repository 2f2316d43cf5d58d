namespace EdgeGateway.Core.Outputs;

/// <summary>What the status LED shows.</summary>
public enum LedPattern
{
    /// <summary>Dark (only at shutdown).</summary>
    Off,

    /// <summary>A short blink every few seconds: all is well.</summary>
    Heartbeat,

    /// <summary>Fast blinking: an alarm is raised (or a local warning asks the resident to act).</summary>
    Alarm,

    /// <summary>Mostly on, dark once a second: the centre has received the alarm, nobody has taken it on yet.</summary>
    AlarmDelivered,

    /// <summary>Steady on: a person has taken the alarm on, help is coming.</summary>
    AlarmTaken,

    /// <summary>Double blink: a sensor or the gateway has a fault.</summary>
    Fault,

    /// <summary>Slow blinking: no uplink path to the centre.</summary>
    NoUplink,
}
