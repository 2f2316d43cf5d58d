using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Demo;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Runtime;

/// <summary>
/// The wearable in the home as a Pi runs it: the simulated wearable's protocol bytes → WearableStream → WearableInput →
/// the fall detector, the help rule and supervision in the real alarm loop, on a fake clock so a 60 s drop takes no time.
/// </summary>
public sealed class WearableHomeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private readonly string _dir = Directory.CreateTempSubdirectory("wearable-home-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private readonly List<CareEvent> _events = [];
    private long _probe;

    private async Task<(SimulatedHome Home, CancellationTokenSource Stop, Task Running)> StartAsync()
    {
        var home = new SimulatedHome(_time, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), _dir, NullLoggerFactory.Instance);
        var stop = new CancellationTokenSource();
        var running = Task.Run(() => home.Loop.RunAsync(stop.Token));
        await home.Loop.Armed.WaitAsync(TimeSpan.FromSeconds(10));
        home.StartSampling();
        return (home, stop, running);
    }

    // Device time in 500 ms steps (25 samples, well inside the queue); after each, the wearable's reader and the loop have handled what it sent.
    private async Task RunAsync(SimulatedHome home, TimeSpan span)
    {
        for (var left = span; left > TimeSpan.Zero; left -= Step)
        {
            _time.Advance(Step);
            await Eventually.UntilAsync(() => home.Wearer.Samples.Count == 0 && home.Wearer.Notices.Count == 0, TimeSpan.FromSeconds(10));
            await LoopHandledAllAsync(home);
        }

        while (home.Loop.Outbound.TryRead(out var e))
        {
            _events.Add(e);
        }
    }

    private async Task LoopHandledAllAsync(SimulatedHome home)
    {
        var token = ++_probe;
        Assert.True(home.Loop.TryProbe(token));
        await Eventually.UntilAsync(() => home.Loop.AnsweredProbe == token, TimeSpan.FromSeconds(10));
    }

    private List<CareEvent> Of(CareEventKind kind) => [.. _events.Where(e => e.Kind == kind)];

    [Fact]
    public async Task A_fall_streamed_through_the_wearable_sounds_the_pre_alarm_and_becomes_a_fall_alarm_when_not_cancelled()
    {
        var (home, stop, running) = await StartAsync();
        using (home)
        using (stop)
        {
            await RunAsync(home, TimeSpan.FromSeconds(2));
            home.PlayRecording("F06_SA02_R01.from5s.txt");
            await RunAsync(home, TimeSpan.FromSeconds(8));
            Assert.Equal(BuzzerPattern.PreAlarm, home.Buzzer.Pattern);
            Assert.Empty(Of(CareEventKind.Fall));

            await RunAsync(home, TimeSpan.FromSeconds(60));
            var fall = Assert.Single(Of(CareEventKind.Fall));
            Assert.Equal(SimulatedHome.Wearable, fall.SensorId);
            Assert.Contains(home.Loop.ActiveAlarms, a => a.Event.Kind == CareEventKind.Fall);
            Assert.Equal(0, home.Home.Wearable!.LostSamples);
            Assert.Empty(Of(CareEventKind.WearableLost));

            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task Five_seconds_out_of_reach_is_filled_from_the_ring_and_sixty_is_lost_then_restored_with_what_was_not_recovered()
    {
        var (home, stop, running) = await StartAsync();
        using (home)
        using (stop)
        {
            await RunAsync(home, TimeSpan.FromSeconds(10));
            home.Wearer.DropLink();
            await RunAsync(home, TimeSpan.FromSeconds(5));
            home.Wearer.RestoreLink();
            await RunAsync(home, TimeSpan.FromSeconds(10));
            var wearable = home.Home.Wearable!;
            output.WriteLine($"5 s drop: {wearable.SamplesSeen} samples seen, {wearable.LostSamples} lost, {home.Wearer.Stream.ResendRequests} resend request(s)");
            Assert.Equal(0, wearable.LostSamples);
            Assert.Empty(Of(CareEventKind.WearableLost));

            home.Wearer.DropLink();
            await RunAsync(home, TimeSpan.FromSeconds(29));
            Assert.Empty(Of(CareEventKind.WearableLost));
            await RunAsync(home, TimeSpan.FromSeconds(31));
            var lost = Assert.Single(Of(CareEventKind.WearableLost));
            Assert.Equal(SimulatedHome.Wearable, lost.SensorId);
            Assert.Equal("wearable: no samples for 30 s; falls are not detected (link searching: link dropped)", lost.Message);
            Assert.Equal("lost", GatewayStates.Heartbeat(home.Home)["wearable"]);

            home.Wearer.RestoreLink();
            await RunAsync(home, TimeSpan.FromSeconds(20));
            var restored = Assert.Single(Of(CareEventKind.WearableRestored));
            output.WriteLine($"60 s drop: {restored.Message}; {wearable.LostSamples} lost in all");

            // 60 s = 1 000 packets: 501 older than the ring and the 20 the device overwrites while it answers (1 563 samples).
            Assert.Equal(1563, wearable.LostSamples);
            Assert.Matches(@"^wearable: samples again after 6\d s; 1563 samples not recovered$", restored.Message);
            Assert.Equal("1563", GatewayStates.Heartbeat(home.Home)["wearable.lost_samples"]);
            Assert.Equal("connected", GatewayStates.Heartbeat(home.Home)["wearable"]);

            await stop.CancelAsync();
            await running;
        }
    }

    [Fact]
    public async Task Its_button_calls_for_help_and_a_draining_cell_is_low_then_critical_then_changed()
    {
        var (home, stop, running) = await StartAsync();
        using (home)
        using (stop)
        {
            await RunAsync(home, TimeSpan.FromSeconds(1));
            home.PressWearableButton();
            await RunAsync(home, TimeSpan.FromSeconds(1));
            var help = Assert.Single(home.Loop.ActiveAlarms);
            Assert.Equal((CareEventKind.HelpButton, "wearable-button"), (help.Event.Kind, help.Event.SensorId));

            home.SetWearableBattery(19);
            await RunAsync(home, TimeSpan.FromSeconds(1));
            home.SetWearableBattery(9);
            await RunAsync(home, TimeSpan.FromSeconds(1));
            Assert.Equal("9", GatewayStates.Heartbeat(home.Home)["wearable.battery_percent"]);
            home.SetWearableBattery(100);
            await RunAsync(home, TimeSpan.FromSeconds(1));

            Assert.Equal(
                [CareEventKind.WearableBatteryLow, CareEventKind.WearableBatteryCritical, CareEventKind.WearableBatteryRestored],
                _events.Where(e => e.Kind.ToString().StartsWith("WearableBattery", StringComparison.Ordinal)).Select(e => e.Kind));
            Assert.Equal("wearable battery 9 %: change its cell today; when it is empty, falls go undetected", Of(CareEventKind.WearableBatteryCritical)[0].Message);

            await stop.CancelAsync();
            await running;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
