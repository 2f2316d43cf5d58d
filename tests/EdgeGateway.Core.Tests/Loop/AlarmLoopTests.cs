using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Loop;

public sealed class AlarmLoopTests : IAsyncDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.FromHours(1)));
    private readonly CareEventFactory _events;
    private readonly RecordingBuzzer _buzzer = new();
    private readonly RecordingLed _led = new();
    private readonly AlarmLoop _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly List<LoopHappening> _happenings = [];
    private long _probe;

    public AlarmLoopTests()
    {
        _events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
        var night = new NightWindow(new TimeOnly(23, 0), new TimeOnly(6, 0), Oslo);
        var fall = new FallRule(new FallOptions { CancelWindow = TimeSpan.FromSeconds(30) });
        ICareRule[] rules =
        [
            new HelpButtonRule(new HelpButtonOptions(), [fall]),
            fall,
            new NightExitRule(new NightExitOptions { DoorSensorId = "front-door", GracePeriod = TimeSpan.FromMinutes(2) }, night),
            new ThrowingRule(),
        ];
        _loop = new AlarmLoop(_events, _time, rules, _buzzer, _led);
        _loop.Happened += h =>
        {
            lock (_happenings)
            {
                _happenings.Add(h);
            }
        };
        _running = _loop.RunAsync(_stop.Token);
    }

    private SensorReading Button(bool pressed) => SensorReading.Contact("cord", SensorKind.HelpButton, pressed, _events.Now());

    /// <summary>Posts and waits until the loop has handled it, so a following Advance sees the timer it armed.</summary>
    private async Task PostAsync(SensorReading reading)
    {
        Assert.True(_loop.TryPost(reading));
        await HandledAsync();
    }

    /// <summary>
    /// Waits until the loop has handled everything posted so far (its input queue is FIFO). A happening is not enough:
    /// the loop reports a reading before its rules run, so a timer they arm may not exist yet when the happening shows.
    /// </summary>
    private async Task HandledAsync()
    {
        var token = ++_probe;
        Assert.True(_loop.TryProbe(token));
        await UntilAsync(() => _loop.AnsweredProbe == token);
    }

    private SensorReading Door(bool open) => SensorReading.Contact("front-door", SensorKind.DoorContact, open, _events.Now());

    private async Task<CareEvent> NextEventAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _loop.Outbound.ReadAsync(timeout.Token);
    }

    private static void SpinUntil(Func<bool> condition) =>
        Assert.True(SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(5)), "condition not reached within 5 s");

    private async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1);
        }

        Assert.True(condition(), "condition not reached within 5 s");
    }

    [Fact]
    public async Task Door_opened_at_night_raises_an_alarm_sounds_the_buzzer_and_clears_when_closed()
    {
        await PostAsync(Door(true));
        _time.Advance(TimeSpan.FromMinutes(2));
        var alarm = await NextEventAsync();
        Assert.Equal(CareEventKind.NightExit, alarm.Kind);
        Assert.Equal("front-door", alarm.SensorId);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);
        Assert.Equal(LedPattern.Alarm, _led.Pattern);
        Assert.Single(_loop.ActiveAlarms);

        Assert.True(_loop.TryTake(alarm.Id, "nurse-1"));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmTaken);

        Assert.True(_loop.TryPost(Door(false)));
        var cleared = await NextEventAsync();
        Assert.Equal(CareEventKind.AlarmCleared, cleared.Kind);
        Assert.Equal(alarm.Id, cleared.RelatesTo);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off);
        Assert.Equal(LedPattern.Heartbeat, _led.Pattern);
        Assert.Empty(_loop.ActiveAlarms);
    }

    [Fact]
    public async Task A_test_alarm_goes_out_sounds_and_clears_itself_when_the_centre_acknowledges_it()
    {
        var id = await _loop.RaiseTestAlarmAsync("technician 7").WaitAsync(TimeSpan.FromSeconds(10));
        var sent = await NextEventAsync();
        Assert.Equal(id, sent.Id);
        Assert.Equal(CareEventKind.TestAlarm, sent.Kind);
        Assert.Equal("technician 7", sent.Data["by"]);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);

        _loop.TryMarkDelivered(id, "centre");
        var cleared = await NextEventAsync();
        Assert.Equal(CareEventKind.AlarmCleared, cleared.Kind);
        Assert.Equal(id, cleared.RelatesTo);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off);
        Assert.Empty(_loop.ActiveAlarms);
    }

    [Fact]
    public async Task The_receipt_ack_says_received_and_only_a_named_nurse_says_help_is_coming()
    {
        await PostAsync(Button(true));
        var alarm = await NextEventAsync();
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);

        // The centre has stored it: "your alarm has been received", not yet "help is coming".
        Assert.True(_loop.TryMarkDelivered(alarm.Id, "central-1"));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmDelivered);
        Assert.Equal(LedPattern.AlarmDelivered, _led.Pattern);
        Assert.Equal(AlarmState.Delivered, _loop.ActiveAlarms.Single().State);
        Assert.Null(_loop.ActiveAlarms.Single().TakenBy);

        // A retransmitted ack changes nothing and reports nothing new.
        _loop.TryMarkDelivered(alarm.Id, "central-2");
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_loop.TryTake(alarm.Id, "Nurse Berit"));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmTaken);
        Assert.Equal(LedPattern.AlarmTaken, _led.Pattern);
        var taken = _loop.ActiveAlarms.Single();
        Assert.Equal(("Nurse Berit", "central-1"), (taken.TakenBy, taken.DeliveredBy));
        Assert.Equal(_time.GetUtcNow(), taken.TakenAt!.Value.Wall);

        // A late ack after the take leaves it taken.
        _loop.TryMarkDelivered(alarm.Id, "central-3");
        _loop.TryClear(alarm.Id, ClearReason.Centre);
        Assert.Equal(CareEventKind.AlarmCleared, (await NextEventAsync()).Kind);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off && _led.Pattern == LedPattern.Heartbeat);
        lock (_happenings)
        {
            Assert.Equal(
                [LoopHappeningKind.AlarmRaised, LoopHappeningKind.AlarmDelivered, LoopHappeningKind.AlarmTaken, LoopHappeningKind.AlarmCleared],
                _happenings.Where(h => h.AlarmId == alarm.Id).Select(h => h.Kind));
        }
    }

    [Fact]
    public async Task A_take_that_overtakes_the_ack_says_help_is_coming_and_the_late_ack_changes_nothing()
    {
        await PostAsync(Button(true));
        var alarm = await NextEventAsync();
        Assert.True(_loop.TryTake(alarm.Id, "Nurse Berit"));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmTaken);
        Assert.True(_loop.TryMarkDelivered(alarm.Id, "central-1"));
        Assert.True(_loop.TryProbe(42));
        await UntilAsync(() => _loop.AnsweredProbe == 42);
        Assert.Equal(BuzzerPattern.AlarmTaken, _buzzer.Pattern);
        Assert.Equal(AlarmState.Taken, _loop.ActiveAlarms.Single().State);
    }

    [Fact]
    public async Task Help_is_coming_only_once_every_alarm_is_taken()
    {
        await PostAsync(Button(true));
        var first = await NextEventAsync();
        await PostAsync(Button(false));
        await PostAsync(Button(true));
        var second = await NextEventAsync();
        Assert.NotEqual(first.Id, second.Id);
        _loop.TryMarkDelivered(first.Id, "central-1");
        _loop.TryMarkDelivered(second.Id, "central-1");
        _loop.TryTake(first.Id, "Nurse Berit");
        Assert.True(_loop.TryProbe(7));
        await UntilAsync(() => _loop.AnsweredProbe == 7);
        Assert.Equal(BuzzerPattern.AlarmDelivered, _buzzer.Pattern);
        _loop.TryTake(second.Id, "Nurse Berit");
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmTaken);
    }

    [Fact]
    public async Task Door_opened_by_day_raises_nothing()
    {
        _time.Advance(TimeSpan.FromHours(12));
        await PostAsync(Door(true));
        _time.Advance(TimeSpan.FromMinutes(5));
        await PostAsync(Door(false));
        Assert.False(_loop.Outbound.TryRead(out _));
        Assert.Equal(BuzzerPattern.Off, _buzzer.Pattern);
    }

    [Fact]
    public async Task Acknowledging_an_unknown_or_cleared_alarm_is_refused_without_stopping_the_loop()
    {
        await PostAsync(Door(true));
        _time.Advance(TimeSpan.FromMinutes(2));
        var alarm = await NextEventAsync();
        _loop.TryPost(Door(false));
        await NextEventAsync();
        _loop.TryTake(alarm.Id, "late nurse");
        await UntilAsync(() => _happenings.Any(h => h.Kind == LoopHappeningKind.CommandRefused));
        Assert.Contains(_happenings, h => h.Kind == LoopHappeningKind.CommandRefused && h.AlarmId == alarm.Id);

        // Still alive: a new opening raises a new alarm.
        await PostAsync(Door(true));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(CareEventKind.NightExit, (await NextEventAsync()).Kind);
    }

    [Fact]
    public async Task A_stalled_uplink_never_delays_the_buzzer()
    {
        // The uplink takes one event and then hangs forever on it (a broker that never answers); nobody else reads.
        using var hang = new SemaphoreSlim(0);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stalled = Task.Factory.StartNew(
            () =>
            {
                _loop.Outbound.ReadAsync().AsTask().GetAwaiter().GetResult();
                taken.SetResult();
                hang.Wait(TimeSpan.FromMinutes(2));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var worst = TimeSpan.Zero;
        for (var i = 0; i < 2000; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            Assert.True(_loop.TryPost(Button(true)));
            SpinUntil(() => _buzzer.Pattern == BuzzerPattern.Alarm);
            var alarm = _loop.ActiveAlarms.Single();
            Assert.True(_loop.TryClear(alarm.Id, ClearReason.LocalReset));
            SpinUntil(() => _buzzer.Pattern == BuzzerPattern.Off);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            worst = took > worst ? took : worst;
        }

        await taken.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(stalled.IsCompleted);

        // 4000 events waiting for an uplink that will never take them, and the loop still answered every press.
        Assert.True(_loop.Outbound.Count >= 3999, $"outbound holds {_loop.Outbound.Count}");
        Assert.Equal(0, _loop.DroppedInputs);
        Assert.True(worst < TimeSpan.FromSeconds(1), $"worst press→buzzer→reset round trip {worst}");
        hang.Release();
        await stalled;
    }

    [Fact]
    public async Task A_fall_sounds_the_pre_alarm_and_becomes_an_alarm_unless_the_button_cancels_it()
    {
        Assert.True(_loop.TryPostFall("wrist", 0.95, new Dictionary<string, string> { ["peakG"] = "3.4" }));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.PreAlarm);
        Assert.Equal(LedPattern.Alarm, _led.Pattern);
        await PostAsync(Button(true));
        await PostAsync(Button(false));
        var cancelled = await NextEventAsync();
        Assert.Equal(CareEventKind.FallCancelled, cancelled.Kind);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off);
        Assert.Empty(_loop.ActiveAlarms);

        Assert.True(_loop.TryPostFall("wrist", 0.95));
        await HandledAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        var fall = await NextEventAsync();
        Assert.Equal(CareEventKind.Fall, fall.Kind);
        Assert.Equal("wrist", fall.SensorId);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);
    }

    [Fact]
    public async Task An_alarm_that_cannot_leave_the_home_sounds_distinctly_and_the_led_shows_no_uplink()
    {
        Assert.True(_loop.TrySetUplinkState(false));
        await UntilAsync(() => _led.Pattern == LedPattern.NoUplink);
        Assert.Equal(BuzzerPattern.Off, _buzzer.Pattern);

        await PostAsync(Button(true));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmUndeliverable);
        var alarm = await NextEventAsync();

        _loop.TrySetUplinkState(true);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);
        _loop.TryMarkDelivered(alarm.Id, "central-1");
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmDelivered);
        _loop.TryTake(alarm.Id, "nurse-2");
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmTaken);
        _loop.TryClear(alarm.Id, ClearReason.Centre);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off && _led.Pattern == LedPattern.Heartbeat);
    }

    [Fact]
    public async Task Technical_events_are_sent_and_drive_the_fault_led_until_restored()
    {
        Assert.True(_loop.TryPostTechnical(CareEventKind.SensorSilent, "bed", "bed mat silent for 10 min"));
        var silent = await NextEventAsync();
        Assert.Equal(CareEventKind.SensorSilent, silent.Kind);
        Assert.Equal("bed", silent.SensorId);
        await UntilAsync(() => _led.Pattern == LedPattern.Fault);

        _loop.TryPostTechnical(CareEventKind.MainsLost, null, "on battery");
        _loop.TryPostTechnical(CareEventKind.SensorRestored, "bed", "bed mat back");
        Assert.Equal(CareEventKind.MainsLost, (await NextEventAsync()).Kind);
        Assert.Equal(CareEventKind.SensorRestored, (await NextEventAsync()).Kind);
        Assert.Equal(LedPattern.Fault, _led.Pattern);
        _loop.TryPostTechnical(CareEventKind.MainsRestored, null, "mains back");
        await NextEventAsync();
        await UntilAsync(() => _led.Pattern == LedPattern.Heartbeat);
        Assert.Equal(BuzzerPattern.Off, _buzzer.Pattern);

        Assert.Throws<ArgumentException>(() => _loop.TryPostTechnical(CareEventKind.Fall, "x", "not technical"));
    }

    [Fact]
    public async Task A_rule_that_throws_is_reported_and_the_other_rules_still_run()
    {
        await PostAsync(SensorReading.Contact("boom", SensorKind.ChairMat, true, _events.Now()));
        await UntilAsync(() => _happenings.ToArray().Any(h => h.Kind == LoopHappeningKind.RuleFailed));
        await PostAsync(Button(true));
        Assert.Equal(CareEventKind.HelpButton, (await NextEventAsync()).Kind);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    private sealed class ThrowingRule : ICareRule
    {
        public string Name => "throwing";

        public void OnReading(in SensorReading reading, IRuleContext context)
        {
            if (reading.SensorId == "boom")
            {
                throw new InvalidOperationException("rule bug");
            }
        }

        public void OnTimer(long token, IRuleContext context)
        {
        }
    }
}
