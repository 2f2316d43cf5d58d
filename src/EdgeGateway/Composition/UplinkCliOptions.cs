using EdgeGateway.Contract;
using EdgeGateway.Core.Time;
using EdgeGateway.Platform;

namespace EdgeGateway.Composition;

/// <summary>The options <c>run</c>, <c>loadgen</c> and <c>central</c> share.</summary>
internal sealed record UplinkCliOptions(MqttEndpoint Broker, string DataDirectory, string? GatewayId, TimeSpan KeepAlive, TimeSpan Heartbeat, TimeSpan AckTimeout)
{
    /// <summary>The secondary path's broker (e.g. over 4G), or null for a single path.</summary>
    public MqttEndpoint? SecondaryBroker { get; init; }

    /// <summary>TLS files and credentials, shared by both paths (one identity per gateway).</summary>
    public LinkSecurity Security { get; init; } = new();

    /// <summary>How long a returning primary must stay up before events go back to it.</summary>
    public TimeSpan FailBackHold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the events' and heartbeats' <c>clocksynced</c> comes from: the system's real sync state, as in a configured <c>run</c>.</summary>
    public IClockSyncStatus ClockSync { get; init; } = new LinuxClockSyncStatus(TimeProvider.System);
}
