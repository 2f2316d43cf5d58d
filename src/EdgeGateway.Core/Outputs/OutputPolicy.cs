namespace EdgeGateway.Core.Outputs;

/// <summary>What the home is going through, as far as the buzzer and the LED care; several hold at once.</summary>
[Flags]
public enum HomeConditions
{
    /// <summary>Nothing: no alarm, no warning, the uplink works, no fault.</summary>
    None = 0,

    /// <summary>An uncleared fire alarm (whatever its state).</summary>
    Fire = 1,

    /// <summary>An alarm raised and not yet received by the centre.</summary>
    AlarmRaised = 2,

    /// <summary>An alarm the centre has received that no person has taken on yet.</summary>
    AlarmDelivered = 4,

    /// <summary>An alarm a person at the centre has taken on.</summary>
    AlarmTaken = 8,

    /// <summary>A local warning the resident can cancel (fall pre-alarm, inactivity warning).</summary>
    Warning = 16,

    /// <summary>No uplink path to the centre works.</summary>
    NoUplink = 32,

    /// <summary>A faulted sensor, device, storage or battery, or lost mains.</summary>
    Fault = 64,
}

/// <summary>One row of <see cref="OutputPolicy"/>: when every condition in <paramref name="When"/> holds, show <paramref name="Pattern"/>.</summary>
/// <param name="When">The conditions that must all hold (<see cref="HomeConditions.None"/>: always).</param>
/// <param name="Pattern">The pattern the row sets.</param>
/// <param name="Why">The row in words, for the technician (docs/events.md is rendered from it).</param>
public readonly record struct OutputRow<TPattern>(HomeConditions When, TPattern Pattern, string Why)
    where TPattern : struct, Enum
{
    /// <summary>True when every condition of the row holds in <paramref name="conditions"/>.</summary>
    public bool Matches(HomeConditions conditions) => (conditions & When) == When;
}

/// <summary>The buzzer and LED for what the home is going through: two tables, the first matching row wins.</summary>
/// <remarks>
/// Silent alarms (the daily end-to-end test) are no condition at all: the caller leaves them out, so they change
/// neither output. Each table ends in a row that always matches, so every set of conditions has exactly one pattern.
/// </remarks>
public static class OutputPolicy
{
    // Most urgent first. The buzzer wakes the resident, so technical faults never reach it; "help is coming" only once
    // no alarm still waits for a person, so a second, untaken alarm is not masked.
    private static readonly OutputRow<BuzzerPattern>[] BuzzerRows =
    [
        new(HomeConditions.Fire, BuzzerPattern.Fire, "an uncleared fire alarm, over everything else: whatever else is going on, the home must be left"),
        new(HomeConditions.AlarmRaised | HomeConditions.NoUplink, BuzzerPattern.AlarmUndeliverable, "an alarm raised while no uplink path works: never a silent failure"),
        new(HomeConditions.Warning, BuzzerPattern.PreAlarm, "a local warning the resident can cancel (fall pre-alarm, inactivity warning): it asks them to act now"),
        new(HomeConditions.AlarmRaised, BuzzerPattern.Alarm, "a raised alarm the centre has not received yet"),
        new(HomeConditions.AlarmDelivered, BuzzerPattern.AlarmDelivered, "an alarm the centre has received that no person has taken on (\"your alarm has been received\")"),
        new(HomeConditions.AlarmTaken, BuzzerPattern.AlarmTaken, "every alarm taken on by a person (\"help is coming\")"),
        new(HomeConditions.None, BuzzerPattern.Off, "anything else: a fault shows on the LED only, so a lost mains supply does not wake the resident at night"),
    ];

    private static readonly OutputRow<LedPattern>[] LedRows =
    [
        new(HomeConditions.AlarmRaised, LedPattern.Alarm, "a raised alarm (also while no uplink path works)"),
        new(HomeConditions.Warning, LedPattern.Alarm, "a local warning the resident can cancel"),
        new(HomeConditions.AlarmDelivered, LedPattern.AlarmDelivered, "an alarm the centre has received that no person has taken on"),
        new(HomeConditions.AlarmTaken, LedPattern.AlarmTaken, "every alarm taken on by a person"),
        new(HomeConditions.NoUplink, LedPattern.NoUplink, "no uplink path works"),
        new(HomeConditions.Fault, LedPattern.Fault, "a faulted sensor, device, storage or battery, or lost mains"),
        new(HomeConditions.None, LedPattern.Heartbeat, "all is well"),
    ];

    /// <summary>The buzzer's rows, most urgent first.</summary>
    public static IReadOnlyList<OutputRow<BuzzerPattern>> Buzzer => BuzzerRows;

    /// <summary>The LED's rows, most urgent first.</summary>
    public static IReadOnlyList<OutputRow<LedPattern>> Led => LedRows;

    /// <summary>The buzzer pattern for <paramref name="conditions"/>.</summary>
    public static BuzzerPattern BuzzerFor(HomeConditions conditions) => First(BuzzerRows, conditions);

    /// <summary>The LED pattern for <paramref name="conditions"/>.</summary>
    public static LedPattern LedFor(HomeConditions conditions) => First(LedRows, conditions);

    private static TPattern First<TPattern>(OutputRow<TPattern>[] rows, HomeConditions conditions)
        where TPattern : struct, Enum
    {
        foreach (var row in rows)
        {
            if (row.Matches(conditions))
            {
                return row.Pattern;
            }
        }

        throw new InvalidOperationException("an output table must end in a row that always matches");
    }
}
