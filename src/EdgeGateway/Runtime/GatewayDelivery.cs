using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;

namespace EdgeGateway.Runtime;

/// <summary>A gateway's delivery: the factory that stamps its events, the outbox that keeps them and the uplink that delivers them.</summary>
internal sealed class GatewayDelivery(CareEventFactory factory, SqliteOutbox outbox, ReliableUplink uplink) : IAsyncDisposable
{
    /// <summary>Stamps the events with this gateway's id, boot and clock sync.</summary>
    public CareEventFactory Factory { get; } = factory;

    /// <summary>The durable outbox in the data dir.</summary>
    public SqliteOutbox Outbox { get; } = outbox;

    /// <summary>Delivers the outbox to the centre and hands its acks back.</summary>
    public ReliableUplink Uplink { get; } = uplink;

    /// <summary>Closes the outbox (the uplink stops with its run's token).</summary>
    public ValueTask DisposeAsync() => Outbox.DisposeAsync();
}
