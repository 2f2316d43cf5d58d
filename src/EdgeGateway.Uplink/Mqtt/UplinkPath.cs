using EdgeGateway.Contract;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Which of the two uplink paths.</summary>
public enum PathRole
{
    /// <summary>The preferred path (e.g. fiber).</summary>
    Primary,

    /// <summary>The standby path (e.g. 4G).</summary>
    Secondary,
}

/// <summary>One uplink path: a broker endpoint and how to authenticate to it.</summary>
/// <param name="Role">Primary or secondary.</param>
/// <param name="Endpoint">The broker as reached over this path.</param>
/// <param name="Security">TLS and credentials (or the loopback-demo exception).</param>
public sealed record UplinkPath(PathRole Role, MqttEndpoint Endpoint, LinkSecurity Security)
{
    /// <summary>The lower-case name used in logs, heartbeats and client ids.</summary>
    public string Name => Role == PathRole.Primary ? "primary" : "secondary";

    /// <summary>The primary path and, when given, the secondary; both carry the gateway's one identity.</summary>
    public static IReadOnlyList<UplinkPath> For(MqttEndpoint primary, MqttEndpoint? secondary, LinkSecurity security) =>
        secondary is null
            ? [new(PathRole.Primary, primary, security)]
            : [new(PathRole.Primary, primary, security), new(PathRole.Secondary, secondary, security)];
}

/// <summary>Health of one path as the supervisor sees it.</summary>
public enum PathHealth
{
    /// <summary>Not connected yet since start.</summary>
    Unknown,

    /// <summary>Connected and answering pings.</summary>
    Up,

    /// <summary>Lost, or never connected: the supervisor keeps trying.</summary>
    Down,
}
