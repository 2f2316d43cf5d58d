using System.Globalization;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Rollouts;

/// <summary>
/// Drives the running rollout (issue 32): sends <c>update</c> to the current wave's homes inside the window (never to a
/// home with an open alarm), fails a home that refuses, cannot be reached three times or does not report in time, halts
/// everything — and raises a technical alarm for the nurses' page — once more homes failed than tolerated, and moves to
/// the next wave when every home of this one passed and the soak has elapsed. Of several centre instances on one archive
/// only the holder of the lease sends; the homes' reports are written by whichever instance ingests them
/// (<see cref="OnEventAsync"/>), and every write is conditional on the state it read, so a halt wins over a late send.
/// </summary>
public sealed partial class RolloutDriver : IDisposable
{
    /// <summary>The command type the gateways implement.</summary>
    public const string CommandType = "update";

    /// <summary>Who the commands are sent as.</summary>
    public const string By = "rollout";

    /// <summary>The lease row's name.</summary>
    public const string LeaseName = "rollout-driver";

    /// <summary>Attempts at a command that was not sent or not answered before the home counts as failed.</summary>
    public const int MaxTries = 3;

    /// <summary>How often the running centre ticks.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long a lease lasts unrenewed: several ticks, so a driver that died is replaced within half a minute.</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(30);

    private static readonly string[] Open = [RolloutHomeStates.Waiting, RolloutHomeStates.Deferred, RolloutHomeStates.Sent];
    private readonly IArchive _archive;
    private readonly RolloutSender _send;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly ChangeFeed _changes;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _tick = new(1, 1);

    /// <summary>Creates the driver of this centre instance (<paramref name="instance"/> names it in the lease).</summary>
    public RolloutDriver(IArchive archive, RolloutSender send, TimeProvider time, TimeZoneInfo zone, ChangeFeed changes, ILogger logger, string instance)
    {
        _archive = archive ?? throw new ArgumentNullException(nameof(archive));
        _send = send ?? throw new ArgumentNullException(nameof(send));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _zone = zone ?? throw new ArgumentNullException(nameof(zone));
        _changes = changes ?? throw new ArgumentNullException(nameof(changes));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Instance = instance ?? throw new ArgumentNullException(nameof(instance));
    }

    /// <summary>This instance's name in the lease.</summary>
    public string Instance { get; }

    /// <summary>Ticks every <see cref="TickInterval"/> on the centre's clock until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await TickAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The archive may be away for a moment (a PostgreSQL failover); the next tick tries again.
                    LogTickFailed(_logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>One step of the running rollout as of now (the loop calls it; tests call it directly). Does nothing without the lease.</summary>
    public async Task TickAsync(CancellationToken cancellationToken = default)
    {
        await _tick.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StepAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _tick.Release();
        }
    }

    private async Task StepAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (!await _archive.HoldLeaseAsync(LeaseName, Instance, now, LeaseTtl, ct).ConfigureAwait(false)
            || await _archive.LatestRolloutAsync(ct).ConfigureAwait(false) is not { State: RolloutStates.Running } rollout)
        {
            return;
        }

        var spec = rollout.Spec;
        foreach (var late in (await _archive.RolloutHomesAsync(rollout.Id, ct).ConfigureAwait(false))
            .Where(h => h.State == RolloutHomeStates.Sent && h.SentAt is { } sent && now - sent >= spec.ReportTimeout))
        {
            var reason = $"no report within {Span(spec.ReportTimeout)} of accepting the update";
            if (await FailAsync(rollout, late, reason, now, [RolloutHomeStates.Sent], ct).ConfigureAwait(false))
            {
                return;
            }
        }

        var homes = await _archive.RolloutHomesAsync(rollout.Id, ct).ConfigureAwait(false);
        if (homes.Where(h => h.Wave >= 1 && h.Wave <= rollout.Wave).All(h => h.State == RolloutHomeStates.Passed))
        {
            if (await AdvanceAsync(rollout, homes, now, ct).ConfigureAwait(false) is not { } next)
            {
                return;
            }

            rollout = next;
        }

        if (spec.Window is { } window && !window.Contains(now, _zone))
        {
            return;
        }

        var alarmed = (await _archive.AlarmsAsync(openOnly: true, ct).ConfigureAwait(false)).Select(a => a.Gateway).ToHashSet(StringComparer.Ordinal);
        foreach (var home in homes.Where(h => h.Wave == rollout.Wave && h.State is RolloutHomeStates.Waiting or RolloutHomeStates.Deferred))
        {
            // Another instance may have halted it since (a failure report it ingested): not one more command then. A wave
            // of homes that do not answer takes a command timeout each: the lease is renewed per home, and a driver that
            // lost it (it was too slow) stops rather than send beside the new holder.
            if (await _archive.RolloutAsync(rollout.Id, ct).ConfigureAwait(false) is not { State: RolloutStates.Running }
                || !await _archive.HoldLeaseAsync(LeaseName, Instance, _time.GetUtcNow(), LeaseTtl, ct).ConfigureAwait(false))
            {
                return;
            }

            if (alarmed.Contains(home.Gateway))
            {
                if (home.State != RolloutHomeStates.Deferred
                    && await _archive.UpdateRolloutHomeAsync(rollout.Id, home with { State = RolloutHomeStates.Deferred, Reason = "an alarm is open: sent when it is cleared" }, [home.State], ct).ConfigureAwait(false))
                {
                    LogDeferred(_logger, home.Gateway, rollout.Id);
                    Changed();
                }

                continue;
            }

            if (await SendAsync(rollout, home, now, ct).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    // Sends the update to one home and records its reply; true when the rollout halted because of it.
    private async Task<bool> SendAsync(RolloutRecord rollout, RolloutHome home, DateTimeOffset now, CancellationToken ct)
    {
        var spec = rollout.Spec;
        var release = spec.Release;
        var outcome = await _send(home.Gateway, CommandType, By, w =>
        {
            w.WriteString("version", release.Version);
            w.WriteString("url", release.Url);
            w.WriteNumber("size", release.Size);
            w.WriteString("sha256", release.Sha256);
            w.WritePropertyName("signature");
            w.WriteRawValue(release.SignatureJson);
            w.WriteString("rollout", spec.Id);
            w.WriteNumber("gate_seconds", spec.GateSeconds);
        }, ct).ConfigureAwait(false);
        var after = _time.GetUtcNow();
        switch (outcome.Status)
        {
            case "ok" when ResultState(outcome.Reply) == "accepted":
                await Record(home with { State = RolloutHomeStates.Sent, SentAt = after, Reason = null }).ConfigureAwait(false);
                LogSent(_logger, home.Gateway, release.Version, rollout.Id, home.Wave);
                return false;
            case "ok" when ResultState(outcome.Reply) == "current":
                await Record(home with { State = RolloutHomeStates.Passed, DoneAt = after, Reason = $"already ran {release.Version}" }).ConfigureAwait(false);
                return false;
            case "ok":
                return await FailAsync(rollout, home, $"unexpected reply {outcome.Reply}", after, [home.State], ct).ConfigureAwait(false);
            case "error":
                return await FailAsync(rollout, home, $"replied {ErrorOf(outcome.Reply)}", after, [home.State], ct).ConfigureAwait(false);
            default:
                var tries = home.Tries + 1;
                if (tries >= MaxTries)
                {
                    return await FailAsync(rollout, home with { Tries = tries }, $"the update command was not delivered {tries} times (last: {outcome.Status})", after, [home.State], ct).ConfigureAwait(false);
                }

                await Record(home with { Tries = tries, Reason = $"{outcome.Status} (try {tries} of {MaxTries})" }).ConfigureAwait(false);
                return false;
        }

        async Task Record(RolloutHome next)
        {
            if (await _archive.UpdateRolloutHomeAsync(rollout.Id, next, [home.State], ct).ConfigureAwait(false))
            {
                Changed();
            }
        }
    }

    // Every home up to this wave passed: start the soak, or after it the next wave (or complete). Returns the rollout to
    // send for now, or null when nothing is to be sent this tick.
    private async Task<RolloutRecord?> AdvanceAsync(RolloutRecord rollout, IReadOnlyList<RolloutHome> homes, DateTimeOffset now, CancellationToken ct)
    {
        if (rollout.WavePassedAt is not { } passed)
        {
            if (await _archive.UpdateRolloutAsync(rollout with { WavePassedAt = now, UpdatedAt = now }, RolloutStates.Running, rollout.Wave, ct).ConfigureAwait(false))
            {
                var soak = Span(rollout.Spec.Soak);
                LogWavePassed(_logger, rollout.Id, rollout.Wave, soak);
                Changed();
            }

            if (rollout.Spec.Soak > TimeSpan.Zero)
            {
                return null;
            }

            passed = now;
        }

        if (now - passed < rollout.Spec.Soak)
        {
            return null;
        }

        // Waves the shares left empty are skipped: there is nothing in them to soak.
        var next = homes.Where(h => h.Wave > rollout.Wave).Select(h => h.Wave).DefaultIfEmpty(0).Min();
        var moved = next == 0
            ? rollout with { State = RolloutStates.Completed, UpdatedAt = now }
            : rollout with { Wave = next, WavePassedAt = null, UpdatedAt = now };
        if (!await _archive.UpdateRolloutAsync(moved, RolloutStates.Running, rollout.Wave, ct).ConfigureAwait(false))
        {
            return null;
        }

        LogWaveMoved(_logger, rollout.Id, moved.State, moved.Wave);
        Changed();
        return next == 0 ? null : moved;
    }

    /// <summary>
    /// A home's report, from whichever instance ingested it: <c>technical.update-completed</c> for the rollout's version
    /// passes the home, <c>technical.update-failed</c> fails it (and may halt the rollout). Other events are ignored.
    /// </summary>
    public async Task OnEventAsync(CareEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.Kind is not (CareEventKind.UpdateCompleted or CareEventKind.UpdateFailed)
            || !evt.Data.TryGetValue("rollout", out var id)
            || await _archive.RolloutAsync(id).ConfigureAwait(false) is not { } rollout
            || (await _archive.RolloutHomesAsync(id).ConfigureAwait(false)).FirstOrDefault(h => h.Gateway == evt.GatewayId) is not { } home)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var version = evt.Data.GetValueOrDefault("version");

        // A home whose reply was lost (no_reply) may still have accepted: its report counts from waiting or deferred too.
        if (evt.Kind == CareEventKind.UpdateCompleted && version == rollout.Spec.Release.Version)
        {
            if (await _archive.UpdateRolloutHomeAsync(id, home with { State = RolloutHomeStates.Passed, DoneAt = now, Reason = null }, Open).ConfigureAwait(false))
            {
                LogPassed(_logger, home.Gateway, version, id);
                Changed();
            }
        }
        else if (evt.Kind == CareEventKind.UpdateFailed)
        {
            var stage = evt.Data.GetValueOrDefault("stage") ?? "unknown stage";
            var reason = evt.Data.GetValueOrDefault("reason") ?? evt.Message;
            await FailAsync(rollout, home, $"update failed at {stage}: {reason}", now, Open, CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Marks one home failed and halts the rollout once the failures pass the tolerance; true when it is (now) halted.
    private async Task<bool> FailAsync(RolloutRecord rollout, RolloutHome home, string reason, DateTimeOffset now, IReadOnlyCollection<string> from, CancellationToken ct)
    {
        if (await _archive.UpdateRolloutHomeAsync(rollout.Id, home with { State = RolloutHomeStates.Failed, DoneAt = now, Reason = reason }, from, ct).ConfigureAwait(false))
        {
            LogFailed(_logger, home.Gateway, rollout.Id, reason);
            Changed();
        }

        var failed = (await _archive.RolloutHomesAsync(rollout.Id, ct).ConfigureAwait(false)).Count(h => h.State == RolloutHomeStates.Failed);
        if (failed <= rollout.Spec.MaxFailures)
        {
            return false;
        }

        // Read again: the wave may have moved since (the lease holder), and the halt must name the state it replaces.
        if (await _archive.RolloutAsync(rollout.Id, ct).ConfigureAwait(false) is not { State: RolloutStates.Running } current)
        {
            return true;
        }

        var why = $"{home.Gateway} could not update to {rollout.Spec.Release.Version}: {reason} ({failed} failed, {rollout.Spec.MaxFailures} tolerated)";
        if (await _archive.UpdateRolloutAsync(current with { State = RolloutStates.Halted, HaltReason = why, UpdatedAt = now }, RolloutStates.Running, current.Wave, ct).ConfigureAwait(false))
        {
            LogHalted(_logger, rollout.Id, why);
            var alarm = new SupervisionAlarm($"rollout-halted:{rollout.Id}", home.Gateway, SupervisionTypes.RolloutHalted, 3,
                $"Release rollout {rollout.Id} halted, no further home is updated: {why}. A technician should look at this home (docs/operations.md \"Rolling out a release\").", now);
            if (await _archive.RaiseSupervisionAlarmAsync(alarm, ct).ConfigureAwait(false) is { } raised)
            {
                _changes.Publish(new CentreChange("alarm", raised, null));
            }

            Changed();
        }

        return true;
    }

    /// <summary>Halts the running rollout for an operator (no alarm: a person decided it); null when none is running.</summary>
    public static async Task<RolloutRecord?> HaltAsync(IArchive archive, string by, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        while (await archive.LatestRolloutAsync(cancellationToken).ConfigureAwait(false) is { State: RolloutStates.Running } running)
        {
            var halted = running with { State = RolloutStates.Halted, HaltReason = $"halted by {by}: {reason}", UpdatedAt = now };

            // A wave that moved between the read and the write is read again: the halt must not be lost to it.
            if (await archive.UpdateRolloutAsync(halted, RolloutStates.Running, running.Wave, cancellationToken).ConfigureAwait(false))
            {
                await archive.RecordActionAsync(new OperatorAction(now, by, "rollout-halt", null, null, null, "ok", $"{running.Id}: {reason}"), cancellationToken).ConfigureAwait(false);
                return halted;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _tick.Dispose();

    private void Changed() => _changes.Publish(new CentreChange("rollout", null, null));

    private static string? ResultState(string? reply)
    {
        if (reply is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(reply);
        return doc.RootElement.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()
            : null;
    }

    private static string ErrorOf(string? reply)
    {
        if (reply is null)
        {
            return "no reason given";
        }

        using var doc = JsonDocument.Parse(reply);
        return doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
            ? $"{Text(e, "code")}: {Text(e, "message")}"
            : reply;

        static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";
    }

    /// <summary>A duration as a person reads it: 35 min, 2 h 5 min, 90 s.</summary>
    internal static string Span(TimeSpan t) => t.TotalMinutes < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalSeconds} s")
        : t.TotalHours < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes} min");

    [LoggerMessage(EventId = 3320, Level = LogLevel.Information, Message = "Rollout {Rollout}: sent update {Version} to {Gateway} (wave {Wave}), which accepted it")]
    private static partial void LogSent(ILogger logger, string gateway, string version, string rollout, int wave);

    [LoggerMessage(EventId = 3321, Level = LogLevel.Information, Message = "Rollout {Rollout}: {Gateway} runs {Version} and passed its health gate")]
    private static partial void LogPassed(ILogger logger, string gateway, string version, string rollout);

    [LoggerMessage(EventId = 3322, Level = LogLevel.Warning, Message = "Rollout {Rollout}: {Gateway} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string gateway, string rollout, string reason);

    [LoggerMessage(EventId = 3323, Level = LogLevel.Warning, Message = "Rollout {Rollout} HALTED, nothing more is sent: {Reason}. See `central rollout status`.")]
    private static partial void LogHalted(ILogger logger, string rollout, string reason);

    [LoggerMessage(EventId = 3324, Level = LogLevel.Information, Message = "Rollout {Rollout}: every home of wave {Wave} passed; soaking {Soak}")]
    private static partial void LogWavePassed(ILogger logger, string rollout, int wave, string soak);

    [LoggerMessage(EventId = 3325, Level = LogLevel.Information, Message = "Rollout {Rollout}: {State}, wave {Wave}")]
    private static partial void LogWaveMoved(ILogger logger, string rollout, string state, int wave);

    [LoggerMessage(EventId = 3326, Level = LogLevel.Information, Message = "Rollout {Rollout}: {Gateway} has an open alarm; its update waits until it is cleared")]
    private static partial void LogDeferred(ILogger logger, string gateway, string rollout);

    [LoggerMessage(EventId = 3327, Level = LogLevel.Warning, Message = "Rollout tick failed, tried again at the next: {Reason}")]
    private static partial void LogTickFailed(ILogger logger, string reason);
}
