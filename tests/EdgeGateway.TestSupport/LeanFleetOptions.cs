using System.Net;

namespace EdgeGateway.TestSupport;

/// <summary>How a <see cref="LeanFleet"/> behaves: the broker, the number of gateways and the real gateway's timings (UplinkOptions' defaults).</summary>
/// <param name="Host">The broker's address (loopback).</param>
/// <param name="Port">The broker's plain MQTT port.</param>
/// <param name="Gateways">How many gateways, each its own connection.</param>
public sealed record LeanFleetOptions(IPAddress Host, int Port, int Gateways)
{
    /// <summary>Gateway i is <c>{IdPrefix}{i:00000}</c>, also its MQTT client id.</summary>
    public string IdPrefix { get; init; } = "fleet-";

    /// <summary>The MQTT keep-alive; a PINGREQ goes every half of it, as PathLink's.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Heartbeat period once <see cref="LeanFleet.StartHeartbeats"/> is called.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First retransmission of an unacked event; doubles up to <see cref="MaxRetransmitDelay"/>.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two sends of one unacked event.</summary>
    public TimeSpan MaxRetransmitDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Unacked events per gateway in flight at most (alarms get a quarter more on top, as EventDelivery's).</summary>
    public int Window { get; init; } = 500;

    /// <summary>TCP connects and CONNECTs in progress at once over the whole fleet, so the broker's listen backlog never overflows.</summary>
    public int MaxConcurrentConnects { get; init; } = 64;

    /// <summary>How long a CONNECT may wait for its CONNACK before the attempt is dropped and retried.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>False: the broker keeps each gateway's session (its subscription, queued acks) across reconnects, as the real gateway asks.</summary>
    public bool CleanSession { get; init; } = true;

    /// <summary>Source addresses the connections are spread over (default 127.0.0.2–127.0.0.254), so ephemeral ports never run out.</summary>
    public IReadOnlyList<IPAddress>? SourceAddresses { get; init; }

    /// <summary>A connection the broker drops (not one we killed, froze or cut) is reconnected after a backoff, as the real gateway's.</summary>
    public bool ReconnectOnDrop { get; init; } = true;
}
