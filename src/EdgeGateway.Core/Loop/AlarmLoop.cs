using System.Globalization;
using System.Threading.Channels;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Loop;

/// <summary>
/// The local alarm loop: one thread of control that turns readings into alarms and drives the buzzer and LED.
/// </summary>
/// <remarks>
/// It never waits for the network or the disk: inputs arrive through a bounded channel written with TryWrite
/// and events leave through an unbounded channel that the uplink drains at its own pace, so a stalled uplink
/// can only grow that queue, never delay a buzzer.
/// <para>
/// After every input it sets the buzzer and LED from <see cref="OutputPolicy"/>, the one table of which pattern wins.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The wake-up event never reads its WaitHandle, so it holds no kernel handle to release.")]
public sealed partial class AlarmLoop : IRuleContext
{
    private readonly CareEventFactory _events;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ICareRule> _rules;
    private readonly IBuzzer _buzzer;
    private readonly IStatusLed _led;
    private readonly Channel<LoopInput> _inputs;
    private readonly Channel<CareEvent> _outbound = Channel.CreateUnbounded<CareEvent>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly AlarmRegistry _alarms = new();
    private readonly ILocalWarningRule[] _warningRules;
    private readonly ClearGuards _clearGuards;
    private readonly FaultTracker _faults = new();
    private long _droppedInputs;
    private long _lastTurnTimestamp;
    private long _answeredProbe;
    private bool _armed;
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly TaskCompletionSource _armedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _uplinkUp = true;

    /// <summary>Creates the loop; call <see cref="RunAsync"/> to start it.</summary>
    public AlarmLoop(
        CareEventFactory events,
        TimeProvider time,
        IReadOnlyList<ICareRule> rules,
        IBuzzer buzzer,
        IStatusLed led,
        int inputCapacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(buzzer);
        ArgumentNullException.ThrowIfNull(led);
        _events = events;
        _time = time;
        _rules = rules;
        _buzzer = buzzer;
        _led = led;
        _warningRules = rules.OfType<ILocalWarningRule>().ToArray();
        _clearGuards = new ClearGuards(rules, (guard, call) => Guard(guard, _ => call()));
        _inputs = Channel.CreateBounded<LoopInput>(new BoundedChannelOptions(inputCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _lastTurnTimestamp = time.GetTimestamp();
    }

    /// <summary>Raised on the loop's thread for every happening; handlers must be quick and must not throw.</summary>
    public event Action<LoopHappening>? Happened;

    /// <summary>Events to send, in the order they were raised. The uplink drains it; the loop never waits for it.</summary>
    public ChannelReader<CareEvent> Outbound => _outbound.Reader;

    /// <summary>Alarms not yet cleared (a snapshot, safe from any thread).</summary>
    public IReadOnlyList<Alarm> ActiveAlarms => _alarms.Snapshot;

    /// <summary>Why the centre may not clear <paramref name="alarmId"/> right now (a fire whose detector still reports smoke), or null; safe from any thread.</summary>
    public string? CentreClearRefusal(Guid alarmId) => _clearGuards.CentreHold(alarmId);

    /// <summary>Inputs refused because the input queue was full (should stay zero).</summary>
    public long DroppedInputs => Interlocked.Read(ref _droppedInputs);

    /// <summary>Time since the loop last finished handling an input; the watchdog pets only while this stays small.</summary>
    public TimeSpan SinceLastTurn => _time.GetElapsedTime(Interlocked.Read(ref _lastTurnTimestamp));

    /// <inheritdoc />
    public EventTime Now => _events.Now();

    /// <summary>Queues a reading without waiting; false if the queue is full.</summary>
    public bool TryPost(SensorReading reading) => Enqueue(new ReadingInput(reading));

    /// <summary>Queues the centre's receipt ack of an alarm's event: delivered, not yet taken on by a person.</summary>
    public bool TryMarkDelivered(Guid alarmId, string by) =>
        Enqueue(new DeliveredInput(alarmId, by));

    /// <summary>Queues the centre's <c>alarm.acknowledge</c>: operator <paramref name="by"/> has taken the alarm on.</summary>
    public bool TryTake(Guid alarmId, string by) =>
        Enqueue(new TakeInput(alarmId, by));

    /// <summary>Queues a clear of an alarm (local reset or centre).</summary>
    public bool TryClear(Guid alarmId, ClearReason reason) =>
        Enqueue(new ClearInput(alarmId, reason));

    /// <summary>Queues a fall detection (from the fall detector or any other source) for the fall rule.</summary>
    public bool TryPostFall(string sensorId, double confidence, IReadOnlyDictionary<string, string>? features = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sensorId);
        return Enqueue(new FallInput(new FallSignal(sensorId, confidence, features, Now)));
    }

    /// <summary>Queues a technical event (sensor silent/faulted/flapping/restored, mains, uplink paths) to send and show on the LED.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not a technical event.</exception>
    public bool TryPostTechnical(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null)
    {
        if (CareEventCatalog.Get(kind).Class != EventClass.Technical)
        {
            throw new ArgumentException($"{kind} is {CareEventCatalog.Get(kind).Class}, not a technical event", nameof(kind));
        }

        return Enqueue(new TechnicalInput(kind, sensorId, message, data));
    }

    /// <summary>
    /// Queues the notice that the gateway is powering off on low battery: sent with an alarm's priority, since the home is
    /// unprotected from then on, but without a local alarm (nobody at home can act on it; the buzzer stays as it is).
    /// </summary>
    public bool TryPostShutdownNotice(string message) => Enqueue(new ShutdownNoticeInput(message));

    /// <summary>Queues an info event from outside the rules (the technician's commissioning record); completes with its id.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not an info event.</exception>
    public Task<Guid> EmitInfoAsync(CareEventKind kind, string message, IReadOnlyDictionary<string, string>? data, CancellationToken cancellationToken = default)
    {
        if (CareEventCatalog.Get(kind).Class != EventClass.Info)
        {
            throw new ArgumentException($"{kind} is {CareEventCatalog.Get(kind).Class}, not an info event", nameof(kind));
        }

        var emitted = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(new InfoInput(kind, message, data, emitted)))
        {
            emitted.SetException(new InvalidOperationException("the alarm loop's input queue is full"));
        }

        return emitted.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues the uplink's verdict: false when no path to the centre works, so a raised alarm sounds as undeliverable.</summary>
    public bool TrySetUplinkState(bool anyPathUp) => Enqueue(new UplinkInput(anyPathUp));

    /// <summary>
    /// Raises a test alarm on the loop (technician or centre), sent end to end like any alarm; it clears itself once the
    /// centre has it (delivered, or taken), so a test never leaves the buzzer sounding. Completes with the alarm's id.
    /// </summary>
    public Task<Guid> RaiseTestAlarmAsync(string by, CancellationToken cancellationToken = default) =>
        RaiseTest(new TestAlarmInput(CareEventKind.TestAlarm, by, $"test alarm from {by}", new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously)), cancellationToken);

    private Task<Guid> RaiseTest(TestAlarmInput input, CancellationToken cancellationToken)
    {
        var raised = input.Raised;
        if (!Enqueue(input))
        {
            raised.SetException(new InvalidOperationException("the alarm loop's input queue is full"));
        }

        return raised.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues a liveness probe; once the loop has handled it, <see cref="AnsweredProbe"/> equals <paramref name="token"/>.</summary>
    /// <remarks>The watchdog pets systemd only while probes come back: proof that the loop turns, not just that the process lives.</remarks>
    public bool TryProbe(long token) => Enqueue(new ProbeInput(token));

    /// <summary>The token of the last probe the loop handled (0 before any).</summary>
    public long AnsweredProbe => Interlocked.Read(ref _answeredProbe);

    /// <summary>True once <see cref="RunAsync"/> has put the outputs in their safe state and is taking inputs.</summary>
    public bool IsArmed => Volatile.Read(ref _armed);

    /// <summary>Completes when the loop is first armed, so start-up can wait for it instead of polling.</summary>
    public Task Armed => _armedOnce.Task;

    /// <summary>Runs the loop until <paramref name="cancellationToken"/> fires; outputs go to their safe state first.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Arm();
        try
        {
            await foreach (var input in _inputs.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                Turn(input);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Disarm();
        }
    }

    /// <summary>
    /// Runs the loop as <see cref="RunAsync"/> does, on a thread of its own; <paramref name="threadStarted"/> runs on it
    /// first (to raise its scheduling priority). Completes when the loop ends.
    /// </summary>
    /// <remarks>
    /// A reading posted from a device thread then wakes exactly this thread; on the thread pool the channel's
    /// continuation waits for a pool worker, a second wake-up that a loaded CPU delays by a whole scheduler slice.
    /// </remarks>
    public Task RunOnDedicatedThread(Action? threadStarted, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    threadStarted?.Invoke();
                    RunBlocking(cancellationToken);
                    done.TrySetResult();
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                }
            },
            maxStackSize: 1024 * 1024)
        { IsBackground = true, Name = "alarm loop" };
        thread.Start();
        return done.Task;
    }

    private void RunBlocking(CancellationToken cancellationToken)
    {
        Arm();
        try
        {
            while (true)
            {
                // Reset before draining: a post after the last TryRead has set it again, so no wake-up is missed.
                _wake.Reset();
                while (!cancellationToken.IsCancellationRequested && _inputs.Reader.TryRead(out var input))
                {
                    Turn(input);
                }

                _wake.Wait(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Disarm();
        }
    }

    private void Arm()
    {
        _buzzer.Set(BuzzerPattern.Off);
        _led.Set(LedPattern.Heartbeat);
        foreach (var rule in _rules)
        {
            if (rule is IStartableRule startable)
            {
                Guard(rule, startable.OnStart);
            }
        }

        UpdateOutputs();
        Volatile.Write(ref _armed, true);
        _armedOnce.TrySetResult();
    }

    private void Turn(LoopInput input)
    {
        Handle(input);
        UpdateOutputs();
        _clearGuards.PublishCentreHolds(_alarms);
        Interlocked.Exchange(ref _lastTurnTimestamp, _time.GetTimestamp());
    }

    private void Disarm()
    {
        Volatile.Write(ref _armed, false);
        _outbound.Writer.TryComplete();
    }

    /// <inheritdoc />
    public Alarm RaiseAlarm(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null, int? priority = null)
    {
        var evt = _events.Create(kind, sensorId, message, data, priority: priority);
        var alarm = new Alarm(evt) { Silent = CareEventCatalog.Get(kind).Silent };
        _alarms.Add(alarm);
        Send(evt);
        Report(new LoopHappening(LoopHappeningKind.AlarmRaised, message, evt, alarm.Id));
        return alarm;
    }

    /// <inheritdoc />
    public CareEvent Emit(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null)
    {
        var evt = _events.Create(kind, sensorId, message, data);
        if (evt.Class == EventClass.Alarm)
        {
            throw new ArgumentException($"{kind} is an alarm: use RaiseAlarm", nameof(kind));
        }

        _faults.Note(kind, sensorId);
        Send(evt);
        Report(new LoopHappening(LoopHappeningKind.EventEmitted, message, evt));
        return evt;
    }

    /// <inheritdoc />
    public void ClearAlarm(Guid alarmId, ClearReason reason)
    {
        if (!_alarms.Remove(alarmId, out var alarm))
        {
            return;
        }

        var now = Now;
        alarm.Clear(reason, now);
        _clearGuards.Cleared(alarm);

        var text = $"{alarm.Event.Kind} cleared ({reason})";
        var evt = _events.Create(CareEventKind.AlarmCleared, alarm.Event.SensorId, text, relatesTo: alarm.Id, at: now);
        Send(evt);
        Report(new LoopHappening(LoopHappeningKind.AlarmCleared, text, evt, alarm.Id));
    }

    /// <inheritdoc />
    public IDisposable Schedule(ICareRule rule, TimeSpan delay, long token)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var input = new TimerInput(rule, token);
        return _time.CreateTimer(_ => Enqueue(input), null, delay, Timeout.InfiniteTimeSpan);
    }

    private bool Enqueue(LoopInput input)
    {
        if (_inputs.Writer.TryWrite(input))
        {
            // Only a loop on its own thread waits on it; setting it when none waits costs a read of its state.
            _wake.Set();
            return true;
        }

        Interlocked.Increment(ref _droppedInputs);
        return false;
    }

    private void Handle(LoopInput input)
    {
        switch (input)
        {
            case ReadingInput reading:
                Report(new LoopHappening(LoopHappeningKind.Reading, reading.Reading.ToString()) { Reading = reading.Reading });
                foreach (var rule in _rules)
                {
                    try
                    {
                        rule.OnReading(reading.Reading, this);
                    }
                    catch (Exception ex)
                    {
                        RuleFailed(rule, ex);
                    }
                }

                break;
            case TimerInput timer:
                var timerRule = timer.Rule;
                var token = timer.Token;
                Guard(timerRule, ctx => timerRule.OnTimer(token, ctx));
                break;
            case FallInput fall:
                Report(new LoopHappening(LoopHappeningKind.Reading, string.Create(CultureInfo.InvariantCulture, $"{fall.Fall.SensorId} fall detected (confidence {fall.Fall.Confidence:0.00})")));
                foreach (var rule in _rules)
                {
                    if (rule is IFallRule fallRule)
                    {
                        try
                        {
                            fallRule.OnFall(fall.Fall, this);
                        }
                        catch (Exception ex)
                        {
                            RuleFailed(rule, ex);
                        }
                    }
                }

                break;
            case TechnicalInput technical:
                Emit(technical.Kind, technical.SensorId, technical.Message ?? "", technical.Data);
                break;
            case ShutdownNoticeInput notice:
                var shutdown = _events.Create(CareEventKind.PowerShutdown, "power", notice.Message);
                Send(shutdown);
                Report(new LoopHappening(LoopHappeningKind.EventEmitted, notice.Message, shutdown));
                break;
            case UplinkInput uplink:
                if (_uplinkUp != uplink.AnyPathUp)
                {
                    _uplinkUp = uplink.AnyPathUp;
                    Report(new LoopHappening(LoopHappeningKind.UplinkStateChanged, _uplinkUp ? "uplink: a path to the centre works" : "uplink: no path to the centre works"));
                }

                break;
            case ProbeInput probe:
                Interlocked.Exchange(ref _answeredProbe, probe.Token);
                break;
            case TestAlarmInput test:
                test.Raised.TrySetResult(RaiseAlarm(test.Kind, null, test.Message, new Dictionary<string, string> { ["by"] = test.By ?? "" }).Id);
                break;
            case InfoInput info:
                info.Emitted.TrySetResult(Emit(info.Kind, null, info.Message, info.Data).Id);
                break;
            case DeliveredInput delivered:
                Deliver(delivered.AlarmId, delivered.By ?? "centre");
                break;
            case TakeInput take:
                Take(take.AlarmId, take.By ?? "centre");
                break;
            case ClearInput clear:
                if (_alarms.TryGet(clear.AlarmId, out var toClear) && _clearGuards.Refusal(toClear, clear.Reason) is { } refusal)
                {
                    Report(new LoopHappening(LoopHappeningKind.CommandRefused, $"clear refused: {refusal}", toClear.Event, clear.AlarmId));
                }
                else if (toClear is not null)
                {
                    ClearAlarm(clear.AlarmId, clear.Reason);
                }
                else
                {
                    Report(new LoopHappening(LoopHappeningKind.CommandRefused, $"clear refused: no active alarm {clear.AlarmId}", AlarmId: clear.AlarmId));
                }

                break;
        }
    }

    // A rule's bug must not take the buzzer down with it: the loop reports it and carries on with the other rules.
#pragma warning disable CA1031
    private void Guard(ICareRule rule, Action<IRuleContext> action)
    {
        try
        {
            action(this);
        }
        catch (Exception ex)
        {
            RuleFailed(rule, ex);
        }
    }
#pragma warning restore CA1031

    private void RuleFailed(ICareRule rule, Exception ex) =>
        Report(new LoopHappening(LoopHappeningKind.RuleFailed, $"rule {rule.Name} failed: {ex.GetType().Name}: {ex.Message}"));

    private void Deliver(Guid alarmId, string by)
    {
        // A late ack for an alarm already cleared is normal (QoS 1 redelivery, a centre retry) and means nothing.
        if (!_alarms.TryGet(alarmId, out var alarm))
        {
            return;
        }

        if (alarm.Deliver(by, Now))
        {
            Report(new LoopHappening(LoopHappeningKind.AlarmDelivered, $"{alarm.Event.Kind} received by the centre ({by})", alarm.Event, alarmId));
        }

        ClearIfTest(alarm);
    }

    private void Take(Guid alarmId, string by)
    {
        if (!_alarms.TryGet(alarmId, out var alarm))
        {
            Report(new LoopHappening(LoopHappeningKind.CommandRefused, $"take refused: no active alarm {alarmId}", AlarmId: alarmId));
            return;
        }

        if (alarm.Take(by, Now))
        {
            Report(new LoopHappening(LoopHappeningKind.AlarmTaken, $"{alarm.Event.Kind} taken by {by}", alarm.Event, alarmId));
        }

        ClearIfTest(alarm);
    }

    // A test has done its job once the centre has it: clearing it keeps a test from leaving the buzzer sounding.
    private void ClearIfTest(Alarm alarm)
    {
        if (alarm.Event.Kind is CareEventKind.TestAlarm or CareEventKind.DailyTest)
        {
            ClearAlarm(alarm.Id, ClearReason.ConditionEnded);
        }
    }

    private void UpdateOutputs()
    {
        var conditions = _alarms.Conditions();
        foreach (var rule in _warningRules)
        {
            if (rule.WarningActive)
            {
                conditions |= HomeConditions.Warning;
            }
        }

        if (!_uplinkUp)
        {
            conditions |= HomeConditions.NoUplink;
        }

        if (_faults.Any)
        {
            conditions |= HomeConditions.Fault;
        }

        _buzzer.Set(OutputPolicy.BuzzerFor(conditions));
        _led.Set(OutputPolicy.LedFor(conditions));
    }

    private void Send(CareEvent evt) => _outbound.Writer.TryWrite(evt);

    private void Report(LoopHappening happening) => Happened?.Invoke(happening);
}
