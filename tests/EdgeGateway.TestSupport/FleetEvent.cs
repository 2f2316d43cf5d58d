namespace EdgeGateway.TestSupport;

/// <summary>One event a <see cref="LeanFleet"/> gateway raised, and what became of it; times are since the fleet started (<see cref="LeanFleet.Elapsed"/>).</summary>
public sealed class FleetEvent
{
    internal FleetEvent(int gateway, Guid id, bool alarm, TimeSpan raised, string topic, byte[] payload)
    {
        Gateway = gateway;
        Id = id;
        Alarm = alarm;
        Raised = raised;
        Topic = topic;
        Payload = payload;
    }

    /// <summary>The gateway's index in the fleet.</summary>
    public int Gateway { get; }

    /// <summary>The event id, the same on every retransmission.</summary>
    public Guid Id { get; }

    /// <summary>True for an alarm (sent before routine events).</summary>
    public bool Alarm { get; }

    /// <summary>When the home raised it (queued in the outbox).</summary>
    public TimeSpan Raised { get; }

    /// <summary>The first PUBLISH, or null while it waits in the outbox.</summary>
    public TimeSpan? FirstSent { get; internal set; }

    /// <summary>When the centre's EventAck arrived, or null.</summary>
    public TimeSpan? Acked { get; internal set; }

    /// <summary>Sends after the first (ack timeouts and reconnects).</summary>
    public int Retransmissions { get; internal set; }

    internal string Topic { get; }

    // Dropped once acked: 20 000 gateways' history must not hold every payload.
    internal byte[]? Payload { get; set; }

    internal TimeSpan Due { get; set; }

    internal int Attempt { get; set; }
}
