namespace EdgeGateway.Core.Events;

/// <summary>Every kind of event the gateway can emit. <see cref="CareEventCatalog"/> gives each its class, priority and SCAIP codes.</summary>
public enum CareEventKind
{
    /// <summary>Help button or pull cord pressed.</summary>
    HelpButton,

    /// <summary>A fall was detected and not cancelled.</summary>
    Fall,

    /// <summary>A fall pre-alarm the resident cancelled in time.</summary>
    FallCancelled,

    /// <summary>After a fall alarm the wearer is still down (not upright) when the long-lie time has passed: the same fall, now more urgent.</summary>
    LongLie,

    /// <summary>After a fall alarm the wearer is upright again (after a long lie or before it).</summary>
    FallGotUp,

    /// <summary>A wearable has shown no human movement for the configured daytime period: it is probably not worn.</summary>
    WearableNotWorn,

    /// <summary>A wearable reported as not worn moves like a worn one again.</summary>
    WearableWorn,

    /// <summary>The outer door opened at night and the resident did not come back.</summary>
    NightExit,

    /// <summary>The bed was left at night and not returned to in time.</summary>
    BedLeftAtNight,

    /// <summary>A door stayed open too long.</summary>
    DoorLeftOpen,

    /// <summary>Water ran continuously too long.</summary>
    TapLeftRunning,

    /// <summary>Flow never fell to zero over the leak window.</summary>
    SlowLeak,

    /// <summary>Flow above the pipe's normal maximum.</summary>
    BurstLeak,

    /// <summary>No activity for too long in the day window; the warning before <see cref="Inactivity"/>.</summary>
    InactivityWarning,

    /// <summary>No activity for too long and nobody cancelled the warning.</summary>
    Inactivity,

    /// <summary>A smoke detector's relay reports smoke: highest priority, the buzzer's fire pattern, never cancellable at the gateway.</summary>
    Fire,

    /// <summary>The smoke detector's relay has released after a fire alarm: the centre may now clear the alarm (it stays until then).</summary>
    SmokeReleased,

    /// <summary>A medication dispenser reports a dose not taken within its window.</summary>
    DoseMissed,

    /// <summary>A stove guard switched the stove off (it saw overheating or an unattended stove).</summary>
    StoveSwitchedOff,

    /// <summary>The resident has been in the bathroom longer than the limit (night or day).</summary>
    BathroomTooLong,

    /// <summary>A medication dispenser's fault output is active.</summary>
    DispenserFault,

    /// <summary>A smoke detector's fault or tamper output is active: the home may have no working smoke detection.</summary>
    SmokeDetectorFault,

    /// <summary>A stove guard's fault output is active.</summary>
    StoveGuardFault,

    /// <summary>A device's fault output (dispenser, smoke detector, stove guard) has released.</summary>
    DeviceFaultCleared,

    /// <summary>A test alarm sent on purpose (technician or centre).</summary>
    TestAlarm,

    /// <summary>The automatic daily end-to-end test alarm: silent at home, SCAIP periodic test transmission.</summary>
    DailyTest,

    /// <summary>A technician finished commissioning: which sensors were walk-tested and the test alarm's round trip.</summary>
    Commissioned,

    /// <summary>An alarm was reset locally or its condition ended.</summary>
    AlarmCleared,

    /// <summary>A sensor stopped reporting.</summary>
    SensorSilent,

    /// <summary>A sensor cannot be read or reads garbage.</summary>
    SensorFault,

    /// <summary>A contact changes state so often it cannot be trusted (a help input's presses still raise alarms).</summary>
    SensorFlapping,

    /// <summary>A sensor is healthy again.</summary>
    SensorRestored,

    /// <summary>Mains power lost; running on battery.</summary>
    MainsLost,

    /// <summary>Mains power back.</summary>
    MainsRestored,

    /// <summary>On battery, the charge fell to the low threshold (or the UPS's battery-low signal came on).</summary>
    BatteryLow,

    /// <summary>On battery, the charge reached the reserve: the gateway ends gracefully.</summary>
    BatteryCritical,

    /// <summary>The battery is missing or faulty, or the power board does not answer: a power cut would not be ridden out.</summary>
    BatteryFault,

    /// <summary>A battery fault or low battery cleared.</summary>
    BatteryRestored,

    /// <summary>The gateway is powering off on low battery: the home is unprotected until mains returns.</summary>
    PowerShutdown,

    /// <summary>The primary uplink path failed.</summary>
    PrimaryPathLost,

    /// <summary>The primary uplink path is back.</summary>
    PrimaryPathRestored,

    /// <summary>The secondary uplink path failed.</summary>
    SecondaryPathLost,

    /// <summary>The secondary uplink path is back.</summary>
    SecondaryPathRestored,

    /// <summary>The 4G modem of the secondary path could not carry an alarm (no modem, SIM missing or locked, not registered, weak signal).</summary>
    ModemFault,

    /// <summary>The 4G modem is fit again.</summary>
    ModemRestored,

    /// <summary>The Pi itself needs the technician: too hot, under-voltage, or the data directory nearly full.</summary>
    BoardFault,

    /// <summary>That part of the Pi is back within its limits.</summary>
    BoardRestored,

    /// <summary>Events were dropped from a full store (never alarms).</summary>
    OutboxEvicted,

    /// <summary>The event store was damaged, set aside and replaced.</summary>
    OutboxReplaced,

    /// <summary>The data directory cannot be written (disk full, read-only).</summary>
    StorageFault,

    /// <summary>Periodic flow totals.</summary>
    FlowTotals,

    /// <summary>No samples from the wearable for the supervision time (out of range, flat cell, radio or bluetoothd down): falls are not detected.</summary>
    WearableLost,

    /// <summary>The wearable's samples arrive again.</summary>
    WearableRestored,

    /// <summary>The wearable's cell is low: the technician plans a cell change.</summary>
    WearableBatteryLow,

    /// <summary>The wearable's cell is nearly empty: falls will soon go undetected; a nurse must see it.</summary>
    WearableBatteryCritical,

    /// <summary>The wearable's cell has been changed or charged.</summary>
    WearableBatteryRestored,

    /// <summary>A new release passed its health gate (armed, centre reached, a test alarm acknowledged end to end) and is kept.</summary>
    UpdateCompleted,

    /// <summary>An update was not completed (download, verification, unpacking, or the new release's health gate): the previous release runs.</summary>
    UpdateFailed,
}
