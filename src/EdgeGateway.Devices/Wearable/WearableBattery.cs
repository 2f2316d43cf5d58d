namespace EdgeGateway.Devices.Wearable;

/// <summary>The wearable's cell as the gateway judges it.</summary>
public enum WearableBattery
{
    /// <summary>No level read yet.</summary>
    Unknown,

    /// <summary>Above the low threshold (or back above it by the restore margin).</summary>
    Ok,

    /// <summary>At or below the low threshold.</summary>
    Low,

    /// <summary>At or below the critical threshold.</summary>
    Critical,
}
