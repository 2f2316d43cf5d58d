using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Loop;

/// <summary>The smoke detector, dispenser and stove guard through the real loop, with the rules a home config builds.</summary>
public sealed class SafetyDeviceLoopTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.FromHours(1)));
    private readonly CareEventFactory _events;
    private readonly RecordingBuzzer _buzzer = new();
    private readonly RecordingLed _led = new();
    private readonly AlarmLoop _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly List<LoopHappening> _happenings = [];

    public SafetyDeviceLoopTests()
    {
        _events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
        var config = new HomeRulesConfig
        {
            Sensors =
            [
                new() { Id = "kitchen-smoke", Kind = SensorKind.SmokeDetector },
                new() { Id = "kitchen-smoke-fault", Kind = SensorKind.SmokeDetectorFault },
                new() { Id = "pills", Kind = SensorKind.MedicationDispenser },
                new() { Id = "stove", Kind = SensorKind.StoveGuard },
                new() { Id = "cord", Kind = SensorKind.HelpButton },
            ],
            SafetyDevices = new() { DoseMissedPriority = 3 },
        };
        _loop = new AlarmLoop(_events, _time, config.BuildRules(), _buzzer, _led);
        _loop.Happened += h =>
        {
            lock (_happenings)
            {
                _happenings.Add(h);
            }
        };
        _running = _loop.RunAsync(_stop.Token);
    }

    private async Task PostAsync(string id, SensorKind kind, bool active)
    {
        int Count()
        {
            lock (_happenings)
            {
                return _happenings.Count(h => h.Kind == LoopHappeningKind.Reading);
            }
        }

        var before = Count();
        Assert.True(_loop.TryPost(SensorReading.Contact(id, kind, active, _events.Now())));
        await UntilAsync(() => Count() > before);
    }

    private async Task<CareEvent> NextEventAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _loop.Outbound.ReadAsync(timeout.Token);
    }

    private async Task<LoopHappening> RefusalAsync()
    {
        LoopHappening? found = null;
        await UntilAsync(() =>
        {
            lock (_happenings)
            {
                found = _happenings.LastOrDefault(h => h.Kind == LoopHappeningKind.CommandRefused);
                return found is not null;
            }
        });
        return found!;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1);
        }

        Assert.True(condition(), "condition not reached within 5 s");
    }

    [Fact]
    public async Task Smoke_raises_a_fire_alarm_at_the_highest_priority_with_the_fire_pattern_over_everything()
    {
        _loop.TrySetUplinkState(anyPathUp: false);
        await PostAsync("kitchen-smoke", SensorKind.SmokeDetector, true);
        var fire = await NextEventAsync();
        Assert.Equal(CareEventKind.Fire, fire.Kind);
        Assert.Equal(0, fire.Priority);
        Assert.Equal("alarm.fire", fire.Spec.TypeName);

        // Even with no path to the centre, and once the centre has taken it, the fire signal keeps sounding.
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Fire);
        _loop.TrySetUplinkState(anyPathUp: true);
        _loop.TryTake(fire.Id, "nurse-1");
        await PostAsync("cord", SensorKind.HelpButton, true);
        Assert.Equal(CareEventKind.HelpButton, (await NextEventAsync()).Kind);
        Assert.Equal(BuzzerPattern.Fire, _buzzer.Pattern);
        Assert.Equal(LedPattern.Alarm, _led.Pattern);
    }

    [Fact]
    public async Task A_fire_alarm_is_never_reset_at_the_gateway_and_the_centre_clears_it_only_after_the_detector_released()
    {
        await PostAsync("kitchen-smoke", SensorKind.SmokeDetector, true);
        var fire = await NextEventAsync();

        Assert.True(_loop.TryClear(fire.Id, ClearReason.LocalReset));
        Assert.Contains("cannot be reset at the gateway", (await RefusalAsync()).Text, StringComparison.Ordinal);
        Assert.Single(_loop.ActiveAlarms);

        // The centre, while the detector still reports smoke: refused too, and the command can say so at once.
        Assert.Contains("still reports smoke", _loop.CentreClearRefusal(fire.Id), StringComparison.Ordinal);
        lock (_happenings)
        {
            _happenings.Clear();
        }

        Assert.True(_loop.TryClear(fire.Id, ClearReason.Centre));
        Assert.Contains("still reports smoke", (await RefusalAsync()).Text, StringComparison.Ordinal);
        Assert.Single(_loop.ActiveAlarms);

        // Released: the centre is told, the alarm stays until it clears it.
        await PostAsync("kitchen-smoke", SensorKind.SmokeDetector, false);
        var released = await NextEventAsync();
        Assert.Equal(CareEventKind.SmokeReleased, released.Kind);
        Assert.Equal(fire.Id.ToString(), released.Data["alarmId"]);
        Assert.Single(_loop.ActiveAlarms);
        Assert.Equal(BuzzerPattern.Fire, _buzzer.Pattern);
        Assert.Null(_loop.CentreClearRefusal(fire.Id));

        Assert.True(_loop.TryClear(fire.Id, ClearReason.Centre));
        var cleared = await NextEventAsync();
        Assert.Equal(CareEventKind.AlarmCleared, cleared.Kind);
        Assert.Equal(fire.Id, cleared.RelatesTo);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off);

        // The next smoke is a new fire.
        await PostAsync("kitchen-smoke", SensorKind.SmokeDetector, true);
        var again = await NextEventAsync();
        Assert.Equal(CareEventKind.Fire, again.Kind);
        Assert.NotEqual(fire.Id, again.Id);
    }

    [Fact]
    public async Task A_missed_dose_is_an_alarm_at_the_configured_priority_that_ends_when_the_dispenser_releases()
    {
        await PostAsync("pills", SensorKind.MedicationDispenser, true);
        var dose = await NextEventAsync();
        Assert.Equal(CareEventKind.DoseMissed, dose.Kind);
        Assert.Equal(3, dose.Priority);
        Assert.True(dose.Priority > CareEventCatalog.Get(CareEventKind.Fall).Priority);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);

        await PostAsync("pills", SensorKind.MedicationDispenser, false);
        var cleared = await NextEventAsync();
        Assert.Equal(CareEventKind.AlarmCleared, cleared.Kind);
        Assert.Equal(dose.Id, cleared.RelatesTo);
    }

    [Fact]
    public async Task The_stove_guard_and_a_device_fault_output_are_events_and_the_fault_shows_on_the_led_until_released()
    {
        await PostAsync("stove", SensorKind.StoveGuard, true);
        var off = await NextEventAsync();
        Assert.Equal(CareEventKind.StoveSwitchedOff, off.Kind);
        Assert.Equal(EventClass.Info, off.Class);
        Assert.Empty(_loop.ActiveAlarms);

        await PostAsync("kitchen-smoke-fault", SensorKind.SmokeDetectorFault, true);
        var fault = await NextEventAsync();
        Assert.Equal(CareEventKind.SmokeDetectorFault, fault.Kind);
        Assert.Equal(EventClass.Technical, fault.Class);
        await UntilAsync(() => _led.Pattern == LedPattern.Fault);

        await PostAsync("kitchen-smoke-fault", SensorKind.SmokeDetectorFault, false);
        Assert.Equal(CareEventKind.DeviceFaultCleared, (await NextEventAsync()).Kind);
        await UntilAsync(() => _led.Pattern == LedPattern.Heartbeat);
    }

    [Fact]
    public void A_dose_missed_priority_outside_0_to_9_is_refused_naming_its_key()
    {
        var config = new HomeRulesConfig { SafetyDevices = new() { DoseMissedPriority = 12 } };
        var issue = Assert.Single(config.Validate());
        Assert.Equal("rules.safety_devices.dose_missed_priority", issue.Key.ToString());
        Assert.Contains("was 12", issue.Problem, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
