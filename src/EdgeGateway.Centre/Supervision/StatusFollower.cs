using System.Collections.Concurrent;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Ingest;
using EdgeGateway.Contract;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Supervision;

/// <summary>
/// Follows every gateway's status and heartbeats: learns at receipt when each gateway spoke and when its silence will
/// begin, then stores the follow queue's backlog in one archive transaction per batch.
/// </summary>
internal sealed partial class StatusFollower(
    IArchive archive, DutyCentreOptions options, ChangeFeed changes, SupervisionAlarms alarms, Rejections rejections, Action<byte[]> reply, Action<DateTimeOffset> due, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Heard> _heard = new(StringComparer.Ordinal);
    private long _backlog;

    /// <summary>Status and heartbeat messages received and not yet stored (the batch being written included).</summary>
    public long Backlog => Interlocked.Read(ref _backlog);

    /// <summary>What was last heard from <paramref name="gateway"/>, stored or not (default when nothing was).</summary>
    public Heard HeardOf(string gateway) => _heard.TryGetValue(gateway, out var h) ? h : default;

    /// <summary>The last birth or heartbeat received from a gateway, and the silence deadline of its last heartbeat.</summary>
    internal readonly record struct Heard(DateTimeOffset At, DateTimeOffset SilentAt);

    /// <summary>
    /// At receipt, before the message waits in the follow queue: supervision learns the heartbeat's deadline (and that the
    /// gateway spoke) now, so a backlog can neither raise a false silent or offline alarm nor, stored late, delay a true one.
    /// </summary>
    public void OnQueued(FollowedMessage m)
    {
        Interlocked.Increment(ref _backlog);
        if (Topics.GatewayIdOf(m.Topic) is not { } gateway)
        {
            return;
        }

        var silentAt = DateTimeOffset.MinValue;
        try
        {
            if (m.Topic.EndsWith("/heartbeat", StringComparison.Ordinal))
            {
                silentAt = m.ReceivedAt + options.SilenceBudget(BelievedHeartbeat(gateway, m.Payload, log: false).Interval ?? options.DefaultHeartbeatInterval);
            }
            else if (!m.Topic.EndsWith("/status", StringComparison.Ordinal) || m.Payload.Length == 0 || GatewayMessages.ReadStatus(m.Payload).State != GatewayStates.Online)
            {
                return;
            }
        }
        catch (FormatException)
        {
            return; // Rejected, with the reason, when its batch is stored.
        }

        var heard = new Heard(m.ReceivedAt, silentAt);
        _heard.AddOrUpdate(gateway, heard, (_, was) => new Heard(Instants.Max(was.At, heard.At), Instants.Max(was.SilentAt, heard.SilentAt)));
        if (silentAt != DateTimeOffset.MinValue)
        {
            due(silentAt);
        }
    }

    /// <summary>Stores a backlog of status and heartbeats in one archive transaction, then tells the page and clears what came back.</summary>
    public async Task OnBatchAsync(IReadOnlyList<FollowedMessage> batch)
    {
        try
        {
            await StoreAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Add(ref _backlog, -batch.Count);
        }
    }

    /// <summary>
    /// A heartbeat as the centre believes it: an interval claim beyond <see cref="DutyCentreOptions.MaxHeartbeatInterval"/>
    /// is supervised at the centre's own expectation for a home, so one claim cannot switch supervision off.
    /// </summary>
    private HeartbeatInfo BelievedHeartbeat(string gateway, byte[] payload, bool log)
    {
        var heartbeat = GatewayMessages.ReadHeartbeat(payload, options.MaxHeartbeatInterval, out var refused);
        if (refused is not { } claimed)
        {
            return heartbeat;
        }

        if (log)
        {
            LogHeartbeatClaimRefused(logger, gateway, claimed, (long)options.MaxHeartbeatInterval.TotalSeconds, (long)options.DefaultHeartbeatInterval.TotalSeconds);
        }

        return heartbeat with { Interval = options.DefaultHeartbeatInterval };
    }

    private async Task StoreAsync(IReadOnlyList<FollowedMessage> batch)
    {
        var updates = new List<GatewayUpdate>(batch.Count);
        foreach (var m in batch)
        {
            var gateway = Topics.GatewayIdOf(m.Topic);
            var kind = m.Topic[(m.Topic.LastIndexOf('/') + 1)..];
            if (gateway is null)
            {
                continue;
            }

            if (kind == "replies")
            {
                reply(m.Payload);
                continue;
            }

            if (await rejections.RejectBadGatewayIdAsync(m.Topic, m.Payload, PrintableText.Of(kind, 40), gateway).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                if (kind == "status" && m.Payload.Length > 0)
                {
                    var (state, boot) = GatewayMessages.ReadStatus(m.Payload);
                    updates.Add(GatewayUpdate.Status(gateway, state, boot, m.Retained, m.ReceivedAt));
                }
                else if (kind == "heartbeat")
                {
                    updates.Add(GatewayUpdate.Beat(gateway, BelievedHeartbeat(gateway, m.Payload, log: true), m.ReceivedAt));
                }

                // An empty status is a cleared retained one (a decommissioned gateway): nothing to record.
            }
            catch (FormatException ex)
            {
                await rejections.RejectAsync(m.Topic, m.Payload, $"{kind}: {ex.Message}").ConfigureAwait(false);
            }
        }

        IReadOnlyList<GatewayUpdateOutcome> outcomes;
        try
        {
            outcomes = await archive.RecordGatewayUpdatesAsync(updates).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex) when (updates.Count > 1)
        {
            // One message the database will not take must not cost the rest of the backlog: store them one by one.
            LogBatchFailed(logger, updates.Count, ex.Message);
            var one = new List<GatewayUpdateOutcome>(updates.Count);
            foreach (var u in updates)
            {
                try
                {
                    one.Add((await archive.RecordGatewayUpdatesAsync([u]).ConfigureAwait(false))[0]);
                }
                catch (System.Data.Common.DbException single)
                {
                    LogUpdateFailed(logger, u.Gateway, single.Message);
                    one.Add(new GatewayUpdateOutcome(null, null));
                }
            }

            outcomes = one;
        }

        for (var i = 0; i < updates.Count; i++)
        {
            var (u, (before, after)) = (updates[i], outcomes[i]);
            if (after is null)
            {
                continue; // A stale will, a replayed birth, or not stored.
            }

            changes.Publish(new CentreChange("gateway", null, after));
            var back = u.Heartbeat is null
                ? u.State == GatewayStates.Online
                : (before is null || before.State != GatewayStates.Online) && after.State == GatewayStates.Online;
            if (back)
            {
                await alarms.BackAsync(u.Gateway, u.At).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 3270, Level = LogLevel.Warning, Message = "Heartbeat of {Gateway} claims an interval of {Claimed} s, more than the {Max} s believed; supervised at {Default} s")]
    private static partial void LogHeartbeatClaimRefused(ILogger logger, string gateway, long claimed, long max, long @default);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Storing {Count} status and heartbeat messages in one transaction failed ({Reason}); storing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Error, Message = "Status or heartbeat of {Gateway} not stored (the next one is): {Reason}")]
    private static partial void LogUpdateFailed(ILogger logger, string gateway, string reason);
}
