using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Rules;

/// <summary>The daily end-to-end test alarm on a real <see cref="AlarmLoop"/>, driven through days and DST changes by a fake clock.</summary>
public sealed class DailyTestTests : IAsyncDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly CancellationTokenSource _stop = new();
    private readonly RecordingBuzzer _buzzer = new();
    private readonly RecordingLed _led = new();
    private FakeTimeProvider _fake = null!;
    private JumpingClock _clock = null!;
    private AlarmLoop _loop = null!;
    private Task _running = Task.CompletedTask;
    private long _probe;

    private void Start(DateTimeOffset at, TimeOnly time, bool clockSynced = true)
    {
        _fake = new FakeTimeProvider(at);
        _clock = new JumpingClock(_fake);
        var events = new CareEventFactory("home-1", _clock, new FixedClockSyncStatus(clockSynced));
        _loop = new AlarmLoop(events, _clock, [new DailyTestRule(new DailyTestOptions { Time = time }, Oslo)], _buzzer, _led);
        _running = _loop.RunAsync(_stop.Token);
    }

    /// <summary>Advances in steps, letting the loop handle each timer before the next step, and collects the tests sent.</summary>
    private async Task<List<CareEvent>> RunForAsync(TimeSpan duration, TimeSpan step)
    {
        await _loop.Armed.WaitAsync(TimeSpan.FromSeconds(10));
        List<CareEvent> sent = [];
        for (var t = TimeSpan.Zero; t < duration; t += step)
        {
            _fake.Advance(step);
            await SettleAsync();
            while (_loop.Outbound.TryRead(out var evt))
            {
                sent.Add(evt);
            }

            // Silent whatever happens: a test never sounds or lights anything, delivered or not.
            Assert.Equal((BuzzerPattern.Off, LedPattern.Heartbeat), (_buzzer.Pattern, _led.Pattern));
        }

        return sent;
    }

    private async Task SettleAsync()
    {
        var token = ++_probe;
        Assert.True(_loop.TryProbe(token));
        for (var i = 0; i < 5000 && _loop.AnsweredProbe != token; i++)
        {
            await Task.Delay(1);
        }

        Assert.Equal(token, _loop.AnsweredProbe);
    }

    private static DateTimeOffset Local(CareEvent e) => TimeZoneInfo.ConvertTime(e.Time.Wall, Oslo);

    [Fact]
    public async Task It_fires_once_a_day_at_the_local_time_across_the_autumn_change_silently_and_clears_once_delivered()
    {
        // Friday 23 October 2026, noon in Oslo; summer time ends on Sunday 25 October at 03:00 → 02:00.
        Start(new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.FromHours(2)), new TimeOnly(10, 0));
        var sent = await RunForAsync(TimeSpan.FromDays(4), TimeSpan.FromMinutes(30));

        Assert.All(sent, e => Assert.Equal((CareEventKind.DailyTest, EventClass.Alarm), (e.Kind, e.Class)));
        Assert.All(sent, e => Assert.Equal(ScaipCodes.Status.TestTransmissionPeriodic, e.Spec.ScaipStatus));
        Assert.Equal(
            [
                new DateTimeOffset(2026, 10, 24, 10, 0, 0, TimeSpan.FromHours(2)),
                new DateTimeOffset(2026, 10, 25, 10, 0, 0, TimeSpan.FromHours(1)),
                new DateTimeOffset(2026, 10, 26, 10, 0, 0, TimeSpan.FromHours(1)),
                new DateTimeOffset(2026, 10, 27, 10, 0, 0, TimeSpan.FromHours(1)),
            ],
            sent.Select(Local));
        Assert.Equal(4, _loop.ActiveAlarms.Count);

        // The centre has each: each clears itself, silently.
        foreach (var test in sent)
        {
            Assert.True(_loop.TryMarkDelivered(test.Id, "central-1"));
        }

        await SettleAsync();
        Assert.Empty(_loop.ActiveAlarms);
        List<CareEvent> cleared = [];
        while (_loop.Outbound.TryRead(out var evt))
        {
            cleared.Add(evt);
        }

        Assert.Equal(sent.Select(e => (Guid?)e.Id), cleared.Where(e => e.Kind == CareEventKind.AlarmCleared).Select(e => e.RelatesTo));
        Assert.Equal((BuzzerPattern.Off, LedPattern.Heartbeat), (_buzzer.Pattern, _led.Pattern));
    }

    [Fact]
    public async Task A_time_the_spring_change_skips_fires_at_the_first_minute_after_it_and_at_the_time_on_the_other_days()
    {
        // Summer time starts on Sunday 29 March 2026 at 02:00 → 03:00: 02:30 does not exist that night.
        Start(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.FromHours(1)), new TimeOnly(2, 30));
        var sent = await RunForAsync(TimeSpan.FromDays(3), TimeSpan.FromMinutes(30));
        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)),
                new DateTimeOffset(2026, 3, 30, 2, 30, 0, TimeSpan.FromHours(2)),
                new DateTimeOffset(2026, 3, 31, 2, 30, 0, TimeSpan.FromHours(2)),
            ],
            sent.Select(Local));
    }

    [Fact]
    public async Task A_time_the_autumn_change_shows_twice_fires_once()
    {
        Start(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.FromHours(2)), new TimeOnly(2, 30));
        var sent = await RunForAsync(TimeSpan.FromDays(2), TimeSpan.FromMinutes(30));
        Assert.Equal(
            [
                new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)),
                new DateTimeOffset(2026, 10, 26, 2, 30, 0, TimeSpan.FromHours(1)),
            ],
            sent.Select(Local));
    }

    [Fact]
    public async Task A_wall_clock_that_jumps_forward_days_at_sync_sends_no_burst_of_late_tests_and_keeps_the_time()
    {
        // A Pi without RTC boots at its last saved time, then NTP steps the clock ten days ahead: the ten missed tests are
        // not sent in a burst, and the day's own test still goes at its time.
        Start(new DateTimeOffset(2026, 11, 13, 8, 0, 0, TimeSpan.FromHours(1)), new TimeOnly(10, 0), clockSynced: false);
        Assert.Empty(await RunForAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(30)));
        _clock.Jump(TimeSpan.FromDays(10));
        var sent = await RunForAsync(TimeSpan.FromDays(1), TimeSpan.FromMinutes(30));
        Assert.Equal([new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1))], sent.Select(Local));
    }

    [Fact]
    public void The_next_occurrence_is_strictly_after_the_instant_and_in_local_time()
    {
        var at10 = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(at10.AddDays(1), LocalTime.NextOccurrence(new TimeOnly(10, 0), Oslo, at10));
        Assert.Equal(at10, LocalTime.NextOccurrence(new TimeOnly(10, 0), Oslo, at10.AddTicks(-1)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
