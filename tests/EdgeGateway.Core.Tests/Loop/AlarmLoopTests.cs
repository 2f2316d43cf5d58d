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

    public AlarmLoopTests()
    {
        _events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
        var rule = new NightDoorRule("front-door", new NightWindow(new TimeOnly(23, 0), new TimeOnly(6, 0), Oslo));
        _loop = new AlarmLoop(_events, _time, [rule], _buzzer, _led);
        _loop.Happened += h =>
        {
            lock (_happenings)
            {
                _happenings.Add(h);
            }
        };
        _running = _loop.RunAsync(_stop.Token);
    }

    private SensorReading Door(bool open) => SensorReading.Contact("front-door", SensorKind.DoorContact, open, _events.Now());

    private async Task<CareEvent> NextEventAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _loop.Outbound.ReadAsync(timeout.Token);
    }

    private async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "condition not reached within 5 s");
    }

    [Fact]
    public async Task Door_opened_at_night_raises_an_alarm_sounds_the_buzzer_and_clears_when_closed()
    {
        Assert.True(_loop.TryPost(Door(true)));
        var alarm = await NextEventAsync();
        Assert.Equal(CareEventKind.NightExit, alarm.Kind);
        Assert.Equal("front-door", alarm.SensorId);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Alarm);
        Assert.Equal(LedPattern.Alarm, _led.Pattern);
        Assert.Single(_loop.ActiveAlarms);

        Assert.True(_loop.TryAcknowledge(alarm.Id, "nurse-1"));
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.AlarmAcknowledged);

        Assert.True(_loop.TryPost(Door(false)));
        var cleared = await NextEventAsync();
        Assert.Equal(CareEventKind.AlarmCleared, cleared.Kind);
        Assert.Equal(alarm.Id, cleared.RelatesTo);
        await UntilAsync(() => _buzzer.Pattern == BuzzerPattern.Off);
        Assert.Equal(LedPattern.Heartbeat, _led.Pattern);
        Assert.Empty(_loop.ActiveAlarms);
    }

    [Fact]
    public async Task Door_opened_by_day_raises_nothing()
    {
        _time.Advance(TimeSpan.FromHours(12));
        _loop.TryPost(Door(true));
        _loop.TryPost(Door(false));
        await UntilAsync(() => _happenings.Count(h => h.Kind == LoopHappeningKind.Reading) == 2);
        Assert.False(_loop.Outbound.TryRead(out _));
        Assert.Equal(BuzzerPattern.Off, _buzzer.Pattern);
    }

    [Fact]
    public async Task Acknowledging_an_unknown_or_cleared_alarm_is_refused_without_stopping_the_loop()
    {
        _loop.TryPost(Door(true));
        var alarm = await NextEventAsync();
        _loop.TryPost(Door(false));
        await NextEventAsync();
        _loop.TryAcknowledge(alarm.Id, "late nurse");
        await UntilAsync(() => _happenings.Any(h => h.Kind == LoopHappeningKind.CommandRefused));
        Assert.Contains(_happenings, h => h.Kind == LoopHappeningKind.CommandRefused && h.AlarmId == alarm.Id);

        // Still alive: a new opening raises a new alarm.
        _loop.TryPost(Door(true));
        Assert.Equal(CareEventKind.NightExit, (await NextEventAsync()).Kind);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    private sealed class RecordingBuzzer : IBuzzer
    {
        public BuzzerPattern Pattern { get; private set; }

        public void Set(BuzzerPattern pattern) => Pattern = pattern;
    }

    private sealed class RecordingLed : IStatusLed
    {
        public LedPattern Pattern { get; private set; }

        public void Set(LedPattern pattern) => Pattern = pattern;
    }
}
