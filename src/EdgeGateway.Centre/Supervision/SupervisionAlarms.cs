using EdgeGateway.Centre.Archive;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Supervision;

/// <summary>The centre's own alarms about a gateway (offline, silent, gap, daily test): raised once across instances, resolved when the gateway is back.</summary>
internal sealed partial class SupervisionAlarms(IArchive archive, ChangeFeed changes, ILogger logger)
{
    private static readonly string[] BackTypes = [SupervisionTypes.Offline, SupervisionTypes.Silent];

    /// <summary>Raises <paramref name="alarm"/> unless an instance already did (its key names the episode).</summary>
    public async Task RaiseAsync(SupervisionAlarm alarm, CancellationToken ct)
    {
        if (await archive.RaiseSupervisionAlarmAsync(alarm, ct).ConfigureAwait(false) is { } raised)
        {
            LogSupervisionAlarm(logger, raised.Type, raised.Gateway, raised.Message);
            changes.Publish(new CentreChange("alarm", raised, null));
        }
    }

    /// <summary><paramref name="gateway"/> is back online: its offline and silent alarms resolve themselves, and it counts as returned in a mass outage.</summary>
    public async Task BackAsync(string gateway, DateTimeOffset now)
    {
        await archive.OutageReturnAsync(gateway, now).ConfigureAwait(false);
        foreach (var cleared in await archive.ResolveSupervisionAsync(gateway, BackTypes, "gateway back online", now).ConfigureAwait(false))
        {
            changes.Publish(new CentreChange("alarm", cleared, null));
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Supervision: {Type} for {Gateway}: {Message}")]
    private static partial void LogSupervisionAlarm(ILogger logger, string type, string gateway, string message);
}
