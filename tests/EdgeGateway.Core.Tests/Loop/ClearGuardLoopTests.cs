using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Loop;

/// <summary>A clear guard with a bug is a rule with a bug: the loop reports it and goes on, as it does for any rule.</summary>
public sealed class ClearGuardLoopTests
{
    [Fact]
    public async Task A_guard_that_throws_is_reported_by_name_and_the_loop_still_clears_and_turns()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var events = new CareEventFactory("home-1", time, new FixedClockSyncStatus(true));
        var loop = new AlarmLoop(events, time, [new HelpButtonRule(new HelpButtonOptions()), new ThrowingGuard()], new RecordingBuzzer(), new RecordingLed());
        var happenings = new List<LoopHappening>();
        loop.Happened += h =>
        {
            lock (happenings)
            {
                happenings.Add(h);
            }
        };
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(stop.Token);

        Assert.True(loop.TryPost(SensorReading.Contact("cord", SensorKind.HelpButton, true, events.Now())));
        var raised = await loop.Outbound.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(loop.TryClear(raised.Id, ClearReason.Centre));
        var cleared = await loop.Outbound.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((CareEventKind.AlarmCleared, raised.Id), (cleared.Kind, cleared.RelatesTo));
        Assert.Empty(loop.ActiveAlarms);
        lock (happenings)
        {
            Assert.Contains(happenings, h => h.Kind == LoopHappeningKind.RuleFailed && h.Text.Contains("rule broken-guard failed", StringComparison.Ordinal));
        }

        await stop.CancelAsync();
        await running;
    }

    private sealed class ThrowingGuard : IClearGuard
    {
        public string Name => "broken-guard";

        public void OnReading(in SensorReading reading, IRuleContext context)
        {
        }

        public void OnTimer(long token, IRuleContext context)
        {
        }

        public string? RefuseClear(Alarm alarm, ClearReason reason) => throw new InvalidOperationException("guard bug");

        public void OnCleared(Alarm alarm) => throw new InvalidOperationException("guard bug");
    }
}
