namespace EdgeGateway.Devices.Wearable;

/// <summary>A help press, reboot or battery level from the wearable, for the supervision that consumes <see cref="BlueZWearableLink.Notices"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Value">The event counter (help, reboot) or the battery percent.</param>
/// <param name="At">When the Pi received it.</param>
public readonly record struct WearableNotice(WearableNoticeKind Kind, int Value, DateTimeOffset At);
