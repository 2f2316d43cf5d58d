namespace EdgeGateway.Devices.Wearable;

/// <summary>The link's state, why, and since when.</summary>
/// <param name="State">Where the link stands.</param>
/// <param name="Reason">What a technician needs to know ("org.bluez is not on the bus: is bluetoothd running?").</param>
/// <param name="Since">When the link entered this state and reason.</param>
public sealed record WearableLinkStatus(WearableLinkState State, string Reason, DateTimeOffset Since);
