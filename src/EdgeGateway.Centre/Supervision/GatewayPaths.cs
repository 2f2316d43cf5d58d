using System.Collections.Concurrent;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Ingest;
using EdgeGateway.Contract;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Supervision;

/// <summary>
/// The paths of two-path gateways: each path's birth and will as it arrives, through which of our consumers it came, and
/// each path's state as the centre can tell it (docs/operations.md, "Two paths").
/// </summary>
internal sealed partial class GatewayPaths(IArchive archive, TimeProvider time, ChangeFeed changes, SupervisionAlarms alarms, Rejections rejections, ILogger logger)
{
    // Which of our consumers last brought each path's status: while it is disconnected that path's will cannot reach us,
    // so its last birth proves nothing. In memory only: every broker replays the retained statuses on each (re)connect.
    private readonly ConcurrentDictionary<(string Gateway, string Path), CentreConsumer> _heardVia = new();

    /// <summary>True when a path of <paramref name="g"/> was last heard through one of <paramref name="consumers"/>.</summary>
    public bool HeardThroughAny(GatewayRecord g, IReadOnlyCollection<CentreConsumer> consumers) =>
        g.Paths.Any(p => _heardVia.TryGetValue((g.Id, p.Name), out var via) && consumers.Contains(via));

    /// <summary>
    /// Each path of <paramref name="gateway"/> as the centre sees it now: <c>up</c> only while its birth is the last word, the
    /// centre's consumer that brought it is connected, and the gateway has not since reported the path down in a heartbeat.
    /// </summary>
    public IReadOnlyList<PathView> PathsOf(GatewayRecord gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        if (gateway.Paths.Count == 0)
        {
            return [];
        }

        var reported = gateway.LastHeartbeatAt is not null && gateway.Heartbeat is { } json ? ReportedDown(json) : null;
        return [.. gateway.Paths.Select(p => new PathView(p.Name, StateOf(gateway, p, reported), p.Status, p.StatusAt))];
    }

    /// <summary>
    /// A two-path gateway's per-path birth or will (<c>…/status/{path}</c>). A birth on either path means online. A will
    /// means offline unless another path is still up as far as the centre can tell: when the primary's broker is gone its
    /// will can never come, so the surviving path's will is the gateway's last word (1.5 × keep-alive, not the silence budget).
    /// </summary>
    public async Task OnPathStatusAsync(CentreConsumer via, string topic, string path, byte[] payload, bool retained)
    {
        var gateway = Topics.GatewayIdOf(topic);
        if (gateway is null || payload.Length == 0)
        {
            return; // A cleared retained status (decommissioned gateway).
        }

        if (await rejections.RejectBadGatewayIdAsync(topic, payload, $"status/{PrintableText.Of(path, 40)}", gateway).ConfigureAwait(false))
        {
            return;
        }

        string state;
        Guid boot;
        try
        {
            (state, boot) = GatewayMessages.ReadStatus(payload);
        }
        catch (FormatException ex)
        {
            await rejections.RejectAsync(topic, payload, $"status: {ex.Message}").ConfigureAwait(false);
            return;
        }

        _heardVia[(gateway, path)] = via;
        var now = time.GetUtcNow();
        var known = await archive.GatewayAsync(gateway).ConfigureAwait(false);

        // The retained status is replayed on every reconnect of ours; the same word of the same boot says nothing new.
        if (retained && known?.Paths.FirstOrDefault(p => p.Name == path) is { } seen && seen.BootId == boot && seen.Status == state)
        {
            return;
        }

        var record = await archive.RecordPathStatusAsync(gateway, path, state, boot, now).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        if (state == GatewayStates.Online)
        {
            var online = await archive.RecordStatusAsync(gateway, GatewayStates.Online, boot, now).ConfigureAwait(false);
            changes.Publish(new CentreChange("gateway", null, online ?? record));
            if (online is not null)
            {
                await alarms.BackAsync(gateway, now).ConfigureAwait(false);
            }

            return;
        }

        if (PathsOf(record).FirstOrDefault(p => p.Name != path && p.State == PathStates.Up) is { } other)
        {
            LogPathDown(logger, gateway, path, other.Name);
            changes.Publish(new CentreChange("gateway", null, record));
            return;
        }

        var offline = await archive.RecordStatusAsync(gateway, GatewayStates.Offline, boot, now).ConfigureAwait(false);
        changes.Publish(new CentreChange("gateway", null, offline ?? record));
    }

    // The paths a heartbeat states as down ("path.primary": "down"): the gateway says so over the path still up.
    private static HashSet<string>? ReportedDown(string heartbeat)
    {
        try
        {
            using var doc = JsonDocument.Parse(heartbeat);
            if (!doc.RootElement.TryGetProperty("states", out var states) || states.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var down = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in states.EnumerateObject())
            {
                if (s.Name.StartsWith("path.", StringComparison.Ordinal) && s.Value.ValueKind == JsonValueKind.String && s.Value.GetString() == "down")
                {
                    down.Add(s.Name[5..]);
                }
            }

            return down;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string StateOf(GatewayRecord g, GatewayPath p, HashSet<string>? reportedDown)
    {
        if (p.Status != GatewayStates.Online || (reportedDown is not null && reportedDown.Contains(p.Name) && g.LastHeartbeatAt > p.StatusAt))
        {
            return PathStates.Down;
        }

        if (g.State != GatewayStates.Online || p.BootId != g.BootId)
        {
            return PathStates.Unknown;
        }

        return _heardVia.TryGetValue((g.Id, p.Name), out var via) && via.IsConnected ? PathStates.Up : PathStates.Unknown;
    }

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "The {Path} path of {Gateway} is down (its last will or goodbye); the gateway is still reachable over the {Other} path")]
    private static partial void LogPathDown(ILogger logger, string gateway, string path, string other);
}
