using System.Collections.Frozen;

namespace EdgeGateway.Core.Events;

/// <summary>The fixed properties of one event kind.</summary>
/// <param name="Kind">The event kind.</param>
/// <param name="Class">Alarm, technical, info or telemetry.</param>
/// <param name="Priority">SCAIP priority, 0 (highest) to 9.</param>
/// <param name="ScaipDevice">SCAIP device type, or null when the domain gives none.</param>
/// <param name="ScaipStatus">SCAIP status code, or null when the domain gives none.</param>
/// <param name="TypeName">The CloudEvents type suffix, e.g. "alarm.fall".</param>
public sealed record CareEventSpec(CareEventKind Kind, EventClass Class, int Priority, string? ScaipDevice, string? ScaipStatus, string TypeName)
{
    /// <summary>True for an alarm that travels the whole chain but sounds and lights nothing at home (the daily test).</summary>
    public bool Silent { get; init; }

    /// <summary>False for an alarm no one at the gateway may reset (a fire): it ends only as its rule allows (detector released and the centre clears).</summary>
    public bool Cancellable { get; init; } = true;
}

/// <summary>One table for every event kind's class, priority and SCAIP codes, so they cannot drift apart across the code.</summary>
public static class CareEventCatalog
{
    private static readonly FrozenDictionary<CareEventKind, CareEventSpec> Specs = Build();

    /// <summary>The spec of <paramref name="kind"/>.</summary>
    public static CareEventSpec Get(CareEventKind kind) => Specs[kind];

    /// <summary>All specs, in enum order.</summary>
    public static IEnumerable<CareEventSpec> All => Enum.GetValues<CareEventKind>().Select(Get);

    private static FrozenDictionary<CareEventKind, CareEventSpec> Build()
    {
        const EventClass A = EventClass.Alarm, T = EventClass.Technical, I = EventClass.Info, M = EventClass.Telemetry;
        CareEventSpec[] table =
        [
            new(CareEventKind.HelpButton, A, 0, null, null, "alarm.help-button"),
            new(CareEventKind.Fall, A, 1, ScaipCodes.Device.FallDetector, null, "alarm.fall"),

            // No public SCAIP status code for a long lie, for getting up or for a wearable not worn: left empty, the type
            // says it. The long lie goes out at priority 0: it raises the fall the centre already has.
            new(CareEventKind.LongLie, A, 0, ScaipCodes.Device.FallDetector, null, "alarm.long-lie"),
            new(CareEventKind.NightExit, A, 2, ScaipCodes.Device.Wandering, ScaipCodes.Status.Absent, "alarm.night-exit"),
            new(CareEventKind.BedLeftAtNight, A, 2, ScaipCodes.Device.BedSensor, ScaipCodes.Status.Absent, "alarm.bed-left-at-night"),
            new(CareEventKind.Inactivity, A, 3, null, null, "alarm.inactivity"),
            new(CareEventKind.BurstLeak, A, 3, ScaipCodes.Device.Water, null, "alarm.burst-leak"),
            new(CareEventKind.TapLeftRunning, A, 4, ScaipCodes.Device.Water, null, "alarm.tap-left-running"),
            new(CareEventKind.SlowLeak, A, 5, ScaipCodes.Device.Water, null, "alarm.slow-leak"),
            new(CareEventKind.DoorLeftOpen, A, 5, ScaipCodes.Device.Door, ScaipCodes.Status.OpenTooLong, "alarm.door-left-open"),

            // Our SCAIP sources (domain notes: device types and status codes given as examples) list no device type or
            // status for a smoke detector, a medication dispenser, a stove guard or a PIR, and none for a bathroom
            // visit: the codes stay empty, the type names the event. Not cancellable at the gateway: see Cancellable.
            new(CareEventKind.Fire, A, 0, null, null, "alarm.fire") { Cancellable = false },
            // Below a fall (1) by default; rules.medication.dose_missed_priority sets another per home.
            new(CareEventKind.DoseMissed, A, 4, null, null, "alarm.dose-missed"),
            new(CareEventKind.BathroomTooLong, A, 2, null, null, "alarm.bathroom-too-long"),
            new(CareEventKind.SmokeReleased, I, 2, null, null, "info.smoke-released"),
            new(CareEventKind.StoveSwitchedOff, I, 4, null, null, "info.stove-switched-off"),
            new(CareEventKind.DispenserFault, T, 5, null, null, "technical.dispenser-fault"),
            new(CareEventKind.SmokeDetectorFault, T, 4, null, null, "technical.smoke-detector-fault"),
            new(CareEventKind.StoveGuardFault, T, 5, null, null, "technical.stove-guard-fault"),
            new(CareEventKind.DeviceFaultCleared, T, 7, null, null, "technical.device-fault-cleared"),
            new(CareEventKind.TestAlarm, A, 9, null, ScaipCodes.Status.TestTransmission, "alarm.test"),
            new(CareEventKind.PowerShutdown, A, 3, ScaipCodes.Device.Power, null, "alarm.power-shutdown"),
            new(CareEventKind.DailyTest, A, 9, null, ScaipCodes.Status.TestTransmissionPeriodic, "alarm.daily-test") { Silent = true },
            new(CareEventKind.InactivityWarning, I, 6, null, null, "info.inactivity-warning"),
            new(CareEventKind.FallCancelled, I, 6, ScaipCodes.Device.FallDetector, null, "info.fall-cancelled"),
            new(CareEventKind.FallGotUp, I, 6, ScaipCodes.Device.FallDetector, null, "info.fall-got-up"),
            new(CareEventKind.AlarmCleared, I, 6, null, null, "info.alarm-cleared"),
            new(CareEventKind.Commissioned, I, 7, null, null, "info.commissioned"),
            new(CareEventKind.SensorSilent, T, 6, null, null, "technical.sensor-silent"),
            new(CareEventKind.SensorFault, T, 6, null, null, "technical.sensor-fault"),
            new(CareEventKind.SensorFlapping, T, 6, null, ScaipCodes.Status.Tamper, "technical.sensor-flapping"),
            new(CareEventKind.SensorRestored, T, 7, null, null, "technical.sensor-restored"),
            new(CareEventKind.WearableNotWorn, T, 6, ScaipCodes.Device.FallDetector, null, "technical.wearable-not-worn"),
            new(CareEventKind.WearableWorn, T, 7, ScaipCodes.Device.FallDetector, null, "technical.wearable-worn"),
            new(CareEventKind.MainsLost, T, 6, ScaipCodes.Device.Power, ScaipCodes.Status.MainsFail, "technical.mains-lost"),
            new(CareEventKind.MainsRestored, T, 7, ScaipCodes.Device.Power, ScaipCodes.Status.MainsRestored, "technical.mains-restored"),

            // SCAIP has battery low (0016); for critical, fault, restored and shutdown our sources give no status code.
            new(CareEventKind.BatteryLow, T, 5, ScaipCodes.Device.Power, ScaipCodes.Status.BatteryLow, "technical.battery-low"),
            new(CareEventKind.BatteryCritical, T, 4, ScaipCodes.Device.Power, ScaipCodes.Status.BatteryLow, "technical.battery-critical"),
            new(CareEventKind.BatteryFault, T, 6, ScaipCodes.Device.Power, null, "technical.battery-fault"),
            new(CareEventKind.BatteryRestored, T, 7, ScaipCodes.Device.Power, null, "technical.battery-restored"),
            new(CareEventKind.PrimaryPathLost, T, 6, null, ScaipCodes.Status.PrimaryPathFail, "technical.primary-path-lost"),
            new(CareEventKind.PrimaryPathRestored, T, 7, null, ScaipCodes.Status.PrimaryPathRestored, "technical.primary-path-restored"),
            new(CareEventKind.SecondaryPathLost, T, 6, null, ScaipCodes.Status.SecondaryPathFail, "technical.secondary-path-lost"),
            new(CareEventKind.SecondaryPathRestored, T, 7, null, ScaipCodes.Status.SecondaryPathRestored, "technical.secondary-path-restored"),
            // SCAIP has mobile-path status codes but no device type for a modem: the device stays empty rather than invented.
            new(CareEventKind.ModemFault, T, 6, null, ScaipCodes.Status.MobilePathFail, "technical.modem-fault"),
            new(CareEventKind.ModemRestored, T, 7, null, ScaipCodes.Status.MobilePathRestored, "technical.modem-restored"),
            // SCAIP has no codes for the controller's own temperature, supply voltage or storage: both fields stay empty.
            new(CareEventKind.BoardFault, T, 6, null, null, "technical.board-fault"),
            new(CareEventKind.BoardRestored, T, 7, null, null, "technical.board-restored"),
            new(CareEventKind.OutboxEvicted, T, 7, null, null, "technical.outbox-evicted"),
            new(CareEventKind.OutboxReplaced, T, 6, null, null, "technical.outbox-replaced"),
            new(CareEventKind.StorageFault, T, 6, null, null, "technical.storage-fault"),
            new(CareEventKind.FlowTotals, M, 9, ScaipCodes.Device.Water, null, "telemetry.flow-totals"),

            // A social alarm supervises its pendant the same way: lost contact and a low cell are the device's own
            // (fall detector) events; SCAIP's battery low fits the wearable's cell as well as the gateway's.
            new(CareEventKind.WearableLost, T, 5, ScaipCodes.Device.FallDetector, null, "technical.wearable-lost"),
            new(CareEventKind.WearableRestored, T, 7, ScaipCodes.Device.FallDetector, null, "technical.wearable-restored"),
            new(CareEventKind.WearableBatteryLow, T, 6, ScaipCodes.Device.FallDetector, ScaipCodes.Status.BatteryLow, "technical.wearable-battery-low"),
            new(CareEventKind.WearableBatteryCritical, T, 4, ScaipCodes.Device.FallDetector, ScaipCodes.Status.BatteryLow, "technical.wearable-battery-critical"),
            new(CareEventKind.WearableBatteryRestored, T, 7, ScaipCodes.Device.FallDetector, null, "technical.wearable-battery-restored"),

            // SCAIP has no codes for the gateway's own software: both fields stay empty. A failed update outranks the
            // routine reports: it halts a rollout, and the home runs a release the centre did not choose.
            new(CareEventKind.UpdateCompleted, T, 7, null, null, "technical.update-completed"),
            new(CareEventKind.UpdateFailed, T, 5, null, null, "technical.update-failed"),
        ];
        var specs = table.ToFrozenDictionary(s => s.Kind);
        var missing = Enum.GetValues<CareEventKind>().Where(k => !specs.ContainsKey(k)).ToList();
        return missing.Count == 0
            ? specs
            : throw new InvalidOperationException($"CareEventCatalog has no entry for: {string.Join(", ", missing)}");
    }
}
