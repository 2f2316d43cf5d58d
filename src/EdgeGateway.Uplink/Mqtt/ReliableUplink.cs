using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Delivers the outbox to the centre over one or two paths (primary, secondary): QoS 1 publishes pipelined within a
/// bounded window, then retransmission under the same id until the centre's application ack, which marks the event acked
/// in the outbox. Each path has its own connection supervisor (<see cref="PathLink"/>); the <see cref="LinkStateMachine"/>
/// picks the path that carries events, and each path's loss and return is itself an event.
/// </summary>
/// <remarks>
/// A facade over one class per job: <see cref="PathRouter"/> (routing, failover), <see cref="EventDelivery"/> (window,
/// retransmission), <see cref="AckHandler"/> (acks), <see cref="HeartbeatSource"/> (heartbeats) and <see cref="CommandRelay"/> (commands).
/// </remarks>
public sealed class ReliableUplink
{
    private readonly PathLink[] _paths;
    private readonly PathRouter _router;
    private readonly EventDelivery _delivery;
    private readonly AckHandler _acks;
    private readonly HeartbeatSource _heartbeats;
    private readonly CommandRelay _commands;
    private readonly RoutineHold _hold;

    /// <summary>Creates a single-path uplink of <paramref name="gatewayId"/> over plain TCP to a loopback broker (demos, tests, benchmarks).</summary>
    /// <exception cref="LinkSecurityException">The endpoint is not plain TCP to a loopback host.</exception>
    public ReliableUplink(MqttEndpoint endpoint, string gatewayId, SqliteOutbox outbox, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time)
        : this([new UplinkPath(PathRole.Primary, endpoint ?? throw new ArgumentNullException(nameof(endpoint)), LinkSecurity.LoopbackDemo)], gatewayId, outbox, outbox, boot, options, logger, time)
    {
    }

    /// <summary>Creates the uplink of <paramref name="gatewayId"/> over <paramref name="paths"/> (the primary, optionally then the secondary); <paramref name="boot"/> supplies boot id and uptime.</summary>
    /// <exception cref="LinkSecurityException">A path's security setting cannot be used (plain TCP not allowed, unreadable or too open files).</exception>
    public ReliableUplink(IReadOnlyList<UplinkPath> paths, string gatewayId, SqliteOutbox outbox, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time)
        : this(paths, gatewayId, outbox, outbox, boot, options, logger, time)
    {
    }

    /// <summary>Creates the uplink over <paramref name="paths"/> that delivers from <paramref name="reader"/> and stores its own path events through <paramref name="writer"/>.</summary>
    /// <exception cref="LinkSecurityException">A path's security setting cannot be used (plain TCP not allowed, unreadable or too open files).</exception>
    public ReliableUplink(IReadOnlyList<UplinkPath> paths, string gatewayId, IOutboxWriter writer, IOutboxReader reader, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(boot);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        CareEventFactory.ValidateGatewayId(gatewayId);
        if (paths.Count is < 1 or > 2 || paths[0].Role != PathRole.Primary || (paths.Count == 2 && paths[1].Role != PathRole.Secondary))
        {
            throw new ArgumentException($"expected the primary path, optionally followed by the secondary path; got [{string.Join(", ", paths.Select(p => p.Role))}]", nameof(paths));
        }

        var dual = paths.Count == 2;

        // The parts reach the router through methods of this facade: the router needs the links, and the links need the other parts.
        _commands = new CommandRelay(gatewayId, ActiveClient, time);
        _hold = new RoutineHold(options, logger, time);
        _delivery = new EventDelivery(gatewayId, reader, options, logger, time, ActiveClient, KickAll, _hold);
        _acks = new AckHandler(reader, _delivery, time);
        _heartbeats = new HeartbeatSource(boot, reader, options, time, AddLinkStates);
        _paths = [.. paths.Select(p => new PathLink(p, p.Security.Load(p.Endpoint), gatewayId, dual, boot, options, logger, time, _acks.Post, _heartbeats.BuildAsync, _commands.Relay))];
        _router = new PathRouter(_paths, options.ReportPathEvents ?? dual, writer, boot, options, logger, time, _hold);
        _router.Changed += _delivery.Wake;
        _router.Changed += _commands.RouteChanged;
    }

    /// <summary>Raised on the receive thread as each of the centre's acks arrives, before its commit; handlers must be quick and must not throw.</summary>
    public event Action<EventAck>? AckArrived
    {
        add => _acks.AckArrived += value;
        remove => _acks.AckArrived -= value;
    }

    /// <summary>Raised after the centre's ack for an event was committed to the outbox.</summary>
    public event Func<EventAck, Task>? AckReceived
    {
        add => _acks.AckReceived += value;
        remove => _acks.AckReceived -= value;
    }

    /// <summary>Raised after the broker confirmed (PUBACK) a transmission of an event.</summary>
    public event Action<OutboxEntry>? Published
    {
        add => _delivery.Published += value;
        remove => _delivery.Published -= value;
    }

    /// <summary>Raised after each successful connect of any path (birth published).</summary>
    public event Action? Connected
    {
        add => _router.Connected += value;
        remove => _router.Connected -= value;
    }

    /// <summary>Raised when the first path comes up (true) or the last one goes down (false); feed it to <c>AlarmLoop.TrySetUplinkState</c>.</summary>
    public event Action<bool>? AnyPathUpChanged
    {
        add => _router.AnyPathUpChanged += value;
        remove => _router.AnyPathUpChanged -= value;
    }

    /// <summary>A command from the centre arrived (raw payload); the handler replies through <see cref="PublishReplyAsync"/>.</summary>
    public event Func<byte[], Task>? CommandReceived
    {
        add => _commands.CommandReceived += value;
        remove => _commands.CommandReceived -= value;
    }

    /// <summary>Raised after the path state machine moved (on the supervisor's thread).</summary>
    public event Action<LinkState>? LinkStateChanged
    {
        add => _router.LinkStateChanged += value;
        remove => _router.LinkStateChanged -= value;
    }

    /// <summary>True while the path that carries events is connected.</summary>
    public bool IsConnected => ActiveClient() is not null;

    /// <summary>True while at least one path is connected.</summary>
    public bool AnyPathUp => _router.AnyUp;

    /// <summary>Until when routine (non-alarm) events wait after an outage, or null when none are held; alarms never wait.</summary>
    public DateTimeOffset? RoutineHeldUntil => _hold.HeldUntil;

    /// <summary>Which path carries events.</summary>
    public LinkState LinkState => _router.State;

    /// <summary>The configured paths, primary first.</summary>
    public IEnumerable<UplinkPath> Paths => _paths.Select(p => p.Path);

    /// <summary>How many times a connection was established, over all paths.</summary>
    public long Connects => _paths.Sum(p => p.Connects);

    /// <summary>Connection attempts over <paramref name="role"/> since start, successful or not: a technician sees a link that keeps trying.</summary>
    public long AttemptsOf(PathRole role) => Path(role).Attempts;

    /// <summary>Why the last connect over <paramref name="role"/> failed or its link was dropped, or null.</summary>
    public string? LastErrorOf(PathRole role) => Path(role).LastError;

    /// <summary>Health of <paramref name="role"/>'s path, as the path's link reports it.</summary>
    public PathHealth HealthOf(PathRole role) => Path(role).Health;

    /// <summary>Runs supervision of every path, delivery and ack handling until <paramref name="cancellationToken"/> fires; then says goodbye (retained offline).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = _paths.Select(p => p.SuperviseAsync(stop.Token)).Append(_delivery.RunAsync(stop.Token)).Append(_acks.RunAsync(stop.Token)).ToArray();
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

            _router.Stop();

            // The run's token has fired by now; the goodbye is bounded by its own deadline instead.
            await Task.WhenAll(_paths.Select(p => p.GoodbyeAsync(CancellationToken.None))).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a routine hold now (the gateway is about to power off on its battery's reserve): held reports go at once.</summary>
    public void ReleaseRoutineHold()
    {
        _hold.Release();
        _delivery.Wake();
    }

    /// <summary>Publishes a command reply (QoS 1, not retained) on the path in use.</summary>
    /// <exception cref="InvalidOperationException">No path is connected.</exception>
    public Task PublishReplyAsync(byte[] payload, CancellationToken cancellationToken) => _commands.PublishReplyAsync(payload, cancellationToken);

    private PathLink Path(PathRole role) => _paths.FirstOrDefault(p => p.Path.Role == role) ?? throw new ArgumentException($"no {role} path is configured", nameof(role));

    private IMqttClient? ActiveClient() => _router.ActiveClient();

    private void AddLinkStates(Dictionary<string, string> states)
    {
        _router.AddStates(states);

        // The centre sees why a home's routine reports come late: they wait on purpose, not on a broken link.
        if (_hold.HeldUntil is { } until)
        {
            states["routine.held_until"] = until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private void KickAll()
    {
        foreach (var p in _paths)
        {
            p.Kick();
        }
    }
}
