using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;
using static EdgeGateway.Core.Tests.Falls.SyntheticTrace;

namespace EdgeGateway.Core.Tests.Falls;

/// <summary>A worn accelerometer's samples through the real detector, monitor, alarm loop and the production rule set.</summary>
public sealed class WearableFeedTests : IAsyncDisposable
{
    private const double Rate = 100;
    // A weekday morning: inside the default day window, so "not worn" may be reported.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(1)));
    private readonly AlarmLoop _loop;
    private readonly WearableFeed _feed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly List<LoopHappening> _happenings = [];
    private long _probe;

    public WearableFeedTests()
    {
        var events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
        _loop = new AlarmLoop(events, _time, new HomeRulesConfig().BuildRules(), new RecordingBuzzer(), new RecordingLed());
        _loop.Happened += h =>
        {
            lock (_happenings)
            {
                _happenings.Add(h);
            }
        };
        _feed = new WearableFeed("pendant", new FallDetector(new FallDetectorOptions(), Rate), new WearerMonitor(new WearerMonitorOptions()), _loop);
        _running = _loop.RunAsync(_stop.Token);
    }

    private int Handled(Func<LoopHappening, bool> which)
    {
        lock (_happenings)
        {
            return _happenings.Count(which);
        }
    }

    private static bool IsPosture(LoopHappening h, bool upright) =>
        h.Reading is { Kind: SensorKind.WearerPosture } r && r.Active == upright;

    private static bool IsWorn(LoopHappening h, bool worn) =>
        h.Reading is { Kind: SensorKind.WearableWorn } r && r.Active == worn;

    private void Feed(SyntheticTrace trace)
    {
        foreach (var s in trace.Samples)
        {
            _feed.Process(s);
        }
    }

    /// <summary>Waits until the loop has handled everything queued so far (inputs are handled in order), so timers the rules arm exist before time is advanced.</summary>
    private async Task SettledAsync()
    {
        var token = ++_probe;
        Assert.True(_loop.TryProbe(token));
        await UntilAsync(() => _loop.AnsweredProbe == token);
    }

    private async Task<CareEvent> NextEventAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _loop.Outbound.ReadAsync(timeout.Token);
    }

    private async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1);
        }

        Assert.True(condition(), "condition not reached within 5 s");
    }

    [Fact]
    public async Task A_fall_and_lying_on_the_floor_become_a_fall_alarm_then_a_long_lie_then_getting_up()
    {
        var fall = new SyntheticTrace(Rate).Walk(15).FreeFall(0.4, LyingOnFront).Impact(5).Breathe(60, LyingOnFront, 0.3);
        Feed(fall);
        await SettledAsync();
        Assert.Equal(1, Handled(h => h.Text.Contains("fall detected", StringComparison.Ordinal)));
        Assert.Equal(1, Handled(h => IsPosture(h, false)));

        _time.Advance(new FallOptions().CancelWindow);
        var alarm = await NextEventAsync();
        await SettledAsync();
        Assert.Equal(CareEventKind.Fall, alarm.Kind);
        Assert.Equal("pendant", alarm.SensorId);

        _time.Advance(new FallOptions().LongLieAfter - new FallOptions().CancelWindow);
        var longLie = await NextEventAsync();
        Assert.Equal(CareEventKind.LongLie, longLie.Kind);
        Assert.Equal(alarm.Id.ToString(), longLie.Data["fallAlarmId"]);
        Assert.Equal(0, longLie.Priority);
        Assert.Equal(2, _loop.ActiveAlarms.Count);

        Feed(new SyntheticTrace(Rate, fall.Now).Turn(2, Upright).Walk(15));
        var up = await NextEventAsync();
        Assert.Equal(CareEventKind.FallGotUp, up.Kind);
        Assert.Equal("true", up.Data["longLie"]);
    }

    [Fact]
    public async Task A_wearable_left_on_the_table_is_reported_not_worn_in_the_day_and_worn_again_when_picked_up()
    {
        var table = new SyntheticTrace(Rate).Walk(15).Turn(1, LyingOnBack).Still(120, LyingOnBack);
        Feed(table);
        await SettledAsync();
        Assert.Equal(1, Handled(h => IsWorn(h, false)));

        _time.Advance(new NotWornOptions().After);
        var notWorn = await NextEventAsync();
        Assert.Equal(CareEventKind.WearableNotWorn, notWorn.Kind);
        Assert.Equal("pendant", notWorn.SensorId);
        Assert.Empty(_loop.ActiveAlarms);

        Feed(new SyntheticTrace(Rate, table.Now).Turn(1, Upright).Walk(15));
        var worn = await NextEventAsync();
        Assert.Equal(CareEventKind.WearableWorn, worn.Kind);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
