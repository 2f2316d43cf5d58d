using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Outbox;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Builds each heartbeat: boot id and uptime, outbox depth and oldest age, clock sync, and path and sensor states.</summary>
internal sealed class HeartbeatSource(CareEventFactory boot, IOutboxReader outbox, UplinkOptions options, TimeProvider time, Action<Dictionary<string, string>> addLinkStates)
{
    /// <summary>The heartbeat JSON as of now.</summary>
    public async Task<byte[]> BuildAsync(CancellationToken ct)
    {
        var states = new Dictionary<string, string>(options.States?.Invoke() ?? new Dictionary<string, string>());
        addLinkStates(states);
        return new Heartbeat(
            boot.BootId,
            boot.Uptime,
            outbox.Depth,
            await outbox.OldestPendingAgeAsync(ct).ConfigureAwait(false),
            options.ClockSync?.IsSynchronised ?? false,
            time.GetUtcNow(),
            states,
            options.HeartbeatInterval).ToJson();
    }
}
