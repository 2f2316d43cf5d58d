using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Updates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Tests.Updates;

/// <summary>The health gate on a temporary install folder (current → releases/B on trial, releases/A before it) with a fake gateway and a fake clock.</summary>
public sealed class HealthGateTests : IDisposable
{
    private static readonly DateTimeOffset SwitchedAt = new(2026, 12, 4, 23, 0, 0, TimeSpan.Zero);
    private readonly UpdateRig _rig = new();
    private readonly FakeTimeProvider _time = new(SwitchedAt.AddSeconds(20));

    public HealthGateTests()
    {
        // What the updater leaves: B unpacked beside A, current switched to B, the state on trial; an older release to prune.
        foreach (var version in new[] { UpdateRig.VersionB, "0.30.0+000000000000" })
        {
            var dir = Path.Combine(_rig.InstallDir, "releases", version);
            Directory.CreateDirectory(Path.Combine(dir, "app"));
            File.WriteAllText(Path.Combine(dir, "VERSION"), version + "\n");
        }

        File.WriteAllText(Path.Combine(_rig.InstallDir, "releases", UpdateRig.VersionB, "update-guard.sh"), "#!/bin/sh\n# guard of B\nexit 0\n");
        _rig.Install.Switch(ReleaseInstall.TargetOf(UpdateRig.VersionB));
        new UpdateState(UpdatePhase.Trial, UpdateRig.VersionB, UpdateRig.VersionA, "releases/" + UpdateRig.VersionB, "releases/" + UpdateRig.VersionA, SwitchedAt.ToUnixTimeSeconds(), 300, 1, 3, "wave-1", 41_000_000, "", "", false)
            .Write(_rig.StatePath);
    }

    public void Dispose() => _rig.Dispose();

    private HealthGate Gate(string running) => new(_rig.DataDir, _rig.Install, running, _rig.Host, _time, NullLogger.Instance);

    // Drives the fake clock until the gate finishes (each step lets its timers and continuations run).
    private async Task<HealthGateOutcome> RunAsync(string running)
    {
        var run = Gate(running).RunAsync(CancellationToken.None);
        for (var i = 0; i < 2000 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        return await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_acknowledged_test_alarm_commits_the_release_reports_update_completed_and_prunes_old_releases()
    {
        _rig.Host.Connected = true;
        _rig.Host.TestAlarm = _ => Task.FromResult(TestAlarmResult.Delivered(Guid.NewGuid(), TimeSpan.FromMilliseconds(300)));

        Assert.Equal(HealthGateOutcome.Committed, await RunAsync(UpdateRig.VersionB));

        var state = UpdateState.Read(_rig.StatePath)!;
        Assert.Equal(UpdatePhase.Committed, state.Phase);
        Assert.True(state.Reported);
        var completed = Assert.Single(_rig.Host.Events);
        Assert.Equal(CareEventKind.UpdateCompleted, completed.Kind);
        Assert.Equal(UpdateRig.VersionB, completed.Data["version"]);
        Assert.Equal(UpdateRig.VersionA, completed.Data["from"]);
        Assert.Equal("20", completed.Data["gateSeconds"]);
        Assert.Equal("41000000", completed.Data["downloadedBytes"]);
        Assert.Equal("wave-1", completed.Data["rollout"]);
        Assert.Equal(0, _rig.Host.Stops);
        Assert.Equal("releases/" + UpdateRig.VersionB, _rig.CurrentTarget);
        Assert.Equal(
            new[] { UpdateRig.VersionA, UpdateRig.VersionB },
            Directory.GetDirectories(Path.Combine(_rig.InstallDir, "releases")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // B's start guard is the one the unit runs now.
        var guard = Path.Combine(_rig.InstallDir, "update-guard.sh");
        Assert.Contains("guard of B", File.ReadAllText(guard), StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(guard).HasFlag(UnixFileMode.UserExecute));

        // The next start has nothing to judge or report.
        Assert.Equal(HealthGateOutcome.Nothing, await RunAsync(UpdateRig.VersionB));
        Assert.Single(_rig.Host.Events);
    }

    [Fact]
    public async Task A_test_alarm_that_fails_once_is_retried_before_the_deadline()
    {
        _rig.Host.Connected = true;
        var calls = 0;
        _rig.Host.TestAlarm = _ => Task.FromResult(++calls == 1 ? TestAlarmResult.Failed("the centre did not acknowledge in time") : TestAlarmResult.Delivered(Guid.NewGuid(), TimeSpan.FromSeconds(1)));

        Assert.Equal(HealthGateOutcome.Committed, await RunAsync(UpdateRig.VersionB));
        Assert.Equal(2, _rig.Host.TestAlarms);
    }

    [Fact]
    public async Task Without_the_centre_the_release_is_rolled_back_at_the_deadline_and_the_old_release_reports_it_once()
    {
        _rig.Host.Connected = false;

        Assert.Equal(HealthGateOutcome.RolledBack, await RunAsync(UpdateRig.VersionB));

        Assert.True(_time.GetUtcNow() >= SwitchedAt.AddSeconds(300), $"rolled back before the deadline, at {_time.GetUtcNow():u}");
        Assert.Equal("releases/" + UpdateRig.VersionA, _rig.CurrentTarget);
        Assert.Equal(1, _rig.Host.Stops);
        Assert.Equal(0, _rig.Host.TestAlarms);
        Assert.Empty(_rig.Host.Events);
        var state = UpdateState.Read(_rig.StatePath)!;
        Assert.Equal(UpdatePhase.RolledBack, state.Phase);
        Assert.Equal("gate", state.Stage);
        Assert.Contains("the centre was never reached", state.Reason, StringComparison.Ordinal);
        Assert.False(state.Reported);

        // systemd starts the old release: it reports the failure once, and not again at its next start.
        Assert.Equal(HealthGateOutcome.ReportedFailure, await RunAsync(UpdateRig.VersionA));
        var failed = Assert.Single(_rig.Host.Events);
        Assert.Equal(CareEventKind.UpdateFailed, failed.Kind);
        Assert.Equal("gate", failed.Data["stage"]);
        Assert.Equal(UpdateRig.VersionB, failed.Data["version"]);
        Assert.Equal(UpdateRig.VersionA, failed.Data["from"]);
        Assert.Equal("wave-1", failed.Data["rollout"]);
        Assert.Contains("the centre was never reached", failed.Data["reason"], StringComparison.Ordinal);
        Assert.True(UpdateState.Read(_rig.StatePath)!.Reported);

        Assert.Equal(HealthGateOutcome.Nothing, await RunAsync(UpdateRig.VersionA));
        Assert.Single(_rig.Host.Events);
    }

    [Fact]
    public async Task A_centre_reached_but_never_acknowledging_is_named_in_the_reason()
    {
        _rig.Host.Connected = true;

        Assert.Equal(HealthGateOutcome.RolledBack, await RunAsync(UpdateRig.VersionB));

        var reason = UpdateState.Read(_rig.StatePath)!.Reason;
        Assert.Contains("no test alarm acknowledged by the centre within 300 s (last: the centre did not acknowledge in time)", reason, StringComparison.Ordinal);
        Assert.Equal("releases/" + UpdateRig.VersionA, _rig.CurrentTarget);
    }

    [Fact]
    public async Task A_real_alarm_holds_the_rollback_back_until_it_is_cleared_but_a_test_alarm_does_not()
    {
        _rig.Host.Connected = true;
        _rig.Host.Alarms = 2;
        _rig.Host.RealAlarms = 1;
        var run = Gate(UpdateRig.VersionB).RunAsync(CancellationToken.None);
        for (var i = 0; i < 500 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(run.IsCompleted, "rolled back while an alarm was active");
        Assert.Equal("releases/" + UpdateRig.VersionB, _rig.CurrentTarget);
        Assert.Equal(0, _rig.Host.Stops);

        // The resident's alarm is cleared; the gate's own unacknowledged test alarm stays active and must not block.
        _rig.Host.RealAlarms = 0;
        _rig.Host.Alarms = 1;
        for (var i = 0; i < 100 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HealthGateOutcome.RolledBack, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("releases/" + UpdateRig.VersionA, _rig.CurrentTarget);
        Assert.Equal(1, _rig.Host.Stops);
    }

    [Fact]
    public async Task A_failed_release_that_cannot_reach_the_centre_rolls_back_at_once_even_during_an_alarm_so_the_old_one_delivers_it()
    {
        // Luleå: the alarm is in the shared outbox; only the previous release can get it to the centre.
        _rig.Host.Connected = false;
        _rig.Host.Alarms = 1;
        _rig.Host.RealAlarms = 1;
        var run = Gate(UpdateRig.VersionB).RunAsync(CancellationToken.None);
        for (var i = 0; i < 400 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HealthGateOutcome.RolledBack, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("releases/" + UpdateRig.VersionA, _rig.CurrentTarget);
        Assert.Contains("never reached", UpdateState.Read(_rig.StatePath)!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alarm_holds_the_rollback_no_longer_than_the_hold_limit()
    {
        _rig.Host.Connected = true;
        _rig.Host.Alarms = 1;
        _rig.Host.RealAlarms = 1;
        var run = Gate(UpdateRig.VersionB).RunAsync(CancellationToken.None);
        for (var i = 0; i < 1200 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HealthGateOutcome.RolledBack, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("releases/" + UpdateRig.VersionA, _rig.CurrentTarget);
    }

    [Fact]
    public async Task A_full_loop_queue_delays_the_reports_but_does_not_lose_them()
    {
        _rig.Host.Connected = true;
        _rig.Host.TestAlarm = _ => Task.FromResult(TestAlarmResult.Delivered(Guid.NewGuid(), TimeSpan.FromMilliseconds(300)));
        _rig.Host.RefusePosts = 3;

        Assert.Equal(HealthGateOutcome.Committed, await RunAsync(UpdateRig.VersionB));

        Assert.Equal(CareEventKind.UpdateCompleted, Assert.Single(_rig.Host.Events).Kind);
        Assert.True(UpdateState.Read(_rig.StatePath)!.Reported);
    }

    [Fact]
    public async Task The_old_release_on_a_trial_state_does_nothing()
    {
        // The switch happened but the old process still runs (it is stopping): the new release's own start judges it.
        Assert.Equal(HealthGateOutcome.Nothing, await RunAsync(UpdateRig.VersionA));
        Assert.Equal(UpdatePhase.Trial, UpdateState.Read(_rig.StatePath)!.Phase);
        Assert.Empty(_rig.Host.Events);
    }
}
