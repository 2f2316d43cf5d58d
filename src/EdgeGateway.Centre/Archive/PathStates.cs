namespace EdgeGateway.Centre.Archive;

/// <summary>Whether the centre sees one path of a gateway up, as the API and the page show it (docs/operations.md, "Two paths").</summary>
public static class PathStates
{
    /// <summary>Its birth is the last word, the centre hears that path's broker, and the gateway has not reported the path down since.</summary>
    public const string Up = "up";

    /// <summary>Its will or goodbye came, or the gateway's last heartbeat (over the other path) says it is down.</summary>
    public const string Down = "down";

    /// <summary>The centre cannot hear the broker this path ends at (its own link is down), or the gateway is not online: no will could reach it.</summary>
    public const string Unknown = "unknown";
}
