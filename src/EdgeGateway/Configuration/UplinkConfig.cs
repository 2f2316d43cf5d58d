namespace EdgeGateway.Configuration;

/// <summary>Where events go: the centre's broker.</summary>
internal sealed class UplinkConfig
{
    /// <summary>The primary broker URL, e.g. mqtts://centre.example:8883.</summary>
    public string? Broker { get; set; }

    /// <summary>The secondary path's broker (e.g. over 4G), or null for one path.</summary>
    public string? SecondaryBroker { get; set; }

    /// <summary>The centre's CA certificate (PEM): the only CA the broker's certificate may chain to.</summary>
    public string? CaFile { get; set; }

    /// <summary>This gateway's client certificate (PEM) for mutual TLS.</summary>
    public string? CertFile { get; set; }

    /// <summary>Its private key (PEM); refused unless only the owner can read it.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Optional MQTT user name.</summary>
    public string? Username { get; set; }

    /// <summary>Optional file holding the MQTT password; refused unless only the owner can read it.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Allow plain TCP to a loopback broker (the demo and tests); never on a real installation.</summary>
    public bool PlainLoopbackDemo { get; set; }

    /// <summary>Seconds a returning primary must stay up before events go back to it.</summary>
    public int FailBackHoldSeconds { get; set; } = 10;

    /// <summary>Seconds between heartbeats.</summary>
    public int HeartbeatSeconds { get; set; } = 60;

    /// <summary>MQTT keep-alive in seconds: how fast a half-open link is noticed.</summary>
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>After an outage, routine (non-alarm) reports wait a random 0..this many seconds so a region does not report at once; 0 turns it off. Alarms never wait.</summary>
    public int RoutineSpreadSeconds { get; set; } = 600;

    /// <summary>Seconds without any path before a return counts as an outage that spreads routine reports; a shorter blip does not.</summary>
    public int OutageThresholdSeconds { get; set; } = 60;
}
