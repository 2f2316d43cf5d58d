using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Runtime;

public sealed class LoopWatchdogTests
{
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public List<string> States { get; } = [];

        public bool IsEnabled => true;

        public void Notify(ServiceState state) => States.Add(state.ToString());
    }

    /// <summary>A rule with a bug that never returns: the loop hangs inside it.</summary>
    private sealed class HangingRule(ManualResetEventSlim release) : ICareRule
    {
        public string Name => "hang";

        public void OnReading(in SensorReading reading, IRuleContext context) => release.Wait();

        public void OnTimer(long token, IRuleContext context)
        {
        }
    }

    [Fact]
    public async Task Pets_only_while_the_loop_answers_probes()
    {
        var time = new FakeTimeProvider();
        var events = new CareEventFactory("home-1", time, new FixedClockSyncStatus(true));
        using var release = new ManualResetEventSlim();
        var loop = new AlarmLoop(events, time, [new HangingRule(release)], new SimulatedBuzzer(), new SimulatedLed());
        var notifier = new RecordingNotifier();
        using var watchdog = new LoopWatchdog(loop, notifier, time, TimeSpan.FromSeconds(10));

        // Not armed yet: no pet.
        watchdog.Tick();
        Assert.Equal(0, watchdog.Pets);

        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => loop.RunAsync(stop.Token));
        await loop.Armed.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 3; i++)
        {
            watchdog.Tick();
            await Eventually.UntilAsync(() => loop.AnsweredProbe == i + 2, TimeSpan.FromSeconds(5));
        }

        watchdog.Tick();
        Assert.True(watchdog.Pets >= 3);
        Assert.All(notifier.States, s => Assert.Equal("WATCHDOG=1", s));

        // The loop hangs in a rule: probes stop coming back and the petting stops, so systemd restarts the gateway.
        loop.TryPost(SensorReading.Contact("door", SensorKind.DoorContact, true, events.Now()));
        await Task.Delay(100);
        watchdog.Tick(); // may still pet for the probe answered before the hang
        var before = watchdog.Pets;
        watchdog.Tick();
        watchdog.Tick();
        watchdog.Tick();
        Assert.Equal(before, watchdog.Pets);

        release.Set();
        await stop.CancelAsync();
        await running;
    }
}
