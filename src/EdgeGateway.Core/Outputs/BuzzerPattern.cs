namespace EdgeGateway.Core.Outputs;

/// <summary>What the buzzer sounds; each pattern is distinct to the ear.</summary>
public enum BuzzerPattern
{
    /// <summary>Silent: all is well.</summary>
    Off,

    /// <summary>Short fast beeps: a fall was detected, press the button to cancel.</summary>
    PreAlarm,

    /// <summary>Continuous alternating tone: an alarm is raised and not yet answered.</summary>
    Alarm,

    /// <summary>Two short beeps every ten seconds: "your alarm has been received" — the centre has it, nobody has taken it on yet.</summary>
    AlarmDelivered,

    /// <summary>One long beep every few seconds: a person at the centre has taken the alarm on, help is coming.</summary>
    AlarmTaken,

    /// <summary>Triple beep repeated: an alarm cannot leave the home (no uplink path works).</summary>
    AlarmUndeliverable,

    /// <summary>The fire evacuation signal, the most urgent of all: the temporal-three pattern of ISO 8201 (three 0.5 s tones 0.5 s apart, then 1.5 s quiet), as smoke alarms sound it.</summary>
    Fire,

    /// <summary>A short chirp every minute: a technical fault needs a technician.</summary>
    FaultChirp,
}
