using EdgeGateway.Core.Time;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Timings of acknowledged delivery, connection supervision and heartbeats.</summary>
public sealed record UplinkOptions
{
    /// <summary>MQTT keep-alive; the supervisor pings every half of it, so a half-open link is noticed within one period.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for a connection to be accepted.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait for the centre's ack before the event is sent again; doubles per attempt up to <see cref="MaxRetransmitDelay"/>.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between retransmissions of one event.</summary>
    public TimeSpan MaxRetransmitDelay { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>First reconnect delay (grows with jitter up to <see cref="ReconnectMax"/>).</summary>
    public TimeSpan ReconnectInitial { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest reconnect delay.</summary>
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a heartbeat is published (default 60 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many events wait for an ack at once; alarms may exceed it by a quarter, so telemetry never holds one back.</summary>
    public int Window { get; init; } = 500;

    /// <summary>How long a returning primary must stay up before events go back to it (no flapping between paths).</summary>
    public TimeSpan FailBackHold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After an outage non-alarm events wait a random delay within this window (uniform), so a region that comes back at
    /// once does not report its routine backlog in the same second; alarms never wait. Zero turns it off.
    /// </summary>
    public TimeSpan RoutineSpread { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long no path may carry events before their return counts as an outage that spreads routine reports; a shorter blip does not.</summary>
    public TimeSpan OutageThreshold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the routine hold's fraction of <see cref="RoutineSpread"/> comes from, uniform in [0, 1); null: <see cref="Random.Shared"/> (tests fix it).</summary>
    public Func<double>? SpreadDraw { get; init; }

    /// <summary>Whether each path's loss and return is sent as an event; null: only with two paths.</summary>
    public bool? ReportPathEvents { get; init; }

    /// <summary>Whether the wall clock is synchronised (for heartbeats); null reports false.</summary>
    public IClockSyncStatus? ClockSync { get; init; }

    /// <summary>Path and sensor states for heartbeats (name → state), or null.</summary>
    public Func<IReadOnlyDictionary<string, string>>? States { get; init; }
}
