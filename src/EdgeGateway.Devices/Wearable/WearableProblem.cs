namespace EdgeGateway.Devices.Wearable;

/// <summary>Why a notification from the wearable was refused.</summary>
public enum WearableProblem
{
    /// <summary>Read as the protocol says.</summary>
    None,

    /// <summary>A samples notification that is not exactly <see cref="WearableProtocol.PacketLength"/> bytes.</summary>
    PacketLength,

    /// <summary>An events notification that is not exactly <see cref="WearableProtocol.EventLength"/> bytes.</summary>
    EventLength,

    /// <summary>An events notification of a type this side does not know.</summary>
    EventType,
}
