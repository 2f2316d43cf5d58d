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

/// <summary>The local buzzer. Implementations must go silent (the safe state) on start and on dispose.</summary>
public interface IBuzzer
{
    /// <summary>The pattern now sounding.</summary>
    BuzzerPattern Pattern { get; }

    /// <summary>Switches to <paramref name="pattern"/>; setting the current pattern again changes nothing.</summary>
    void Set(BuzzerPattern pattern);
}

/// <summary>The status LED.</summary>
public interface IStatusLed
{
    /// <summary>The pattern now showing.</summary>
    LedPattern Pattern { get; }

    /// <summary>Switches to <paramref name="pattern"/>.</summary>
    void Set(LedPattern pattern);
}

/// <summary>The water shut-off valve relay. Safe state: valve open (water on), so a gateway fault never leaves a home dry.</summary>
public interface IShutOffValve
{
    /// <summary>True when the valve is closed (water off).</summary>
    bool IsClosed { get; }

    /// <summary>Closes (true) or opens (false) the valve.</summary>
    void SetClosed(bool closed);
}
