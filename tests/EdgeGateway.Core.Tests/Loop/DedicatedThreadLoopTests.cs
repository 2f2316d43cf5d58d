using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Tests.Loop;

/// <summary>The gateway runs its loop on a thread of its own on the system clock: same turns, same stop, as on the pool.</summary>
public sealed class DedicatedThreadLoopTests
{
    [Fact]
    public async Task A_press_posted_from_another_thread_sounds_the_buzzer_on_the_loop_thread_and_cancel_stops_it()
    {
        var events = new CareEventFactory("home-1", TimeProvider.System, new FixedClockSyncStatus(true));
        var buzzer = new RecordingBuzzer();
        var loop = new AlarmLoop(events, TimeProvider.System, [new HelpButtonRule(new HelpButtonOptions())], buzzer, new RecordingLed());
        Thread? loopThread = null;
        Thread? turnThread = null;
        loop.Happened += h =>
        {
            if (h.Kind == LoopHappeningKind.AlarmRaised)
            {
                Volatile.Write(ref turnThread, Thread.CurrentThread);
            }
        };
        using var stop = new CancellationTokenSource();
        var running = loop.RunOnDedicatedThread(() => loopThread = Thread.CurrentThread, stop.Token);
        await loop.Armed.WaitAsync(TimeSpan.FromSeconds(10));

        // Posted from a thread that is not the loop's, as a debounce thread does; no other input follows to wake it.
        await Task.Run(() => Assert.True(loop.TryPost(SensorReading.Contact("cord", SensorKind.HelpButton, true, events.Now()))));
        var raised = await loop.Outbound.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(CareEventKind.HelpButton, raised.Kind);
        Assert.NotEqual(BuzzerPattern.Off, buzzer.Pattern);
        Assert.NotNull(loopThread);
        Assert.Equal("alarm loop", loopThread!.Name);
        Assert.Same(loopThread, Volatile.Read(ref turnThread));

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(loop.IsArmed);
        Assert.True(loopThread.Join(TimeSpan.FromSeconds(5)), "the loop's thread did not end");
    }

    [Fact]
    public async Task A_throwing_thread_start_fails_the_run_instead_of_dying_unseen()
    {
        var events = new CareEventFactory("home-1", TimeProvider.System, new FixedClockSyncStatus(true));
        var loop = new AlarmLoop(events, TimeProvider.System, [], new RecordingBuzzer(), new RecordingLed());
        var running = loop.RunOnDedicatedThread(() => throw new InvalidOperationException("no priority"), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => running.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("no priority", ex.Message);
    }
}
