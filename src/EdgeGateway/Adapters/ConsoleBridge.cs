using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Wearable;
using EdgeGateway.Runtime;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.Adapters;

/// <summary>
/// The console's view of the running gateway: status, live sensors, test alarm, alarms, log, config. When a new config
/// rebuilds the home, <see cref="Rebind"/> moves the bridge to it, so a console session (and a running watch) goes on.
/// </summary>
internal sealed class ConsoleBridge : IGatewayStatus, ISensorDirectory, ITestAlarm, IAlarmControl, ICommissioningRecord, IMainsInput, IDisposable
{
    private readonly IClockSyncStatus _clock;
    private readonly ConcurrentDictionary<string, SensorValue> _last = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _subscribers = new(StringComparer.Ordinal);
    private readonly Lock _bindLock = new();
    private volatile ImmutableMainsHandlers _mainsHandlers = new([]);
    private volatile IRunningGateway _gateway;
    private volatile IReadOnlyList<SensorInfo> _sensors;
    private readonly TimeProvider _time;
    private int _alarmsRaised;

    /// <summary>Binds the console to <paramref name="gateway"/> (and, through <see cref="Rebind"/>, to the homes that replace it).</summary>
    /// <param name="gateway">The running gateway.</param>
    /// <param name="clock">The clock's sync state, for status.</param>
    /// <param name="time">The clock pairing's timeouts run on; the system's unless a test gives one.</param>
    public ConsoleBridge(IRunningGateway gateway, IClockSyncStatus clock, TimeProvider? time = null)
    {
        _gateway = gateway;
        _clock = clock;
        _time = time ?? TimeProvider.System;
        _sensors = SensorsOf(gateway);
        gateway.Home.Loop.Happened += OnHappening;
        if (gateway.Home.Power is { } power)
        {
            power.ReadingTaken += OnPowerReading;
        }
    }

    /// <summary>The services for a <see cref="TechnicianConsole.ConsoleServer"/> over this gateway; <paramref name="applyNotice"/> tells when an applied config is in force.</summary>
    public ConsoleServices Services(ConfigStore store, string dataDir, ILogTail log, string applyNotice)
    {
        _updateState = Updates.UpdateState.PathIn(dataDir);
        return new()
        {
            Status = this,
            Sensors = this,
            TestAlarm = this,
            Alarms = this,
            Log = log,
            Config = new ConsoleConfigEditor(store, applyNotice),
            Audit = new FileAuditLog(Path.Combine(dataDir, "audit.log")),
            Commissioning = this,
            Mains = this,

            // Read through _gateway at each call: a config apply (e.g. the address wearable pair wrote) rebuilds the home.
            Wearable = new ConsoleWearable(() => _gateway.Home.Wearable, () => _gateway.Home.Config.Devices.Wearable?.ButtonSensorId, () => _gateway.Home.Config.Simulated, new BlueZPairing(null, _time)),
        };
    }

    /// <summary>The technician's commissioning record, as one info event through the loop and the outbox like any other.</summary>
    public Task<Guid> SendAsync(CommissioningReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return _gateway.Home.Loop.EmitInfoAsync(CareEventKind.Commissioned, report.Summary, report.ToEventData(), cancellationToken);
    }

    /// <summary>Follows the home rebuilt from a new config: its sensors, its loop, its uplink.</summary>
    public void Rebind(IRunningGateway gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        lock (_bindLock)
        {
            _gateway.Home.Loop.Happened -= OnHappening;
            if (_gateway.Home.Power is { } old)
            {
                old.ReadingTaken -= OnPowerReading;
            }

            _last.Clear();
            _sensors = SensorsOf(gateway);
            _gateway = gateway;
            gateway.Home.Loop.Happened += OnHappening;
            if (gateway.Home.Power is { } power)
            {
                power.ReadingTaken += OnPowerReading;
            }
        }
    }

    public void Dispose()
    {
        lock (_bindLock)
        {
            _gateway.Home.Loop.Happened -= OnHappening;
            if (_gateway.Home.Power is { } power)
            {
                power.ReadingTaken -= OnPowerReading;
            }
        }
    }

    /// <summary>Why the gateway runs another config than the one it was given (a start that fell back); shown by status while set.</summary>
    public string? ConfigNotice { get; set; }

    // The updater's state file (set with the console's services): status shows the last update from the centre and how it ended.
    private string? _updateState;

    /// <summary>The home's power source, e.g. "DC-UPS signals: AC-OK on GPIO26"; null when it has none.</summary>
    public string? Description => _gateway.Home.Power?.Description;

    /// <summary>Mains as the source last read it (not settled); null before the first reading or when unreadable.</summary>
    public bool? MainsPresent => _gateway.Home.Power?.State.Reading.Supply switch
    {
        Core.Power.PowerSupply.Mains => true,
        Core.Power.PowerSupply.Battery => false,
        _ => null,
    };

    /// <summary>Each reading of the mains input until disposed (the console's <c>test mains</c>).</summary>
    IDisposable IMainsInput.Subscribe(Action<bool> onReading)
    {
        ArgumentNullException.ThrowIfNull(onReading);
        lock (_bindLock)
        {
            _mainsHandlers = new([.. _mainsHandlers.Handlers, onReading]);
        }

        return new Unsubscriber(() =>
        {
            lock (_bindLock)
            {
                _mainsHandlers = new([.. _mainsHandlers.Handlers.Where(h => h != onReading)]);
            }
        });
    }

    private void OnPowerReading(Core.Power.PowerStatus reading)
    {
        if (reading.Supply is Core.Power.PowerSupply.Unknown)
        {
            return;
        }

        foreach (var handler in _mainsHandlers.Handlers)
        {
            handler(reading.Supply == Core.Power.PowerSupply.Mains);
        }
    }

    private static IReadOnlyList<SensorInfo> SensorsOf(IRunningGateway gateway) =>
        [.. gateway.Home.Config.EffectiveRules.Sensors.Select(s => new SensorInfo(s.Id, s.Kind, Describe(s.Kind), null))];

    public GatewayStatusSnapshot GetStatus()
    {
        var gateway = _gateway;
        var home = gateway.Home;
        return new GatewayStatusSnapshot(
            home.Events.GatewayId,
            VersionInfo.Running,
            home.Events.Uptime,
            _clock.IsSynchronised,
            gateway.UplinkPaths,
            (int)Math.Min(int.MaxValue, gateway.OutboxDepth),
            gateway.OldestPendingAge,
            Volatile.Read(ref _alarmsRaised))
        {
            RoutineHeldUntil = gateway.RoutineHeldUntil,
            Health = [.. ConfigNotice is { } notice ? [new("config", false, notice)] : Array.Empty<HealthStatus>(), .. UpdateHealth(), .. GatewayStates.Health(home)],
        };
    }

    /// <summary>The last update from the centre as a status line: on trial, kept, or rolled back with the reason (a fault until a later update succeeds).</summary>
    private IEnumerable<HealthStatus> UpdateHealth()
    {
        if (_updateState is null || Updates.UpdateState.Read(_updateState) is not { } u)
        {
            yield break;
        }

        var since = DateTimeOffset.FromUnixTimeSeconds(u.SwitchedAt).ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        yield return u.Phase switch
        {
            Updates.UpdatePhase.Trial => new HealthStatus("update", true, $"{u.Version} on trial since {since}: its health gate ({u.GateSeconds} s) decides; {u.FromVersion} kept to go back to"),
            Updates.UpdatePhase.Committed => new HealthStatus("update", true, $"{u.Version} since {since}, health gate passed; {u.FromVersion} kept"),
            _ => new HealthStatus("update", false, $"{u.Version} rolled back to {u.FromVersion} ({u.Stage}): {u.Reason}"),
        };
    }

    public IReadOnlyList<SensorInfo> List() =>
        [.. _sensors.Select(s => s with { Last = _last.GetValueOrDefault(s.SensorId) ?? Seen(s.SensorId) })];

    private SensorValue? Seen(string sensorId) =>
        _gateway.Home.LastReadings.TryGetValue(sensorId, out var reading) ? SensorValue.From(reading) : null;

    public IDisposable Subscribe(string sensorId, Action<SensorValue> onValue)
    {
        _subscribers.AddOrUpdate(sensorId, _ => new([onValue]), (_, s) => new([.. s.Handlers, onValue]));
        return new Unsubscriber(() => _subscribers.AddOrUpdate(sensorId, _ => new([]), (_, s) => new([.. s.Handlers.Where(h => h != onValue)])));
    }

    public Task<TestAlarmResult> SendAsync(TestAlarmRequest request, CancellationToken cancellationToken) =>
        SendTestAlarmAsync(_gateway, request, cancellationToken);

    /// <summary>Raises a test alarm on <paramref name="gateway"/>'s loop and, when asked, waits for the centre's acknowledgement of its event.</summary>
    internal static async Task<TestAlarmResult> SendTestAlarmAsync(IRunningGateway gateway, TestAlarmRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var by = string.IsNullOrWhiteSpace(request.Message) ? request.By : $"{request.By}: {request.Message}";
        if (!request.AwaitCentreAck)
        {
            return TestAlarmResult.Raised(await gateway.Home.Loop.RaiseTestAlarmAsync(by, cancellationToken).ConfigureAwait(false));
        }

        // Acks may race the id's return from the loop: remember every ack until the id is known.
        var seen = new ConcurrentDictionary<Guid, byte>();
        var raised = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task OnAck(EventAck ack)
        {
            seen[ack.EventId] = 0;
            if (raised.Task.IsCompletedSuccessfully && raised.Task.Result == ack.EventId)
            {
                acked.TrySetResult();
            }

            return Task.CompletedTask;
        }

        var started = Stopwatch.GetTimestamp();
        gateway.AckReceived += OnAck;
        Guid? id = null;
        try
        {
            id = await gateway.Home.Loop.RaiseTestAlarmAsync(by, cancellationToken).ConfigureAwait(false);
            raised.SetResult(id.Value);
            if (seen.ContainsKey(id.Value))
            {
                acked.TrySetResult();
            }

            await acked.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return TestAlarmResult.Delivered(id.Value, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException)
        {
            var why = gateway.UplinkConnected ? "the centre did not acknowledge in time" : "no uplink path to the centre works";
            return TestAlarmResult.Failed($"{why}; the test alarm stays in the outbox and will be delivered", id);
        }
        finally
        {
            gateway.AckReceived -= OnAck;
        }
    }

    IReadOnlyList<AlarmSummary> IAlarmControl.List() =>
        [.. _gateway.Home.Loop.ActiveAlarms.Select(a => new AlarmSummary(a.Id.ToString(), $"{a.Event.Spec.TypeName} {a.Event.SensorId}: {a.Event.Message}", a.State.ToWire(), a.Event.Time.Wall))];

    public bool TryReset(string id, string actor, out string? error)
    {
        var loop = _gateway.Home.Loop;
        var matches = loop.ActiveAlarms.Where(a => a.Id.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count != 1)
        {
            error = matches.Count == 0 ? $"no active alarm with id {id}; see 'alarm list'" : $"id {id} matches {matches.Count} alarms; give more of it";
            return false;
        }

        if (!matches[0].Event.Spec.Cancellable)
        {
            error = $"{matches[0].Event.Spec.TypeName} cannot be reset at the gateway; only the centre can clear it, once the detector has released";
            return false;
        }

        error = null;
        return loop.TryClear(matches[0].Id, ClearReason.LocalReset) || Fail("the alarm loop is busy; try again", out error);
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    private void OnHappening(LoopHappening h)
    {
        if (h.Kind == LoopHappeningKind.AlarmRaised)
        {
            Interlocked.Increment(ref _alarmsRaised);
        }

        if (h is { Kind: LoopHappeningKind.Reading, Reading: { } reading })
        {
            var value = SensorValue.From(reading);
            _last[reading.SensorId] = value;
            if (_subscribers.TryGetValue(reading.SensorId, out var subs))
            {
                foreach (var handler in subs.Handlers)
                {
                    handler(value);
                }
            }
        }
    }

    private static string Describe(SensorKind kind) => kind switch
    {
        SensorKind.DoorContact => "door contact (open/closed)",
        SensorKind.BedMat => "bed mat (occupied/empty)",
        SensorKind.ChairMat => "chair mat (occupied/empty)",
        SensorKind.HelpButton => "pull cord / help button",
        SensorKind.FlowMeter => "water-flow meter (L/min, total L)",
        SensorKind.Accelerometer => "accelerometer for fall detection",
        SensorKind.SmokeDetector => "smoke detector relay (fire alarm; not resettable here)",
        SensorKind.SmokeDetectorFault => "smoke detector fault/tamper output",
        SensorKind.MedicationDispenser => "medication dispenser alarm output (missed dose)",
        SensorKind.DispenserFault => "medication dispenser fault output",
        SensorKind.StoveGuard => "stove guard alarm output (stove switched off)",
        SensorKind.StoveGuardFault => "stove guard fault output",
        SensorKind.Motion => "PIR motion sensor (motion/no motion; activity)",
        _ => kind.ToString(),
    };

    private sealed record ImmutableSubscribers(Action<SensorValue>[] Handlers);

    private sealed record ImmutableMainsHandlers(Action<bool>[] Handlers);

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
