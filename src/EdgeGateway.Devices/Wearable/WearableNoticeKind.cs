namespace EdgeGateway.Devices.Wearable;

/// <summary>What a <see cref="WearableNotice"/> reports.</summary>
public enum WearableNoticeKind
{
    /// <summary>The wearer pressed the button (the value is the device's event counter).</summary>
    Help,

    /// <summary>The wearable restarted (the value is the device's event counter).</summary>
    Reboot,

    /// <summary>A battery level (the value is percent, 0–100).</summary>
    Battery,
}
