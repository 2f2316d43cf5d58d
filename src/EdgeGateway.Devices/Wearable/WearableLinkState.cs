namespace EdgeGateway.Devices.Wearable;

/// <summary>Where the BLE link to the wearable stands (the console's <c>wearable status</c>).</summary>
public enum WearableLinkState
{
    /// <summary>Not connected yet or lost: connecting, or waiting for the next attempt (the reason says which).</summary>
    Searching,

    /// <summary>Connected, services resolved, notifications on: samples flow.</summary>
    Connected,

    /// <summary>BlueZ runs, but has no powered adapter, does not know the wearable's address, or the device lacks the wearable's service.</summary>
    NotFound,

    /// <summary>The D-Bus system bus cannot be reached, or <c>org.bluez</c> is not on it (bluetoothd not installed or not running).</summary>
    BlueZMissing,
}
