namespace EdgeGateway.Centre.Archive;

/// <summary>The states a gateway can be in at the centre.</summary>
public static class GatewayStates
{
    /// <summary>Connected: status online and heartbeats on time.</summary>
    public const string Online = "online";

    /// <summary>Its last will (or goodbye) said offline.</summary>
    public const string Offline = "offline";

    /// <summary>No will, but the heartbeats stopped (frozen process, half-open link).</summary>
    public const string Silent = "silent";
}
