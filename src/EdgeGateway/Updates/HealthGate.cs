using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Updates;

/// <summary>
/// Runs at every start once the loop is armed. A release on trial must reach the centre and get a test alarm acknowledged
/// by it (end to end: loop, outbox, uplink, centre, ack) before <c>switched_at + gate_seconds</c>; then it is committed,
/// otherwise <c>current</c> goes back to the previous release and the process stops for systemd to start that one. The
/// previous release, started again after a rollback, reports <c>technical.update-failed</c> once.
/// </summary>
internal sealed class HealthGate(string dataDir, ReleaseInstall install, string running, IUpdateHost host, TimeProvider time, ILogger logger)
{
    /// <summary>Who the gate's test alarms are raised by (shown at the centre).</summary>
    public const string By = "update health gate";

    /// <summary>The longest a failed gate's rollback waits for an active alarm to be cleared (and only while the centre is reached).</summary>
    public TimeSpan RollbackHoldLimit { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Pause between checks of the uplink and between test alarms that were not acknowledged.</summary>
    public TimeSpan RetryPause { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Judges or reports the update the state file describes; returns what it did.</summary>
    public async Task<HealthGateOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var path = UpdateState.PathIn(dataDir);
        var state = UpdateState.Read(path);
        if (state is { Phase: UpdatePhase.RolledBack, Reported: false } && state.FromVersion == running)
        {
            return await ReportRollbackAsync(state, path, cancellationToken).ConfigureAwait(false);
        }

        if (state is { Phase: UpdatePhase.RolledBack } && state.Version == running && state.From.Length > 0 && install.CurrentTarget() != state.From)
        {
            // Rolled back, but the switch back did not happen (a power cut in between): finish it.
            UpdateLog.RolledBack(logger, state.Version, state.Reason, state.From);
            install.Switch(state.From);
            host.StopProcess();
            return HealthGateOutcome.RolledBack;
        }

        if (state is not { Phase: UpdatePhase.Trial } || state.Version != running)
        {
            return HealthGateOutcome.Nothing;
        }

        var switchedAt = DateTimeOffset.FromUnixTimeSeconds(state.SwitchedAt);
        var deadline = switchedAt.AddSeconds(state.GateSeconds);
        UpdateLog.GateStarted(logger, state.Version, deadline);
        var reached = false;
        string? last = null;
        var waitingLogged = false;
        while (time.GetUtcNow() < deadline)
        {
            if (!host.UplinkConnected)
            {
                if (!waitingLogged)
                {
                    UpdateLog.GateWaitsForUplink(logger);
                    waitingLogged = true;
                }

                await PauseAsync(deadline, cancellationToken).ConfigureAwait(false);
                continue;
            }

            reached = true;
            using var limit = new CancellationTokenSource(Until(deadline), time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
            var result = await host.SendTestAlarmAsync(By, either.Token).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (result is { Ok: true, Acknowledged: true })
            {
                await CommitAsync(state, path, cancellationToken).ConfigureAwait(false);
                return HealthGateOutcome.Committed;
            }

            last = result.FailureReason ?? "not acknowledged";
            UpdateLog.GateRetry(logger, last);
            await PauseAsync(deadline, cancellationToken).ConfigureAwait(false);
        }

        var reason = reached
            ? $"no test alarm acknowledged by the centre within {state.GateSeconds} s (last: {last ?? "none answered"})"
            : $"the centre was never reached within {state.GateSeconds} s";
        await WaitForQuietAsync(state.Version, cancellationToken).ConfigureAwait(false);
        RollBack(state, path, reason);
        return HealthGateOutcome.RolledBack;
    }

    private async Task CommitAsync(UpdateState state, string path, CancellationToken cancellationToken)
    {
        var took = Math.Max(0, time.GetUtcNow().ToUnixTimeSeconds() - state.SwitchedAt);
        state = state with { Phase = UpdatePhase.Committed };
        state.Write(path);
        if (await PostAsync(
            CareEventKind.UpdateCompleted,
            $"release {state.Version} passed its health gate in {took} s and is kept (was {state.FromVersion})",
            UpdateEvents.Completed(state, took),
            cancellationToken).ConfigureAwait(false))
        {
            state = state with { Reported = true };
            state.Write(path);
        }

        var removed = "none";
        try
        {
            // The previous release stays for a manual rollback (deploy/update.sh); older ones only take space on the SD card.
            var deleted = install.Prune(install.CurrentTarget(), state.From);
            removed = deleted.Count == 0 ? "none" : string.Join(", ", deleted);

            // The release that stays brings its own start guard (the unit runs the one beside the releases).
            install.InstallGuard();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            UpdateLog.PruneFailed(logger, ex.Message);
        }

        UpdateLog.Committed(logger, state.Version, took, removed);
    }

    // A restart drops the loop's state and silences a buzzer, so the rollback waits for real alarms to be cleared, as the
    // switch did, but only while the centre is reached and at most RollbackHoldLimit: a failed release that cannot reach
    // the centre must not keep an alarm from it (the previous release delivers it from the shared outbox at once).
    private async Task WaitForQuietAsync(string version, CancellationToken cancellationToken)
    {
        var logged = false;
        var until = time.GetUtcNow() + RollbackHoldLimit;
        while (host.ActiveAlarmsBesidesTests is > 0 and var alarms && host.UplinkConnected && time.GetUtcNow() < until)
        {
            if (!logged)
            {
                UpdateLog.RollbackWaits(logger, version, alarms);
                logged = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RollBack(UpdateState state, string path, string reason)
    {
        UpdateLog.RolledBack(logger, state.Version, reason, state.From);

        // The state first: a power cut between the two starts the new release with rolled-back, and RunAsync finishes the switch back.
        (state with { Phase = UpdatePhase.RolledBack, Stage = "gate", Reason = reason, Reported = false }).Write(path);
        install.Switch(state.From);
        host.StopProcess();
    }

    private async Task<HealthGateOutcome> ReportRollbackAsync(UpdateState state, string path, CancellationToken cancellationToken)
    {
        if (await PostAsync(
            CareEventKind.UpdateFailed,
            $"update to {state.Version} was rolled back at {state.Stage}: {state.Reason}; {running} runs again",
            UpdateEvents.Failed(state.Version, state.FromVersion, state.Stage, state.Reason, state.Rollout),
            cancellationToken).ConfigureAwait(false))
        {
            (state with { Reported = true }).Write(path);
            UpdateLog.ReportedRollback(logger, running, state.Version, state.Stage, state.Reason);
            return HealthGateOutcome.ReportedFailure;
        }

        return HealthGateOutcome.Nothing;
    }

    // The loop's queue may be full right after a start: try for half a minute rather than lose the report.
    private async Task<bool> PostAsync(CareEventKind kind, string message, IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            if (host.PostTechnical(kind, message, data))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private TimeSpan Until(DateTimeOffset deadline) => deadline - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    private Task PauseAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var left = Until(deadline);
        return Task.Delay(left < RetryPause ? left : RetryPause, time, cancellationToken);
    }
}
