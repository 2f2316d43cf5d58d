using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Supervision;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre;

/// <summary>What became of a command sent to a gateway.</summary>
/// <param name="CommandId">The command's id.</param>
/// <param name="Status"><c>ok</c>, <c>error</c> (the gateway refused; see the reply), <c>no_reply</c> (none within the timeout) or <c>not_sent</c> (no broker).</param>
/// <param name="Reply">The gateway's reply as JSON, when one came.</param>
public sealed record CommandOutcome(string CommandId, string Status, string? Reply);

/// <summary>The result of a take or clear.</summary>
/// <param name="Alarm">The alarm as it now is.</param>
/// <param name="Command">The command sent to the gateway (null for the centre's own supervision alarms).</param>
public sealed record AlarmActionResult(AlarmRecord Alarm, CommandOutcome? Command);

/// <summary>The result of a test alarm through the whole chain.</summary>
/// <param name="Command">The alarm.test command.</param>
/// <param name="Event">The test alarm's event id, from the reply.</param>
/// <param name="RoundTrip">From sending the command to storing the test alarm's event, when it arrived in time.</param>
public sealed record TestRoundTrip(CommandOutcome Command, Guid? Event, TimeSpan? RoundTrip);

/// <summary>One path of a two-path gateway as the centre sees it (docs/operations.md, "Two paths").</summary>
/// <param name="Name">The path: <c>primary</c> or <c>secondary</c>.</param>
/// <param name="State">One of <see cref="PathStates"/>.</param>
/// <param name="Status">The path's last status message: <c>online</c> (birth) or <c>offline</c> (will or goodbye).</param>
/// <param name="StatusAt">When that message arrived.</param>
public sealed record PathView(string Name, string State, string Status, DateTimeOffset StatusAt);

/// <summary>Why an operator action was refused.</summary>
public sealed class CentreActionException(int status, string field, string message) : Exception(message)
{
    /// <summary>The HTTP status that fits: 404 not found, 409 conflict.</summary>
    public int Status { get; } = status;

    /// <summary>The field the refusal is about.</summary>
    public string Field { get; } = field;
}

/// <summary>
/// The duty centre: stores every event before it is acked, follows every gateway's status and heartbeats, raises the
/// supervision alarms, escalates untaken alarms and carries the nurses' actions to the gateways. The facade the web API
/// (and the page on top of it) uses; everything it knows is in <see cref="Archive"/>, so several instances share one PostgreSQL.
/// </summary>
public sealed partial class DutyCentre : IAsyncDisposable
{
    private static readonly string[] BackTypes = [SupervisionTypes.Offline, SupervisionTypes.Silent];
    private readonly IReadOnlyList<CentralConsumer> _consumers;
    private readonly DutyCentreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient? _webhook;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _replies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<DateTimeOffset>> _tests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();

    // Which of our consumers last brought each path's status: while it is disconnected that path's will cannot reach us,
    // so its last birth proves nothing. In memory only: every broker replays the retained statuses on each (re)connect.
    private readonly ConcurrentDictionary<(string Gateway, string Path), CentralConsumer> _heardVia = new();
    private readonly Dictionary<CentralConsumer, bool> _sight = []; // each consumer's connection at the last pass (under _checking)
    private readonly SemaphoreSlim _checking = new(1, 1);
    private readonly ConcurrentDictionary<string, Heard> _heard = new(StringComparer.Ordinal);
    private DateTimeOffset _connectedSince;
    private DateTimeOffset _lastGapCheck = DateTimeOffset.MinValue;
    private long _backlog;
    private long _nextDueTicks = long.MaxValue; // UTC ticks; heartbeats move it from other threads
    private TaskCompletionSource? _wake;
    private Task? _loop;

    /// <summary>Creates the centre over <paramref name="archive"/>, reading from <paramref name="consumers"/> (primary path first).</summary>
    public DutyCentre(IArchive archive, IReadOnlyList<CentralConsumer> consumers, DutyCentreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(logger);
        Archive = archive;
        _consumers = consumers;
        _options = (options ?? new DutyCentreOptions()).Validated();
        _time = _options.Time;
        _logger = logger;
        _connectedSince = _time.GetUtcNow();
        if (_options.EscalationWebhook is not null)
        {
            _webhook = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        }

        foreach (var c in consumers)
        {
            c.EventArrived += OnEventAsync;
            var via = c;
            c.Clock = _time;

            // A command reply and a path's birth or will are few and handled as they arrive (a path's word needs the
            // consumer it came through); status and heartbeats go through the follow queue and are stored in batches.
            c.GatewayMessageReceived += (topic, payload, retained) =>
            {
                if (Topics.PathOfStatus(topic) is { } path)
                {
                    return OnPathStatusAsync(via, topic, path, payload, retained);
                }

                OnReply(payload);
                return Task.CompletedTask;
            };
            c.GatewayMessageQueued += OnGatewayMessageQueued;
            c.GatewayMessagesReceived += OnGatewayMessagesAsync;
            c.Rejected += (topic, payload, reason) => RejectAsync(topic, payload, reason);
        }
    }

    /// <summary>The archive.</summary>
    public IArchive Archive { get; }

    /// <summary>The zone of local times (daily test deadline, the report's weeks and nights).</summary>
    public TimeZoneInfo Zone => _options.Zone;

    /// <summary>The centre's clock: every time it records, and the "now" the page counts ages against.</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>This instance's live changes.</summary>
    public ChangeFeed Changes { get; } = new();

    /// <summary>Status and heartbeat messages received and not yet stored (the follow queues' backlog, the batch being written included).</summary>
    public long FollowBacklog => Interlocked.Read(ref _backlog);

    /// <summary>Raised once per event the archive had not recorded before (the CLI prints it).</summary>
    public event Func<CareEvent, Task>? EventRecorded;

    /// <summary>Connects the consumers and starts supervision and escalation.</summary>
    /// <exception cref="MQTTnet.Exceptions.MqttCommunicationException">A broker could not be reached.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var c in _consumers)
        {
            await c.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _connectedSince = _time.GetUtcNow();
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Published before the deadline is read: a Due() after that read finds this and wakes the wait.
                var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _wake, wake);
                var delay = Task.Delay(NextWait(), _time, ct);
                if (await Task.WhenAny(delay, wake.Task).ConfigureAwait(false) != delay)
                {
                    continue; // An earlier deadline arrived with a heartbeat: wait for that one instead.
                }

                await delay.ConfigureAwait(false);
                await CheckAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogCheckFailed(_logger, ex.Message);
            }
        }
    }

    /// <summary>
    /// Until the earliest deadline the last pass saw (a silence, an offline grace, an escalation), at most one
    /// <see cref="DutyCentreOptions.CheckInterval"/>: polling alone would add up to a whole interval to every alarm's delay.
    /// </summary>
    private TimeSpan NextWait()
    {
        var wait = TimeSpan.FromTicks(Interlocked.Read(ref _nextDueTicks) - _time.GetUtcNow().UtcTicks);
        return wait >= _options.CheckInterval ? _options.CheckInterval : wait > MinimumWait ? wait : MinimumWait;
    }

    // A pass that overran its own deadline must not turn the loop into a spin.
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(10);

    private void Due(DateTimeOffset deadline)
    {
        var ticks = deadline.UtcTicks;
        for (var seen = Interlocked.Read(ref _nextDueTicks); ticks < seen;)
        {
            var was = Interlocked.CompareExchange(ref _nextDueTicks, ticks, seen);
            if (was == seen)
            {
                Volatile.Read(ref _wake)?.TrySetResult();
                return;
            }

            seen = was;
        }
    }

    private TimeSpan SilenceBudget(TimeSpan interval) => (_options.SilentIntervals * interval) + _options.SilentMargin - _options.SilentLead;

    private bool AnyConnected => _consumers.Count == 0 || _consumers.Any(c => c.IsConnected);

    /// <summary>One pass of supervision and escalation as of now (the loop runs it at the next deadline, at least every <see cref="DutyCentreOptions.CheckInterval"/>; tests call it directly).</summary>
    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            Interlocked.Exchange(ref _nextDueTicks, long.MaxValue);
            if (!AnyConnected)
            {
                // Our own link is down: every gateway would look silent. Count silence again from the reconnect.
                _connectedSince = now;
            }

            var sightChanged = SightChanged();
            foreach (var g in await Archive.GatewaysAsync(cancellationToken).ConfigureAwait(false))
            {
                await SuperviseAsync(g, now, cancellationToken).ConfigureAwait(false);
                if (sightChanged.Count > 0 && g.Paths.Any(p => _heardVia.TryGetValue((g.Id, p.Name), out var via) && sightChanged.Contains(via)))
                {
                    // Nothing arrives when we lose (or regain) a broker, yet the path we heard through it is no longer (again) known up.
                    Changes.Publish(new CentreChange("gateway", null, g));
                }
            }

            if (now - _lastGapCheck >= TimeSpan.FromSeconds(30) || now < _lastGapCheck)
            {
                _lastGapCheck = now;
                foreach (var gap in await Archive.GapsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (gap.NextReceivedAt + _options.GapGrace <= now)
                    {
                        var range = gap.First == gap.Last ? $"event {gap.First}" : $"events {gap.First}–{gap.Last}";
                        await RaiseAsync(new SupervisionAlarm($"gap:{gap.Gateway}:{gap.BootId:D}:{gap.First}-{gap.Last}", gap.Gateway, SupervisionTypes.SequenceGap, 6,
                            $"{range} of boot {gap.BootId.ToString("D")[..8]} never arrived", now), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await EscalateAsync(now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checking.Release();
        }
    }

    // The consumers whose connection went down or came back since the last pass.
    private List<CentralConsumer> SightChanged()
    {
        var changed = new List<CentralConsumer>();
        foreach (var c in _consumers)
        {
            var connected = c.IsConnected;
            if (_sight.TryGetValue(c, out var was) && was != connected)
            {
                changed.Add(c);
            }

            _sight[c] = connected;
        }

        return changed;
    }

    private async Task SuperviseAsync(GatewayRecord g, DateTimeOffset now, CancellationToken ct)
    {
        // What was received but may not be stored yet (the follow queue's backlog) counts as much as what is.
        var heard = _heard.TryGetValue(g.Id, out var h) ? h : default;
        if (g.State == GatewayStates.Offline && g.OfflineSince is { } since)
        {
            // A birth or heartbeat received after the will says it is back; bounded, so one that is never stored still alarms.
            var offlineAt = Max(since, heard.At) + _options.OfflineGrace;
            if (offlineAt > now)
            {
                Due(offlineAt);
            }
            else
            {
                // The episode is named by what every instance agrees on (the first recorded offline instant), so it is raised once.
                await RaiseAsync(new SupervisionAlarm($"offline:{g.Id}:{since.ToUnixTimeMilliseconds()}", g.Id, SupervisionTypes.Offline, 2,
                    $"gateway {g.Id} offline since {Clock(since)} (its last will) and not back", now), ct).ConfigureAwait(false);
            }
        }

        if (g.State == GatewayStates.Online)
        {
            var last = Max(g.LastHeartbeatAt ?? g.StatusAt ?? g.FirstSeen, _connectedSince);

            // The pass starts SilentLead early so that the alarm is stored within the budget, not a pass's duration after it.
            var silentAt = Max(last + SilenceBudget(g.HeartbeatInterval), heard.SilentAt);
            if (silentAt > now)
            {
                Due(silentAt);
            }
            else
            {
                // Raise before marking: an instance dying in between leaves the gateway online and the next pass finishes.
                await RaiseAsync(new SupervisionAlarm($"silent:{g.Id}:{g.BootId:D}:{HeartbeatTime(g)}", g.Id, SupervisionTypes.Silent, 2,
                    $"gateway {g.Id} silent: no heartbeat since {Clock(g.LastHeartbeatAt ?? g.StatusAt ?? g.FirstSeen)} (every {g.HeartbeatInterval.TotalSeconds:0} s expected), no last will", now), ct).ConfigureAwait(false);
                if (await Archive.MarkSilentAsync(g.Id, now, ct).ConfigureAwait(false))
                {
                    Changes.Publish(new CentreChange("gateway", null, await Archive.GatewayAsync(g.Id, ct).ConfigureAwait(false)));
                }
            }
        }

        if (_options.DailyTestBy is { } by)
        {
            var deadline = LastDeadline(now, by);
            var windowStart = deadline - TimeSpan.FromDays(1);
            if (g.FirstSeen <= windowStart && (g.LastDailyTestAt is not { } last || last <= windowStart))
            {
                var day = TimeZoneInfo.ConvertTime(deadline, _options.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                await RaiseAsync(new SupervisionAlarm($"daily-test:{g.Id}:{day}", g.Id, SupervisionTypes.DailyTestMissing, 5,
                    $"no daily test from {g.Id} by {by:HH\\:mm} on {day}" + (g.LastDailyTestAt is { } t ? $" (last {Clock(t)})" : " (never)"), now), ct).ConfigureAwait(false);
            }
        }
    }

    private static string HeartbeatTime(GatewayRecord g)
    {
        if (g.Heartbeat is null)
        {
            return "none";
        }

        try
        {
            using var doc = JsonDocument.Parse(g.Heartbeat);
            return doc.RootElement.TryGetProperty("time", out var t) ? t.GetString() ?? "none" : "none";
        }
        catch (JsonException)
        {
            return "none";
        }
    }

    private DateTimeOffset LastDeadline(DateTimeOffset now, TimeOnly by)
    {
        var local = TimeZoneInfo.ConvertTime(now, _options.Zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < 3; i++, date = date.AddDays(-1))
        {
            var wall = date.ToDateTime(by);
            var offset = _options.Zone.IsInvalidTime(wall) ? _options.Zone.GetUtcOffset(wall.AddHours(1)) : _options.Zone.GetUtcOffset(wall);
            var deadline = new DateTimeOffset(wall, offset);
            if (deadline <= now)
            {
                return deadline;
            }
        }

        return now;
    }

    private async Task EscalateAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var alarm in await Archive.AlarmsAsync(openOnly: true, ct).ConfigureAwait(false))
        {
            if (alarm.State is not (AlarmStates.Raised or AlarmStates.Delivered))
            {
                continue;
            }

            var level = _options.Escalations.Count(e => alarm.ReceivedAt + e <= now);
            if (level < _options.Escalations.Count)
            {
                Due(alarm.ReceivedAt + _options.Escalations[level]);
            }

            if (level > alarm.Escalation && await Archive.EscalateAsync(alarm.Id, level, now, ct).ConfigureAwait(false))
            {
                var escalated = (await Archive.AlarmAsync(alarm.Id, ct).ConfigureAwait(false))!;
                LogEscalated(_logger, alarm.Id, alarm.Gateway, level);
                Changes.Publish(new CentreChange("escalation", escalated, null));
                await PostWebhookAsync(escalated, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task PostWebhookAsync(AlarmRecord alarm, CancellationToken ct)
    {
        if (_webhook is null || _options.EscalationWebhook is not { } url)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", "escalation");
            w.WriteString("alarm", alarm.Id);
            w.WriteString("gateway", alarm.Gateway);
            w.WriteString("type", alarm.Type);
            w.WriteString("state", alarm.State);
            w.WriteNumber("level", alarm.Escalation);
            w.WriteNumber("priority", alarm.Priority);
            w.WriteString("message", alarm.Message);
            w.WriteString("raised_at", Wire(alarm.RaisedAt));
            w.WriteString("received_at", Wire(alarm.ReceivedAt));
            w.WriteString("escalated_at", Wire(alarm.EscalatedAt ?? _time.GetUtcNow()));
            w.WriteEndObject();
        }

        try
        {
            using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _webhook.PostAsync(url, content, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                LogWebhookFailed(_logger, alarm.Id, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The page shows the escalation anyway; the webhook is a second channel, not the record.
            LogWebhookFailed(_logger, alarm.Id, ex.Message);
        }
    }

    private async Task RaiseAsync(SupervisionAlarm alarm, CancellationToken ct)
    {
        if (await Archive.RaiseSupervisionAlarmAsync(alarm, ct).ConfigureAwait(false) is { } raised)
        {
            LogSupervisionAlarm(_logger, raised.Type, raised.Gateway, raised.Message);
            Changes.Publish(new CentreChange("alarm", raised, null));
        }
    }

    private async Task OnEventAsync(CareEvent evt, byte[] payload)
    {
        var now = _time.GetUtcNow();
        var recorded = await Archive.RecordEventAsync(evt, Encoding.UTF8.GetString(payload), IsPeriodicTest(payload), now).ConfigureAwait(false);
        if (!recorded.IsNew)
        {
            return;
        }

        if (evt.Kind == CareEventKind.TestAlarm || evt.Spec.ScaipStatus is ScaipCodes.Status.TestTransmission or ScaipCodes.Status.TestTransmissionPeriodic)
        {
            _tests.GetOrAdd(evt.Id, _ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(now);
            if (_tests.Count > 1000)
            {
                _tests.Clear();
            }
        }

        if (recorded.Alarm is { } alarm)
        {
            Changes.Publish(new CentreChange("alarm", alarm, null));
            if (_options.TakeAs is { } taker && alarm.Origin == "gateway")
            {
                // Not awaited: this runs before the event's ack, and the take waits for the gateway's reply.
                Track(TakeAsAsync(alarm.Id, taker));
            }
        }

        if (EventRecorded is { } handler)
        {
            await handler(evt).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A periodic (daily) test transmission is recognised on the wire by its SCAIP status code, whatever the gateway calls
    /// the kind: <c>scaipstatus</c> = <see cref="ScaipCodes.Status.TestTransmissionPeriodic"/>.
    /// </summary>
    internal static bool IsPeriodicTest(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.TryGetProperty("scaipstatus", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == ScaipCodes.Status.TestTransmissionPeriodic;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// At receipt, before the message waits in the follow queue: supervision learns the heartbeat's deadline (and that the
    /// gateway spoke) now, so a backlog can neither raise a false silent or offline alarm nor, stored late, delay a true one.
    /// </summary>
    private void OnGatewayMessageQueued(FollowedMessage m)
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
                silentAt = m.ReceivedAt + SilenceBudget(BelievedHeartbeat(gateway, m.Payload, log: false).Interval ?? _options.DefaultHeartbeatInterval);
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
        _heard.AddOrUpdate(gateway, heard, (_, was) => new Heard(Max(was.At, heard.At), Max(was.SilentAt, heard.SilentAt)));
        if (silentAt != DateTimeOffset.MinValue)
        {
            Due(silentAt);
        }
    }

    /// <summary>
    /// A heartbeat as the centre believes it: an interval claim beyond <see cref="DutyCentreOptions.MaxHeartbeatInterval"/>
    /// is supervised at the centre's own expectation for a home, so one claim cannot switch supervision off.
    /// </summary>
    private HeartbeatInfo BelievedHeartbeat(string gateway, byte[] payload, bool log)
    {
        var heartbeat = GatewayMessages.ReadHeartbeat(payload, _options.MaxHeartbeatInterval, out var refused);
        if (refused is not { } claimed)
        {
            return heartbeat;
        }

        if (log)
        {
            LogHeartbeatClaimRefused(_logger, gateway, claimed, (long)_options.MaxHeartbeatInterval.TotalSeconds, (long)_options.DefaultHeartbeatInterval.TotalSeconds);
        }

        return heartbeat with { Interval = _options.DefaultHeartbeatInterval };
    }

    /// <summary>Stores a backlog of status and heartbeats in one archive transaction, then tells the page and clears what came back.</summary>
    private async Task OnGatewayMessagesAsync(IReadOnlyList<FollowedMessage> batch)
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
                OnReply(m.Payload);
                continue;
            }

            if (CareEventFactory.GatewayIdProblem(gateway) is not null)
            {
                await RejectAsync(m.Topic, m.Payload, $"{PrintableText.Of(kind, 40)}: gateway id '{PrintableText.Of(gateway, 80)}' is invalid: expected 1–64 characters of a–z, 0–9, '-' or '_'").ConfigureAwait(false);
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
                await RejectAsync(m.Topic, m.Payload, $"{kind}: {ex.Message}").ConfigureAwait(false);
            }
        }

        IReadOnlyList<GatewayUpdateOutcome> outcomes;
        try
        {
            outcomes = await Archive.RecordGatewayUpdatesAsync(updates).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex) when (updates.Count > 1)
        {
            // One message the database will not take must not cost the rest of the backlog: store them one by one.
            LogBatchFailed(_logger, updates.Count, ex.Message);
            var one = new List<GatewayUpdateOutcome>(updates.Count);
            foreach (var u in updates)
            {
                try
                {
                    one.Add((await Archive.RecordGatewayUpdatesAsync([u]).ConfigureAwait(false))[0]);
                }
                catch (System.Data.Common.DbException single)
                {
                    LogUpdateFailed(_logger, u.Gateway, single.Message);
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

            Changes.Publish(new CentreChange("gateway", null, after));
            var back = u.Heartbeat is null
                ? u.State == GatewayStates.Online
                : (before is null || before.State != GatewayStates.Online) && after.State == GatewayStates.Online;
            if (back)
            {
                await BackAsync(u.Gateway, u.At).ConfigureAwait(false);
            }
        }
    }

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

    /// <summary>
    /// A two-path gateway's per-path birth or will (<c>…/status/{path}</c>). A birth on either path means online. A will
    /// means offline unless another path is still up as far as the centre can tell: when the primary's broker is gone its
    /// will can never come, so the surviving path's will is the gateway's last word (1.5 × keep-alive, not the silence budget).
    /// </summary>
    private async Task OnPathStatusAsync(CentralConsumer via, string topic, string path, byte[] payload, bool retained)
    {
        var gateway = Topics.GatewayIdOf(topic);
        if (gateway is null || payload.Length == 0)
        {
            return; // A cleared retained status (decommissioned gateway).
        }

        if (CareEventFactory.GatewayIdProblem(gateway) is not null)
        {
            await RejectAsync(topic, payload, $"status/{PrintableText.Of(path, 40)}: gateway id '{PrintableText.Of(gateway, 80)}' is invalid: expected 1–64 characters of a–z, 0–9, '-' or '_'").ConfigureAwait(false);
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
            await RejectAsync(topic, payload, $"status: {ex.Message}").ConfigureAwait(false);
            return;
        }

        _heardVia[(gateway, path)] = via;
        var now = _time.GetUtcNow();
        var known = await Archive.GatewayAsync(gateway).ConfigureAwait(false);

        // The retained status is replayed on every reconnect of ours; the same word of the same boot says nothing new.
        if (retained && known?.Paths.FirstOrDefault(p => p.Name == path) is { } seen && seen.BootId == boot && seen.Status == state)
        {
            return;
        }

        var record = await Archive.RecordPathStatusAsync(gateway, path, state, boot, now).ConfigureAwait(false);
        if (record is null)
        {
            return;
        }

        if (state == GatewayStates.Online)
        {
            var online = await Archive.RecordStatusAsync(gateway, GatewayStates.Online, boot, now).ConfigureAwait(false);
            Changes.Publish(new CentreChange("gateway", null, online ?? record));
            if (online is not null)
            {
                await BackAsync(gateway, now).ConfigureAwait(false);
            }

            return;
        }

        if (PathsOf(record).FirstOrDefault(p => p.Name != path && p.State == PathStates.Up) is { } other)
        {
            LogPathDown(_logger, gateway, path, other.Name);
            Changes.Publish(new CentreChange("gateway", null, record));
            return;
        }

        var offline = await Archive.RecordStatusAsync(gateway, GatewayStates.Offline, boot, now).ConfigureAwait(false);
        Changes.Publish(new CentreChange("gateway", null, offline ?? record));
    }

    private async Task BackAsync(string gateway, DateTimeOffset now)
    {
        foreach (var cleared in await Archive.ResolveSupervisionAsync(gateway, BackTypes, "gateway back online", now).ConfigureAwait(false))
        {
            Changes.Publish(new CentreChange("alarm", cleared, null));
        }
    }

    private const int MaxRejectedPayload = 4096;

    private async Task RejectAsync(string topic, byte[] payload, string reason)
    {
        // Kept as evidence, but bounded and printable: the rejected list must not become the way to store a megabyte.
        var shownTopic = PrintableText.Of(topic, 256);
        var shownReason = PrintableText.Of(reason, 1024);
        LogRejected(_logger, shownTopic, shownReason);
        var gateway = Topics.GatewayIdOf(topic) is { } id ? PrintableText.Of(id, 64) : null;
        await Archive.RecordRejectedAsync(new RejectedMessage(_time.GetUtcNow(), shownTopic, gateway, shownReason, PrintableText.Of(Encoding.UTF8.GetString(payload, 0, Math.Min(payload.Length, MaxRejectedPayload)), MaxRejectedPayload, keepLineBreaks: true))).ConfigureAwait(false);
    }

    private void OnReply(byte[] payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("command", out var id) && id.ValueKind == JsonValueKind.String
                && _replies.TryRemove(id.GetString()!, out var waiter))
            {
                waiter.TrySetResult(doc.RootElement.GetRawText());
            }
        }
        catch (JsonException)
        {
            // A reply nobody can read answers nothing we wait for; the command then times out and says so.
        }
    }

    private void Track(Task task)
    {
        _background[task] = 0;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task TakeAsAsync(Guid alarm, string operatorName)
    {
        try
        {
            await Task.Yield();
            await TakeAsync(alarm, operatorName, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutting down; the alarm stays open at the centre and a nurse takes it.
        }
        catch (Exception ex) when (ex is CentreActionException or System.Data.Common.DbException or InvalidOperationException)
        {
            LogTakeAsFailed(_logger, alarm, ex.Message);
        }
    }

    /// <summary>Takes an alarm on for <paramref name="operatorName"/>; for a gateway alarm sends <c>alarm.acknowledge</c> ("help is coming").</summary>
    /// <exception cref="CentreActionException">No such alarm (404) or it is cleared or already taken (409).</exception>
    public async Task<AlarmActionResult> TakeAsync(Guid alarmId, string operatorName, CancellationToken cancellationToken = default)
    {
        var alarm = await Archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no alarm {alarmId}");
        var now = _time.GetUtcNow();
        if (!await Archive.TakeAsync(alarmId, operatorName, now, cancellationToken).ConfigureAwait(false))
        {
            var current = await Archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false);
            throw new CentreActionException(409, "id", current!.State == AlarmStates.Cleared ? $"alarm {alarmId} is already cleared" : $"alarm {alarmId} is already taken by {current.TakenBy}");
        }

        // Taken at the centre first: escalation stops for a nurse who has it even when the gateway cannot be reached.
        var outcome = alarm.Origin == "gateway"
            ? await SendAsync(alarm.Gateway, "alarm.acknowledge", operatorName, w => w.WriteString("alarm", alarmId), cancellationToken).ConfigureAwait(false)
            : null;
        return await FinishAsync("take", operatorName, alarm, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Clears an alarm with <paramref name="reason"/>; for a gateway alarm sends <c>alarm.clear</c>.</summary>
    /// <exception cref="CentreActionException">No such alarm (404) or already cleared (409).</exception>
    public async Task<AlarmActionResult> ClearAsync(Guid alarmId, string operatorName, string reason, CancellationToken cancellationToken = default)
    {
        var alarm = await Archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no alarm {alarmId}");
        if (!await Archive.ClearAsync(alarmId, operatorName, reason, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new CentreActionException(409, "id", $"alarm {alarmId} is already cleared");
        }

        var outcome = alarm.Origin == "gateway"
            ? await SendAsync(alarm.Gateway, "alarm.clear", operatorName, w => w.WriteString("alarm", alarmId), cancellationToken).ConfigureAwait(false)
            : null;
        return await FinishAsync("clear", operatorName, alarm, outcome, cancellationToken, reason).ConfigureAwait(false);
    }

    private async Task<AlarmActionResult> FinishAsync(string action, string operatorName, AlarmRecord alarm, CommandOutcome? outcome, CancellationToken ct, string? reason = null)
    {
        await Archive.RecordActionAsync(new OperatorAction(_time.GetUtcNow(), operatorName, action, alarm.Gateway, alarm.Id, outcome?.CommandId, outcome?.Status ?? "ok", outcome?.Reply ?? reason), ct).ConfigureAwait(false);
        var now = (await Archive.AlarmAsync(alarm.Id, ct).ConfigureAwait(false))!;
        Changes.Publish(new CentreChange("alarm", now, null));
        return new AlarmActionResult(now, outcome);
    }

    /// <summary>Sends an <c>alarm.test</c> through the whole chain and waits for its event: the round trip.</summary>
    /// <exception cref="CentreActionException">No such gateway (404).</exception>
    public async Task<TestRoundTrip> TestAsync(string gateway, string operatorName, CancellationToken cancellationToken = default)
    {
        _ = await Archive.GatewayAsync(gateway, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no gateway {gateway}");
        var sent = _time.GetTimestamp();
        var sentAt = _time.GetUtcNow();
        var outcome = await SendAsync(gateway, "alarm.test", operatorName, w => w.WriteString("message", $"test from the duty centre ({operatorName})"), cancellationToken).ConfigureAwait(false);
        Guid? eventId = null;
        TimeSpan? roundTrip = null;
        if (outcome is { Status: "ok", Reply: { } reply })
        {
            using var doc = JsonDocument.Parse(reply);
            if (doc.RootElement.TryGetProperty("result", out var result) && result.TryGetProperty("event", out var ev) && ev.TryGetGuid(out var id))
            {
                eventId = id;
                var arrived = _tests.GetOrAdd(id, _ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously));
                try
                {
                    await arrived.Task.WaitAsync(_options.CommandTimeout, _time, cancellationToken).ConfigureAwait(false);
                    roundTrip = _time.GetElapsedTime(sent);
                }
                catch (TimeoutException)
                {
                    // Another instance may have stored it (shared subscription): the gateway row says when the last test arrived.
                    if ((await Archive.GatewayAsync(gateway, cancellationToken).ConfigureAwait(false))?.LastTestAt is { } at && at >= sentAt)
                    {
                        roundTrip = at - sentAt;
                    }
                }
                finally
                {
                    _tests.TryRemove(id, out _);
                }
            }
        }

        await Archive.RecordActionAsync(new OperatorAction(_time.GetUtcNow(), operatorName, "test", gateway, eventId, outcome.CommandId, outcome.Status,
            roundTrip is { } rt ? $"round trip {rt.TotalMilliseconds:0} ms" : outcome.Reply), cancellationToken).ConfigureAwait(false);
        return new TestRoundTrip(outcome, eventId, roundTrip);
    }

    /// <summary>Adds a note to an alarm under the operator's name.</summary>
    /// <exception cref="CentreActionException">No such alarm (404).</exception>
    public async Task<AlarmNote> AddNoteAsync(Guid alarmId, string operatorName, string text, CancellationToken cancellationToken = default)
    {
        _ = await Archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no alarm {alarmId}");
        var note = new AlarmNote(alarmId, _time.GetUtcNow(), operatorName, text);
        await Archive.AddNoteAsync(note, cancellationToken).ConfigureAwait(false);
        await Archive.RecordActionAsync(new OperatorAction(note.At, operatorName, "note", null, alarmId, null, "ok", text), cancellationToken).ConfigureAwait(false);
        return note;
    }

    private async Task<CommandOutcome> SendAsync(string gateway, string type, string by, Action<Utf8JsonWriter> args, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString("D");
        var now = _time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("type", type);
            w.WriteString("by", by);
            w.WriteString("issued", Wire(now));
            w.WriteString("expires", Wire(now + TimeSpan.FromMinutes(5)));
            w.WriteStartObject("args");
            args(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[id] = waiter;
        try
        {
            var consumer = _consumers.FirstOrDefault(c => c.IsConnected);
            if (consumer is null)
            {
                return new CommandOutcome(id, "not_sent", null);
            }

            try
            {
                await consumer.PublishCommandAsync(gateway, buffer.WrittenSpan.ToArray(), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                LogCommandFailed(_logger, type, gateway, ex.Message);
                return new CommandOutcome(id, "not_sent", null);
            }

            try
            {
                var reply = await waiter.Task.WaitAsync(_options.CommandTimeout, _time, ct).ConfigureAwait(false);
                using var doc = JsonDocument.Parse(reply);
                var status = doc.RootElement.TryGetProperty("status", out var s) && s.GetString() == "ok" ? "ok" : "error";
                return new CommandOutcome(id, status, reply);
            }
            catch (TimeoutException)
            {
                return new CommandOutcome(id, "no_reply", null);
            }
        }
        finally
        {
            _replies.TryRemove(id, out _);
        }
    }

    /// <summary>The wire form of an instant (UTC, milliseconds).</summary>
    internal static string Wire(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Clock(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The last birth or heartbeat received from a gateway, and the silence deadline of its last heartbeat.</summary>
    private readonly record struct Heard(DateTimeOffset At, DateTimeOffset SilentAt);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await Task.WhenAll(_background.Keys).ConfigureAwait(false);

        foreach (var c in _consumers)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        _webhook?.Dispose();
        _stop.Dispose();
        _checking.Dispose();
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Supervision: {Type} for {Gateway}: {Message}")]
    private static partial void LogSupervisionAlarm(ILogger logger, string type, string gateway, string message);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Alarm {Alarm} of {Gateway} not taken: escalated to level {Level}")]
    private static partial void LogEscalated(ILogger logger, Guid alarm, string gateway, int level);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Escalation webhook for alarm {Alarm} failed: {Reason}")]
    private static partial void LogWebhookFailed(ILogger logger, Guid alarm, string reason);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Rejected a message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Error, Message = "Supervision pass failed (retried next pass): {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "Taking alarm {Alarm} on (--take-as) failed: {Reason}")]
    private static partial void LogTakeAsFailed(ILogger logger, Guid alarm, string reason);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Warning, Message = "The {Path} path of {Gateway} is down (its last will or goodbye); the gateway is still reachable over the {Other} path")]
    private static partial void LogPathDown(ILogger logger, string gateway, string path, string other);

    [LoggerMessage(EventId = 3270, Level = LogLevel.Warning, Message = "Heartbeat of {Gateway} claims an interval of {Claimed} s, more than the {Max} s believed; supervised at {Default} s")]
    private static partial void LogHeartbeatClaimRefused(ILogger logger, string gateway, long claimed, long max, long @default);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Warning, Message = "Storing {Count} status and heartbeat messages in one transaction failed ({Reason}); storing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 3209, Level = LogLevel.Error, Message = "Status or heartbeat of {Gateway} not stored (the next one is): {Reason}")]
    private static partial void LogUpdateFailed(ILogger logger, string gateway, string reason);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Command {Type} to {Gateway} not sent: {Reason}")]
    private static partial void LogCommandFailed(ILogger logger, string type, string gateway, string reason);
}
