namespace EdgeGateway.Centre.Archive;

/// <summary>Where an alarm at the centre came from.</summary>
public static class AlarmOrigins
{
    /// <summary>An alarm event of a gateway: take and clear are sent to the gateway as commands.</summary>
    public const string Gateway = "gateway";

    /// <summary>A technical event of a gateway the nurses must see (an uplink path lost); the gateway keeps no alarm for it, so take and clear stay at the centre.</summary>
    public const string Technical = "technical";

    /// <summary>The centre's own supervision (offline, silent, gaps, daily test).</summary>
    public const string Supervision = "supervision";
}
