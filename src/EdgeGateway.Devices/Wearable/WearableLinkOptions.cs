namespace EdgeGateway.Devices.Wearable;

/// <summary>Which wearable to link to, over which bus, and the link's timings.</summary>
public sealed record WearableLinkOptions
{
    /// <summary>The wearable's Bluetooth address, <c>AA:BB:CC:DD:EE:FF</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The D-Bus address BlueZ is on; null for the system bus (the tests give a private bus).</summary>
    public string? BusAddress { get; init; }

    /// <summary>The sensor id used in logs and events.</summary>
    public string SensorId { get; init; } = "wearable";

    /// <summary>How long a gap in the sample stream waits for its resend before its samples count as lost.</summary>
    public TimeSpan ResendWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>First wait before a new attempt after a failure or a drop; doubles up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The limit on one D-Bus call (a wedged bluetoothd must not hang the link).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The limit on <c>Device1.Connect</c> (an LE connection to a device out of range takes BlueZ a while to give up).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after connecting BlueZ may take to resolve the GATT services.</summary>
    public TimeSpan ServicesResolvedTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Samples held for a slow consumer (2 000 = 40 s); beyond it the oldest are dropped and counted.</summary>
    /// <remarks>Filling a gap as long as the ring takes the wearable some 15 s, and the live samples behind it (about 750) are released in one go when it closes: the queue must hold them.</remarks>
    public int SampleQueueCapacity { get; init; } = 2000;
}
