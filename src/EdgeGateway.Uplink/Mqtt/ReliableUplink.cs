using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Delivers the outbox to the centre over one or two paths (primary, secondary): QoS 1 publishes pipelined within a
/// bounded window, then retransmission under the same id until the centre's application ack, which marks the event acked
/// in the outbox. Each path has its own connection supervisor (<see cref="PathLink"/>); the <see cref="LinkStateMachine"/>
/// picks the path that carries events, and each path's loss and return is itself an event.
/// </summary>
public sealed partial class ReliableUplink
{
    private readonly string _gatewayId;
    private readonly SqliteOutbox _outbox;
    private readonly CareEventFactory _boot;
    private readonly UplinkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PathLink[] _paths;
    private readonly bool _reportPaths;
    private readonly LinkStateMachine _machine = new();
    private readonly Lock _stateLock = new();
    private readonly ConcurrentDictionary<Guid, InFlight> _inFlight = new();
    private readonly long[] _cursor = new long[4];
    private readonly Channel<EventAck> _acks = Channel.CreateUnbounded<EventAck>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private ITimer? _failBackTimer;
    private IMqttClient? _deliveringOn;
    private IMqttClient? _publishFailureLogged;
    private DateTimeOffset _earliestDue = DateTimeOffset.MaxValue;
    private bool _anyUp;

    /// <summary>Creates a single-path uplink of <paramref name="gatewayId"/> over plain TCP to a loopback broker (demos, tests, benchmarks).</summary>
    /// <exception cref="LinkSecurityException">The endpoint is not plain TCP to a loopback host.</exception>
    public ReliableUplink(MqttEndpoint endpoint, string gatewayId, SqliteOutbox outbox, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time)
        : this([new UplinkPath(PathRole.Primary, endpoint ?? throw new ArgumentNullException(nameof(endpoint)), LinkSecurity.LoopbackDemo)], gatewayId, outbox, boot, options, logger, time)
    {
    }

    /// <summary>Creates the uplink of <paramref name="gatewayId"/> over <paramref name="paths"/> (the primary, optionally then the secondary); <paramref name="boot"/> supplies boot id and uptime.</summary>
    /// <exception cref="LinkSecurityException">A path's security setting cannot be used (plain TCP not allowed, unreadable or too open files).</exception>
    public ReliableUplink(IReadOnlyList<UplinkPath> paths, string gatewayId, SqliteOutbox outbox, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(boot);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        CareEventFactory.ValidateGatewayId(gatewayId);
        if (paths.Count is < 1 or > 2 || paths[0].Role != PathRole.Primary || (paths.Count == 2 && paths[1].Role != PathRole.Secondary))
        {
            throw new ArgumentException($"expected the primary path, optionally followed by the secondary path; got [{string.Join(", ", paths.Select(p => p.Role))}]", nameof(paths));
        }

        _gatewayId = gatewayId;
        _outbox = outbox;
        _boot = boot;
        _options = options;
        _logger = logger;
        _time = time;
        var dual = paths.Count == 2;
        _reportPaths = options.ReportPathEvents ?? dual;
        _paths = [.. paths.Select(p => new PathLink(p, p.Security.Load(p.Endpoint), gatewayId, dual, boot, options, logger, time, OnAck, OnHealth, HeartbeatAsync, OnCommand))];
        _outbox.Accepted += Wake;
    }

    /// <summary>Raised after the centre's ack for an event was committed to the outbox.</summary>
    public event Func<EventAck, Task>? AckReceived;

    /// <summary>Raised after the broker confirmed (PUBACK) a transmission of an event.</summary>
    public event Action<OutboxEntry>? Published;

    /// <summary>Raised after each successful connect of any path (birth published).</summary>
    public event Action? Connected;

    /// <summary>Raised when the first path comes up (true) or the last one goes down (false); feed it to <c>AlarmLoop.TrySetUplinkState</c>.</summary>
    public event Action<bool>? AnyPathUpChanged;

    /// <summary>A command from the centre arrived (raw payload); the handler replies through <see cref="PublishReplyAsync"/>.</summary>
    public event Func<byte[], Task>? CommandReceived;

    /// <summary>Raised after the path state machine moved (on the supervisor's thread).</summary>
    public event Action<LinkState>? LinkStateChanged;

    /// <summary>True while the path that carries events is connected.</summary>
    public bool IsConnected => ActiveClient() is not null;

    /// <summary>True while at least one path is connected.</summary>
    public bool AnyPathUp
    {
        get
        {
            lock (_stateLock)
            {
                return _anyUp;
            }
        }
    }

    /// <summary>Which path carries events.</summary>
    public LinkState LinkState
    {
        get
        {
            lock (_stateLock)
            {
                return _machine.State;
            }
        }
    }

    /// <summary>The configured paths, primary first.</summary>
    public IEnumerable<UplinkPath> Paths => _paths.Select(p => p.Path);

    /// <summary>How many times a connection was established, over all paths.</summary>
    public long Connects => _paths.Sum(p => p.Connects);

    /// <summary>Connects established over <paramref name="role"/>.</summary>
    public long ConnectsOver(PathRole role) => Path(role).Connects;

    /// <summary>Connection attempts over <paramref name="role"/> (successful or not).</summary>
    public long AttemptsOver(PathRole role) => Path(role).Attempts;

    /// <summary>Why the last connect over <paramref name="role"/> failed or its link was dropped, or null.</summary>
    public string? LastErrorOf(PathRole role) => Path(role).LastError;

    /// <summary>Health of <paramref name="role"/>'s path.</summary>
    public PathHealth HealthOf(PathRole role)
    {
        lock (_stateLock)
        {
            return Path(role).Health;
        }
    }

    /// <summary>Events sent and waiting for the centre's ack.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Runs supervision of every path, delivery and ack handling until <paramref name="cancellationToken"/> fires; then says goodbye (retained offline).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = _paths.Select(p => p.SuperviseAsync(stop.Token)).Append(DeliverAsync(stop.Token)).Append(HandleAcksAsync(stop.Token)).ToArray();
        try
        {
            await Task.WhenAny(tasks).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            lock (_stateLock)
            {
                _failBackTimer?.Dispose();
                _failBackTimer = null;
            }

            await Task.WhenAll(_paths.Select(p => p.GoodbyeAsync())).ConfigureAwait(false);
        }
    }

    private PathLink Path(PathRole role) => _paths.FirstOrDefault(p => p.Path.Role == role) ?? throw new ArgumentException($"no {role} path is configured", nameof(role));

    /// <summary>Publishes a command reply (QoS 1, not retained) on the path in use.</summary>
    /// <exception cref="InvalidOperationException">No path is connected.</exception>
    public async Task PublishReplyAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var client = ActiveClient() ?? throw new InvalidOperationException("no uplink path is connected");
        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Replies(_gatewayId))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken).ConfigureAwait(false);
    }

    // Commands are handled off the MQTT receive thread: a slow command (config apply) must not stall acks.
    private void OnCommand(byte[] payload)
    {
        if (CommandReceived is { } handler)
        {
            _ = Task.Run(() => handler(payload));
        }
    }

    private IMqttClient? ActiveClient()
    {
        lock (_stateLock)
        {
            return _machine.State switch
            {
                LinkState.Primary => _paths[0].Client,
                LinkState.Secondary or LinkState.FailingBack => _paths[^1].Client,
                _ => null,
            };
        }
    }

    private void OnHealth(PathLink path, bool up, string? reason)
    {
        var changes = new List<LinkState>();
        bool? anyChanged = null;
        CareEventKind? report = null;
        lock (_stateLock)
        {
            var was = path.Health;
            var now = up ? PathHealth.Up : PathHealth.Down;
            if (was == now)
            {
                return;
            }

            path.Health = now;
            if (_reportPaths && (now == PathHealth.Down || was == PathHealth.Down))
            {
                report = (path.Path.Role, up) switch
                {
                    (PathRole.Primary, false) => CareEventKind.PrimaryPathLost,
                    (PathRole.Primary, true) => CareEventKind.PrimaryPathRestored,
                    (PathRole.Secondary, false) => CareEventKind.SecondaryPathLost,
                    _ => CareEventKind.SecondaryPathRestored,
                };
            }

            // A path that never came up is not "lost" as far as routing goes: it never carried anything.
            if (up || was == PathHealth.Up)
            {
                var trigger = (path.Path.Role, up) switch
                {
                    (PathRole.Primary, true) => LinkTrigger.PrimaryUp,
                    (PathRole.Primary, false) => LinkTrigger.PrimaryLost,
                    (PathRole.Secondary, true) => LinkTrigger.SecondaryUp,
                    _ => LinkTrigger.SecondaryLost,
                };
                FireLocked(trigger, changes);
            }

            var any = _paths.Any(p => p.Health == PathHealth.Up);
            if (any != _anyUp)
            {
                _anyUp = any;
                anyChanged = any;
            }
        }

        if (up)
        {
            Connected?.Invoke();
        }

        AfterStateChange(changes, anyChanged);
        if (report is { } kind)
        {
            _ = ReportPathAsync(kind, path.Path, reason);
        }
    }

    private void FireLocked(LinkTrigger trigger, List<LinkState> changes)
    {
        try
        {
            var before = _machine.State;
            var next = _machine.Fire(trigger);
            if (next != before)
            {
                changes.Add(next);
            }

            // Nothing carries events while failing over: take whichever path is up right now.
            if (next == LinkState.FailingOver)
            {
                if (_paths[0].Health == PathHealth.Up)
                {
                    next = _machine.Fire(LinkTrigger.PrimaryUp);
                }
                else if (_paths.Length == 2 && _paths[1].Health == PathHealth.Up)
                {
                    next = _machine.Fire(LinkTrigger.SecondaryUp);
                }

                if (next != LinkState.FailingOver)
                {
                    changes.Add(next);
                }
            }

            if (next == LinkState.FailingBack && before != LinkState.FailingBack)
            {
                _failBackTimer?.Dispose();
                _failBackTimer = _time.CreateTimer(_ => OnFailBackHoldElapsed(), null, _options.FailBackHold, Timeout.InfiniteTimeSpan);
            }
            else if (next != LinkState.FailingBack)
            {
                _failBackTimer?.Dispose();
                _failBackTimer = null;
            }

        }
        catch (LinkTransitionException ex)
        {
            // A missing row in the table must not take the uplink down: stay put, say so.
            LogIllegalTransition(_logger, ex.State.ToString(), ex.Trigger.ToString());
        }
    }

    private void OnFailBackHoldElapsed()
    {
        var changes = new List<LinkState>();
        lock (_stateLock)
        {
            if (_machine.State != LinkState.FailingBack || _paths[0].Health != PathHealth.Up)
            {
                return;
            }

            FireLocked(LinkTrigger.PrimaryStable, changes);
        }

        AfterStateChange(changes, null);
    }

    private void AfterStateChange(List<LinkState> changes, bool? anyChanged)
    {
        foreach (var state in changes)
        {
            LogLinkState(_logger, state.ToString());
            LinkStateChanged?.Invoke(state);
        }

        if (anyChanged is { } any)
        {
            AnyPathUpChanged?.Invoke(any);
        }

        Wake();
    }

    private async Task ReportPathAsync(CareEventKind kind, UplinkPath path, string? reason)
    {
        var data = new Dictionary<string, string> { ["path"] = path.Name, ["endpoint"] = path.Endpoint.ToString() };
        if (reason is not null)
        {
            data["reason"] = reason;
        }

        var evt = _boot.Create(kind, null, reason is null ? $"{path.Name} uplink path restored" : $"{path.Name} uplink path lost: {reason}", data);
        try
        {
            await _outbox.AcceptAsync(evt).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OutboxStorageException or ObjectDisposedException)
        {
            LogPathEventNotStored(_logger, kind.ToString(), ex.Message);
        }
    }

    private bool OnAck(EventAck ack) => _acks.Writer.TryWrite(ack);

    private async Task DeliverAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = ActiveClient();
            if (!ReferenceEquals(client, _deliveringOn))
            {
                // A new connection or another path: everything sent on the old one may be lost with it; resend all unacked.
                _inFlight.Clear();
                Array.Clear(_cursor);
                _earliestDue = DateTimeOffset.MaxValue;
                _deliveringOn = client;
            }

            var wait = Timeout.InfiniteTimeSpan;
            if (client is not null)
            {
                wait = await DeliverRoundAsync(client, ct).ConfigureAwait(false);
            }

            if (wait != TimeSpan.Zero)
            {
                // Idle costs nothing: the loop sleeps until an accept, an ack, a path change or the next retransmission.
                using var timer = wait == Timeout.InfiniteTimeSpan
                    ? CancellationTokenSource.CreateLinkedTokenSource(ct)
                    : CancellationTokenSource.CreateLinkedTokenSource(ct, new CancellationTokenSource(wait, _time).Token);
                try
                {
                    await _wake.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }
        }
    }

    /// <summary>Sends what is due without waiting for PUBACKs; returns how long to wait before the next round (zero: go again now).</summary>
    private async Task<TimeSpan> DeliverRoundAsync(IMqttClient client, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (now >= _earliestDue)
        {
            var earliest = DateTimeOffset.MaxValue;
            foreach (var (id, f) in _inFlight)
            {
                if (f.Due <= now)
                {
                    var attempt = f.Attempt + 1;
                    var due = now + RetransmitDelay(attempt);
                    _inFlight[id] = f with { Due = due, Attempt = attempt };
                    LogRetransmit(_logger, id, attempt);
                    Send(client, f.Entry, ct);
                    earliest = due < earliest ? due : earliest;
                }
                else if (f.Due < earliest)
                {
                    earliest = f.Due;
                }
            }

            _earliestDue = earliest;
        }

        // Everything in flight is bounded, alarms too: beyond what the centre's broker queues per consumer (mosquitto:
        // max_queued_messages 1000) events are dropped there and only come back by retransmission, which is far slower.
        // Alarms get a reserve on top, so a window full of telemetry never holds one back.
        var window = _options.Window;
        var inFlight = _inFlight.Count;
        var fresh = await _outbox.PeekNewAsync(_cursor, window + (window / 4) - inFlight, window - inFlight, _inFlight.ContainsKey, ct).ConfigureAwait(false);
        var firstDue = now + RetransmitDelay(0);
        foreach (var e in fresh)
        {
            _inFlight[e.Id] = new InFlight(firstDue, 0, e);
            if (e.Sequence > 0)
            {
                _cursor[(int)e.Class] = Math.Max(_cursor[(int)e.Class], e.Sequence);
            }

            Send(client, e, ct);
        }

        if (fresh.Count > 0 && firstDue < _earliestDue)
        {
            _earliestDue = firstDue;
        }

        if (_inFlight.IsEmpty)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var wait = _earliestDue - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
    }

    private TimeSpan RetransmitDelay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(_options.MaxRetransmitDelay.Ticks, _options.AckTimeout.Ticks << Math.Min(attempt, 16)));

    private void Send(IMqttClient client, OutboxEntry entry, CancellationToken ct) => _ = SendAsync(client, entry, ct);

    private async Task SendAsync(IMqttClient client, OutboxEntry entry, CancellationToken ct)
    {
        // Not awaited by the round: QoS 1 publishes are pipelined (MQTTnet matches PUBACKs by packet id), so one slow
        // PUBACK no longer holds back the next event; the window bounds how many are out at once.
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events(_gatewayId, entry.Class))
            .WithPayload(new ReadOnlySequence<byte>(entry.Payload))
            .WithContentType("application/cloudevents+json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await client.PublishAsync(message, ct).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                LogPublishRefused(_logger, entry.Id, result.ReasonCode.ToString());
                return;
            }

            Published?.Invoke(entry);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The connection broke; the event stays in flight and goes again on the next connection (or after its ack timeout).
            if (!ReferenceEquals(Interlocked.Exchange(ref _publishFailureLogged, client), client))
            {
                LogPublishFailed(_logger, ex.Message);
            }

            foreach (var p in _paths)
            {
                p.Kick();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HandleAcksAsync(CancellationToken ct)
    {
        var batch = new List<EventAck>();
        while (await _acks.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (batch.Count < 5_000 && _acks.Reader.TryRead(out var a))
            {
                batch.Add(a);
            }

            try
            {
                // Step 3 of the write order: the row goes only once the centre has the event.
                await _outbox.AckAsync(batch.Select(a => a.EventId).ToList(), ct).ConfigureAwait(false);
            }
            catch (OutboxStorageException)
            {
                // The rows stay; the event goes again and the centre acks the duplicate. Try these acks later.
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
                foreach (var a in batch)
                {
                    _acks.Writer.TryWrite(a);
                }

                batch.Clear();
                continue;
            }

            foreach (var a in batch)
            {
                _inFlight.TryRemove(a.EventId, out _);
                if (AckReceived is { } handler)
                {
                    await handler(a).ConfigureAwait(false);
                }
            }

            batch.Clear();
            Wake();
        }
    }

    private async Task<byte[]> HeartbeatAsync(CancellationToken ct)
    {
        var states = new Dictionary<string, string>(_options.States?.Invoke() ?? new Dictionary<string, string>());
        lock (_stateLock)
        {
            states["link"] = _machine.State.ToString().ToLowerInvariant();
            foreach (var p in _paths)
            {
                states[$"path.{p.Path.Name}"] = p.Health.ToString().ToLowerInvariant();
            }
        }

        return new Heartbeat(
            _boot.BootId,
            _boot.Uptime,
            _outbox.Depth,
            await _outbox.OldestPendingAgeAsync(ct).ConfigureAwait(false),
            _options.ClockSync?.IsSynchronised ?? false,
            _time.GetUtcNow(),
            states).ToJson();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private readonly record struct InFlight(DateTimeOffset Due, int Attempt, OutboxEntry Entry);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Publishing failed, unacked events go again after reconnect: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Broker refused event {EventId}: {ReasonCode}; will retry")]
    private static partial void LogPublishRefused(ILogger logger, Guid eventId, string reasonCode);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Retransmitting event {EventId} (attempt {Attempt}): no ack yet")]
    private static partial void LogRetransmit(ILogger logger, Guid eventId, int attempt);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Uplink path state is now {State}")]
    private static partial void LogLinkState(ILogger logger, string state);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Uplink path state machine refused trigger {Trigger} in state {State}; staying in {State}")]
    private static partial void LogIllegalTransition(ILogger logger, string state, string trigger);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Path event {Kind} could not be stored: {Reason}")]
    private static partial void LogPathEventNotStored(ILogger logger, string kind, string reason);
}
