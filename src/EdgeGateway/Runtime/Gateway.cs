using System.Diagnostics;
using EdgeGateway.Contract;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Runtime;

/// <summary>
/// The running gateway: the home's local alarm loop (armed first, never waiting for network or disk), the outbox
/// that takes the loop's events, and the uplink that delivers them and hands the centre's acks back to the loop.
/// </summary>
internal sealed partial class Gateway : IAsyncDisposable, IRunningGateway
{
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _dataDir;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Part, Task Task)> _tasks = [];
    private readonly List<(string Part, Func<ValueTask> Stop)> _attached = [];
    private ITimer? _healthTimer;
    private GracefulShutdown? _shutdown;
    private int _disposed;
    private int _reportingHealth;

    /// <summary>Assembles the parts <c>GatewayBuilder</c> built; the gateway owns them from here.</summary>
    internal Gateway(Home home, SqliteOutbox outbox, ReliableUplink uplink, string dataDir, ILogger logger, TimeProvider time)
    {
        Home = home;
        Outbox = outbox;
        Uplink = uplink;
        _dataDir = dataDir;
        _logger = logger;
        _time = time;
    }

    public Home Home { get; }

    public SqliteOutbox Outbox { get; }

    public ReliableUplink Uplink { get; }

    public bool UplinkConnected => Uplink.AnyPathUp;

    public long OutboxDepth => Outbox.Depth;

    public DateTimeOffset? RoutineHeldUntil => Uplink.RoutineHeldUntil;

    public IReadOnlyList<UplinkPathStatus> UplinkPaths
    {
        get
        {
            var state = Uplink.LinkState;
            return [.. Uplink.Paths.Select(p =>
            {
                var carries = p.Role == PathRole.Primary ? state == LinkState.Primary : state is LinkState.Secondary or LinkState.FailingBack;
                var health = Uplink.HealthOf(p.Role);
                var error = Uplink.LastErrorOf(p.Role);
                var detail = health switch
                {
                    PathHealth.Up => carries ? "connected, carries the events" : "connected, standing by",
                    PathHealth.Down => $"down: {error ?? "no connection"}",
                    _ => error is null ? "connecting" : $"connecting ({Uplink.AttemptsOf(p.Role)} attempts); last try: {error}",
                };
                return new UplinkPathStatus($"{p.Name} ({p.Endpoint})", health == PathHealth.Up, detail);
            })];
        }
    }

    event Func<EventAck, Task>? IRunningGateway.AckReceived
    {
        add => Uplink.AckReceived += value;
        remove => Uplink.AckReceived -= value;
    }

    /// <summary>Age of the oldest event the centre has not acknowledged (refreshed with the health file).</summary>
    public TimeSpan? OldestPendingAge { get; private set; }

    /// <summary>Milliseconds from process start until the alarm loop was armed.</summary>
    public long ArmedAfterMs { get; private set; }

    /// <summary>Stops <paramref name="stop"/> when the gateway stops, after its own tasks (a part attached from outside, such as the command intake).</summary>
    internal void StopWith(string part, Func<ValueTask> stop) => _attached.Add((part, stop));

    /// <summary>Whether <see cref="StartAsync"/> starts the accelerometers (see <c>GatewayBuilder.SampleOnStart</c>).</summary>
    public bool SampleOnStart { get; init; } = true;

    /// <summary>Arms the local alarm loop and returns once it takes inputs; then starts sampling, storing and delivering.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _tasks.Add(("alarm loop", StartLoop(Home.Loop, _time, out var loopPriority, _stop.Token)));
        await Home.Loop.Armed.WaitAsync(cancellationToken).ConfigureAwait(false);
        var runsAt = loopPriority();
        LogLoopThread(_logger, runsAt);
        using (var self = Process.GetCurrentProcess())
        {
            ArmedAfterMs = (long)(_time.GetUtcNow() - self.StartTime.ToUniversalTime()).TotalMilliseconds;
        }

        LogArmed(_logger, ArmedAfterMs);
        if (SampleOnStart)
        {
            Home.StartSampling();
        }

        if (Home.Power is { } power)
        {
            _shutdown = new GracefulShutdown(power, Home.Loop, Outbox, Uplink, Home.Config.Devices.Power!, _logger, _time);
            power.Start();
        }

        // When no path to the centre works, a raised alarm sounds as undeliverable: the resident is never left in silence.
        Home.Loop.TrySetUplinkState(Uplink.AnyPathUp);
        Uplink.AnyPathUpChanged += up => Home.Loop.TrySetUplinkState(up);
        Uplink.AckArrived += ack =>
        {
            // Every event is acked for delivery; an active alarm's ack makes it delivered ("received"), never taken:
            // only a person's alarm.acknowledge says help is coming. Taken as it arrives, not after the outbox commit, so
            // a take the centre sent after its ack reaches the loop after the ack (the loop accepts either order).
            if (Home.Loop.ActiveAlarms.Any(a => a.Id == ack.EventId))
            {
                Home.Loop.TryMarkDelivered(ack.EventId, ack.By);
            }
        };
        _tasks.Add(("outbox pump", OutboxPump.RunAsync(Home.Loop.Outbound, Outbox, _logger, _time, _stop.Token)));
        _tasks.Add(("uplink", Uplink.RunAsync(_stop.Token)));
        _healthTimer = _time.CreateTimer(_ => ReportHealth(), null, TimeSpan.Zero, HealthInterval);
    }

    /// <summary>
    /// Runs <paramref name="loop"/> on the system clock on a thread of its own at the alarm path's real-time priority
    /// (a press wakes the debounce thread and this one, nothing else); on any other clock (tests, the demo's scenario
    /// clock) on the thread pool, as the clock's timers are. <paramref name="priority"/> tells, once armed, what it got.
    /// </summary>
    internal static Task StartLoop(Core.Loop.AlarmLoop loop, TimeProvider time, out Func<string> priority, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(time, TimeProvider.System))
        {
            priority = () => "on the thread pool (not the system clock)";
            return loop.RunAsync(cancellationToken);
        }

        string outcome = "starting";
        priority = () => Volatile.Read(ref outcome);
        return loop.RunOnDedicatedThread(
            () =>
            {
                Devices.ThreadPriorities.TryRealtime(Devices.ThreadPriorities.AlarmPathRealtime, out var got);
                Volatile.Write(ref outcome, $"on its own thread at {got}");
            },
            cancellationToken);
    }

    /// <summary>Completes when the gateway stops (or one of its parts fails).</summary>
    public Task Completion => Task.WhenAny(_tasks.Select(t => t.Task));

    // A timer callback: reporting health must never take the gateway down, whatever goes wrong in it.
#pragma warning disable CA1031
    private async void ReportHealth()
    {
        // A tick while the last report still runs (a slow disk; the demo's fast clock) is skipped: two writers would
        // fight over the one temp file, and the next tick reports the newer state anyway.
        if (Interlocked.Exchange(ref _reportingHealth, 1) == 1)
        {
            return;
        }

        try
        {
            OldestPendingAge = await Outbox.OldestPendingAgeAsync(_stop.Token).ConfigureAwait(false);
            var connected = Uplink.AnyPathUp;
            HealthFile.Write(_dataDir, new HealthSnapshot(Home.Loop.IsArmed, VersionInfo.Running, connected, Outbox.Depth, _time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            LogHealthFileFailed(_logger, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _reportingHealth, 0);
        }
    }
#pragma warning restore CA1031

    public async ValueTask DisposeAsync()
    {
        // The demo stops its gateway before removing the data dir, and again on the way out: only the first stops it.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Every step runs whatever the one before it threw, and a part that failed while running is logged here with
        // why: what the loop holds is still stored and the outbox still closed, so a failing gateway loses no event.
        var teardown = new Teardown(_logger);
        if (_healthTimer is { } healthTimer)
        {
            await teardown.StepAsync("health timer", healthTimer.DisposeAsync).ConfigureAwait(false);
        }

        if (_shutdown is { } shutdown)
        {
            await teardown.StepAsync("low-battery shutdown", shutdown.DisposeAsync).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var (part, task) in _tasks)
        {
            await teardown.StepAsync(part, async () =>
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }).ConfigureAwait(false);
        }

        foreach (var (part, stop) in _attached)
        {
            await teardown.StepAsync(part, stop).ConfigureAwait(false);
        }

        // What the loop produced but the pump had not stored yet is stored now: a stop or a config rebuild loses no event.
        while (Home.Loop.Outbound.TryRead(out var pending))
        {
            try
            {
                await Outbox.AcceptAsync(pending, CancellationToken.None).ConfigureAwait(false);
            }
            catch (OutboxStorageException ex)
            {
                LogUnstoredAtStop(_logger, pending.Id, ex.Message);
            }
        }

        await teardown.StepAsync("outbox", Outbox.DisposeAsync).ConfigureAwait(false);
        teardown.Step("home", Home.Dispose);
        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Alarm loop armed {ArmedAfterMs} ms after process start; outputs in their safe state")]
    private static partial void LogArmed(ILogger logger, long armedAfterMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Alarm loop runs {Priority}")]
    private static partial void LogLoopThread(ILogger logger, string priority);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Critical, Message = "Event {EventId} could not be stored while stopping: {Reason}")]
    private static partial void LogUnstoredAtStop(ILogger logger, Guid eventId, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Could not write health.json: {Reason}")]
    private static partial void LogHealthFileFailed(ILogger logger, string reason);
}
