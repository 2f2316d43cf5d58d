namespace EdgeGateway.Devices.Wearable;

/// <summary>The wearable's GATT contract (README.md, "Protocol"): UUIDs, sizes and rates shared with the Puck.js program in <c>wearable/</c>.</summary>
public static class WearableProtocol
{
    /// <summary>The EdgeGateway wearable service.</summary>
    public const string ServiceUuid = "6e3a0001-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>Samples (notify, read): 20-byte packets, <see cref="WearablePacket"/>.</summary>
    public const string SamplesUuid = "6e3a0002-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>Control (write): requests such as <see cref="ResendRequest"/>.</summary>
    public const string ControlUuid = "6e3a0003-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>Events (notify, read): 3-byte <see cref="WearableEvent"/>s.</summary>
    public const string EventsUuid = "6e3a0004-4c2b-4f7e-9a51-7c1e0b5a0e47";

    /// <summary>The standard Battery Service (0x180F) as BlueZ spells it.</summary>
    public const string BatteryServiceUuid = "0000180f-0000-1000-8000-00805f9b34fb";

    /// <summary>The standard Battery Level characteristic (0x2A19): one byte, percent.</summary>
    public const string BatteryLevelUuid = "00002a19-0000-1000-8000-00805f9b34fb";

    /// <summary>The device's exact sample rate.</summary>
    public const double SampleRateHz = 50;

    /// <summary>Time between two samples of the stream.</summary>
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>Samples in one packet.</summary>
    public const int SamplesPerPacket = 3;

    /// <summary>The length of every samples notification (fits the default ATT MTU of 23).</summary>
    public const int PacketLength = 20;

    /// <summary>The length of every events notification.</summary>
    public const int EventLength = 3;

    /// <summary>The packets the device keeps for resending (the last 30 s).</summary>
    public const int RingPackets = 500;

    /// <summary>The oldest packets of the ring not asked for after a long drop: the device overwrites about this many (1.2 s of packets) while the request travels and it settles before resending (400 ms).</summary>
    /// <remarks>Asking for a packet it has overwritten by then would hold the whole gap until its deadline (up to 17 s) and release thousands of samples at once, more than the consumer's queue holds.</remarks>
    public const int RingAnswerMargin = 20;

    /// <summary>How fast the wearable resends from its ring (wearable/edgegateway-wearable.js catches up at about 33 packets/s): a gap's wait grows by this per packet.</summary>
    public static readonly TimeSpan ResendPacing = TimeSpan.FromMilliseconds(30);

    /// <summary>Control op: resend packets from the ring.</summary>
    public const byte OpResend = 1;

    /// <summary>Control op: buzz (walk-test feedback).</summary>
    public const byte OpBuzz = 2;
}
