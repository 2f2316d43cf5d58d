using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Path routing and failover: feeds each link's health changes to the <see cref="LinkStateMachine"/>, holds a returning
/// primary for <see cref="UplinkOptions.FailBackHold"/> before events go back to it, names the client that carries
/// events, and reports each path's loss and return as an event.
/// </summary>
internal sealed partial class PathRouter
{
    private readonly PathLink[] _paths;
    private readonly bool _reportPaths;
    private readonly IOutboxWriter _outbox;
    private readonly CareEventFactory _boot;
    private readonly UplinkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LinkStateMachine _machine = new();
    private readonly Lock _lock = new();

    // The health as routing has processed it: decisions must agree with the triggers already fired, even while a
    // link's own health has moved on and its report is still on the way here.
    private readonly PathHealth[] _routed;
    private readonly RoutineHold _hold;
    private ITimer? _failBackTimer;
    private bool _anyUp;
    private DateTimeOffset? _allDownSince;

    // hold: told how long no path was up each time one comes back, so an outage's end spreads the routine backlog.
    public PathRouter(PathLink[] paths, bool reportPaths, IOutboxWriter outbox, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time, RoutineHold hold)
    {
        _hold = hold;
        _paths = paths;
        _reportPaths = reportPaths;
        _outbox = outbox;
        _boot = boot;
        _options = options;
        _logger = logger;
        _time = time;

        // No path is up before the first connect either: a gateway that boots into a regional outage (a power cut
        // without a UPS, the network still down) and waits past the threshold joins the same storm when it ends.
        _allDownSince = time.GetUtcNow();
        _routed = [.. paths.Select(_ => PathHealth.Unknown)];
        foreach (var p in paths)
        {
            p.HealthChanged += OnHealthChanged;
        }
    }

    /// <summary>Raised after each successful connect of any path.</summary>
    public event Action? Connected;

    /// <summary>Raised when the first path comes up (true) or the last one goes down (false).</summary>
    public event Action<bool>? AnyPathUpChanged;

    /// <summary>Raised after the state machine moved.</summary>
    public event Action<LinkState>? LinkStateChanged;

    /// <summary>Raised after any routing change: the deliverer looks again at which client carries events.</summary>
    public event Action? Changed;

    public bool AnyUp
    {
        get
        {
            lock (_lock)
            {
                return _anyUp;
            }
        }
    }

    public LinkState State
    {
        get
        {
            lock (_lock)
            {
                return _machine.State;
            }
        }
    }

    /// <summary>The connected client of the path that carries events, or null.</summary>
    public IMqttClient? ActiveClient()
    {
        lock (_lock)
        {
            return _machine.State switch
            {
                LinkState.Primary => _paths[0].Client,
                LinkState.Secondary or LinkState.FailingBack => _paths[^1].Client,
                _ => null,
            };
        }
    }

    /// <summary>Adds the link state and each path's health to heartbeat <paramref name="states"/>.</summary>
    public void AddStates(Dictionary<string, string> states)
    {
        lock (_lock)
        {
            states["link"] = _machine.State.ToString().ToLowerInvariant();
            foreach (var p in _paths)
            {
                states[$"path.{p.Path.Name}"] = p.Health.ToString().ToLowerInvariant();
            }
        }
    }

    /// <summary>Cancels a pending fail-back hold (the uplink stops).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _failBackTimer?.Dispose();
            _failBackTimer = null;
        }
    }

    private void OnHealthChanged(PathLink path, PathHealth now, string? reason)
    {
        var changes = new List<LinkState>();
        bool? anyChanged = null;
        CareEventKind? report = null;
        var up = now == PathHealth.Up;
        lock (_lock)
        {
            var index = Array.IndexOf(_paths, path);
            var was = _routed[index];
            if (was == now)
            {
                return;
            }

            _routed[index] = now;
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

            var any = _routed.Any(h => h == PathHealth.Up);
            if (any != _anyUp)
            {
                _anyUp = any;
                anyChanged = any;

                // Under the lock that also names the client carrying events: a deliverer that sees the new client
                // sees the hold too, so no routine event slips out before it.
                var at = _time.GetUtcNow();
                if (!any)
                {
                    _allDownSince = at;
                }
                else if (_allDownSince is { } since)
                {
                    _allDownSince = null;
                    _hold.AfterOutage(at - since);
                }
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
                if (_routed[0] == PathHealth.Up)
                {
                    next = _machine.Fire(LinkTrigger.PrimaryUp);
                }
                else if (_paths.Length == 2 && _routed[1] == PathHealth.Up)
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
        lock (_lock)
        {
            if (_machine.State != LinkState.FailingBack || _routed[0] != PathHealth.Up)
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

        Changed?.Invoke();
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

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Uplink path state is now {State}")]
    private static partial void LogLinkState(ILogger logger, string state);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Uplink path state machine refused trigger {Trigger} in state {State}; staying in {State}")]
    private static partial void LogIllegalTransition(ILogger logger, string state, string trigger);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Path event {Kind} could not be stored: {Reason}")]
    private static partial void LogPathEventNotStored(ILogger logger, string kind, string reason);
}
