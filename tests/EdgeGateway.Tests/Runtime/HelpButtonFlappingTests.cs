using EdgeGateway.Core.Events;
using EdgeGateway.Demo;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Runtime;

/// <summary>
/// A frightened resident pulls the cord again and again. The whole home path: simulated pin → the real ContactInput
/// (default 50 ms debounce, 20 changes a minute flapping limit) → the alarm loop and its rules, with the centre's clear.
/// </summary>
public sealed class HelpButtonFlappingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("help-flapping-").FullName;
    private long _probe;

    [Fact]
    public async Task After_30_presses_in_20_s_and_the_centre_clearing_them_one_more_press_raises_a_new_alarm()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        using var home = new SimulatedHome(time, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), _dir, NullLoggerFactory.Instance);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => home.Loop.RunAsync(stop.Token));
        await home.Loop.Armed.WaitAsync(TimeSpan.FromSeconds(10));

        // 30 presses in 20 s: 60 settled changes, three times the flapping limit.
        for (var i = 0; i < 30; i++)
        {
            await PullCordAsync(home, time, pulled: true, TimeSpan.FromMilliseconds(200));
            await PullCordAsync(home, time, pulled: false, TimeSpan.FromMilliseconds(466));
        }

        await LoopHandledAllAsync(home);
        var raised = home.Loop.ActiveAlarms.Where(a => a.Event.Kind == CareEventKind.HelpButton).ToList();
        Assert.Equal(30, raised.Count);
        var events = Drain(home);
        Assert.Contains(events, e => e.Kind == CareEventKind.SensorFlapping && e.SensorId == SimulatedHome.PullCord);

        // The duty centre takes the call and clears every alarm of it.
        var centre = new AlarmLoopCommands(home.Loop);
        foreach (var alarm in raised)
        {
            Assert.True(centre.Clear(alarm.Id, "operator-7").Ok);
        }

        await LoopHandledAllAsync(home);
        Assert.Empty(home.Loop.ActiveAlarms);

        // Still inside the flapping quiet period: one more press must call help all the same.
        time.Advance(TimeSpan.FromSeconds(10));
        await PullCordAsync(home, time, pulled: true, TimeSpan.FromMilliseconds(200));
        await LoopHandledAllAsync(home);
        var again = Assert.Single(home.Loop.ActiveAlarms);
        Assert.Equal(CareEventKind.HelpButton, again.Event.Kind);
        Assert.Equal(SimulatedHome.PullCord, again.Event.SensorId);
        Assert.DoesNotContain(raised, a => a.Id == again.Id);

        await stop.CancelAsync();
        await running;
    }

    /// <summary>Moves the cord, holds it for <paramref name="hold"/> and waits until the loop has seen the settled state.</summary>
    /// <remarks>
    /// FakeTimeProvider fires due timers on whichever thread is already waking its waiters: when the loop thread is
    /// reading the clock at that moment, the debounce settles there a moment later, and an edge made before that would
    /// restart the debounce and swallow the press.
    /// </remarks>
    private static async Task PullCordAsync(SimulatedHome home, FakeTimeProvider time, bool pulled, TimeSpan hold)
    {
        home.SetPullCord(pulled);
        time.Advance(hold);
        await Eventually.UntilAsync(
            () => home.Home.LastReadings.TryGetValue(SimulatedHome.PullCord, out var reading) && reading.Active == pulled,
            TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits until the loop has handled everything posted so far (its input queue is FIFO).</summary>
    private async Task LoopHandledAllAsync(SimulatedHome home)
    {
        var token = ++_probe;
        Assert.True(home.Loop.TryProbe(token));
        await Eventually.UntilAsync(() => home.Loop.AnsweredProbe == token, TimeSpan.FromSeconds(10));
    }

    private static List<CareEvent> Drain(SimulatedHome home)
    {
        var events = new List<CareEvent>();
        while (home.Loop.Outbound.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
