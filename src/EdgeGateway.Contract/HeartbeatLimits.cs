namespace EdgeGateway.Contract;

/// <summary>
/// The heartbeat intervals a gateway may be configured with and the centre believes (docs/security.md, "What a gateway
/// may claim"): one table for both sides, so a gateway's valid setting is never one the centre distrusts.
/// </summary>
public static class HeartbeatLimits
{
    /// <summary>The shortest interval, in seconds.</summary>
    public const int MinSeconds = 1;

    /// <summary>
    /// The longest interval, in seconds: ten minutes, so a silent home is noticed within half an hour (3 intervals and the
    /// margin). A claim beyond it (one heartbeat saying 2 000 000 000 s switched supervision off) is not believed.
    /// </summary>
    public const int MaxSeconds = 600;
}
