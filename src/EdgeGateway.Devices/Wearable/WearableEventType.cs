namespace EdgeGateway.Devices.Wearable;

/// <summary>The events characteristic's <c>u8 type</c>.</summary>
public enum WearableEventType : byte
{
    /// <summary>The button was pressed: the wearer asks for help (sent before anything else queued).</summary>
    Help = 1,

    /// <summary>The wearable started: its packet sequence restarted at 0 and its ring is empty.</summary>
    Reboot = 2,
}
