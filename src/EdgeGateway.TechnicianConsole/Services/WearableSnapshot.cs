namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>The wearable as <c>wearable status</c> shows it: link, cell, stream counters and supervision.</summary>
/// <param name="SensorId">The wearable's sensor id (its shake is walk-tested under it).</param>
/// <param name="ButtonSensorId">The sensor id of its button, a help input like a pull cord (its press is walk-tested under it).</param>
/// <param name="Address">Its Bluetooth address; null for a simulated wearable.</param>
/// <param name="LinkState">The link's state as the heartbeat spells it: connected, searching, not-found, bluez-missing.</param>
/// <param name="LinkReason">Why the link is in that state.</param>
/// <param name="LinkSince">Since when.</param>
/// <param name="BatteryPercent">The last cell level; null before the first.</param>
/// <param name="Battery">The gateway's judgement of the cell: unknown, ok, low, critical.</param>
/// <param name="BatteryLowPercent">At or below this the cell is low.</param>
/// <param name="BatteryCriticalPercent">At or below this the cell is critical.</param>
/// <param name="SamplesSeen">Samples handed to the fall detector since start.</param>
/// <param name="SinceLastSample">How long ago the last sample came; null before the first.</param>
/// <param name="LostSamples">Samples in gaps the wearable's ring could not fill.</param>
/// <param name="DroppedSamples">Samples dropped because the detector fell behind.</param>
/// <param name="ResendRequests">Resend requests sent to the wearable.</param>
/// <param name="Lost">True while the wearable is judged lost (no samples for <paramref name="LostAfter"/>).</param>
/// <param name="LostAfter">The supervision time.</param>
public sealed record WearableSnapshot(
    string SensorId,
    string ButtonSensorId,
    string? Address,
    string LinkState,
    string LinkReason,
    DateTimeOffset LinkSince,
    int? BatteryPercent,
    string Battery,
    int BatteryLowPercent,
    int BatteryCriticalPercent,
    long SamplesSeen,
    TimeSpan? SinceLastSample,
    long LostSamples,
    long DroppedSamples,
    long ResendRequests,
    bool Lost,
    TimeSpan LostAfter);
