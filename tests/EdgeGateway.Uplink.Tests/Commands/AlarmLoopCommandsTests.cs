using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Uplink.Commands;

namespace EdgeGateway.Uplink.Tests.Commands;

public sealed class AlarmLoopCommandsTests
{
    [Fact]
    public async Task Acknowledge_and_clear_commands_move_a_real_alarm_through_its_lifecycle()
    {
        var time = TimeProvider.System;
        var factory = new CareEventFactory("home-7", time, new FixedClockSyncStatus(true));
        var loop = new AlarmLoop(factory, time, [new HelpButtonRule(new HelpButtonOptions())], new SimulatedBuzzer(), new SimulatedLed());
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = loop.RunAsync(stop.Token);
        var commands = new AlarmLoopCommands(loop);

        Assert.True(loop.TryPost(SensorReading.Contact("cord", SensorKind.HelpButton, true, factory.Now())));
        var alarm = await Until(() => loop.ActiveAlarms.SingleOrDefault(), stop.Token);

        Assert.True(commands.Acknowledge(alarm.Id, "nurse-anna").Ok);
        await Until(() => alarm.State == AlarmState.Taken ? alarm : null, stop.Token);
        Assert.Equal("nurse-anna", alarm.TakenBy);

        Assert.True(commands.Clear(alarm.Id, "nurse-anna").Ok);
        await Until(() => loop.ActiveAlarms.Count == 0 ? alarm : null, stop.Token);
        Assert.Equal(ClearReason.Centre, alarm.ClearReason);

        var again = commands.Clear(alarm.Id, "nurse-anna");
        Assert.Equal(CommandErrorCodes.NotFound, again.ErrorCode);
        Assert.Contains(alarm.Id.ToString(), again.Message, StringComparison.Ordinal);
        Assert.Equal(CommandErrorCodes.NotFound, commands.Acknowledge(Guid.CreateVersion7(), "x").ErrorCode);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task The_centre_is_told_at_once_that_a_fire_cannot_be_cleared_while_the_detector_reports_smoke()
    {
        var time = TimeProvider.System;
        var factory = new CareEventFactory("home-7", time, new FixedClockSyncStatus(true));
        var loop = new AlarmLoop(factory, time, [new SafetyDeviceRule(new SafetyDevicesOptions())], new SimulatedBuzzer(), new SimulatedLed());
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = loop.RunAsync(stop.Token);
        var commands = new AlarmLoopCommands(loop);

        Assert.True(loop.TryPost(SensorReading.Contact("kitchen-smoke", SensorKind.SmokeDetector, true, factory.Now())));
        var fire = await Until(() => loop.ActiveAlarms.SingleOrDefault(), stop.Token);
        await Until(() => loop.CentreClearRefusal(fire.Id), stop.Token);

        var refused = commands.Clear(fire.Id, "nurse-anna");
        Assert.Equal(CommandErrorCodes.Refused, refused.ErrorCode);
        Assert.Contains("still reports smoke", refused.Message, StringComparison.Ordinal);

        Assert.True(loop.TryPost(SensorReading.Contact("kitchen-smoke", SensorKind.SmokeDetector, false, factory.Now())));
        await Until(() => loop.CentreClearRefusal(fire.Id) is null ? fire : null, stop.Token);
        Assert.True(commands.Clear(fire.Id, "nurse-anna").Ok);
        // The loop takes the alarm out of its active list, then marks it cleared: wait for both, not the first alone.
        await Until(() => loop.ActiveAlarms.Count == 0 && fire.ClearReason is not null ? fire : null, stop.Token);
        Assert.Equal(ClearReason.Centre, fire.ClearReason);

        await stop.CancelAsync();
        await run;
    }

    private static async Task<T> Until<T>(Func<T?> probe, CancellationToken ct)
        where T : class
    {
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(10, ct);
        }
    }
}
