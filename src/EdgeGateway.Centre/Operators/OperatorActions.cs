using System.Collections.Concurrent;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Commands;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Operators;

/// <summary>The nurses' actions (take, clear, test, notes): recorded at the centre first, then carried to the gateway, each logged as an operator action.</summary>
internal sealed partial class OperatorActions(IArchive archive, GatewayCommands commands, TestArrivals tests, DutyCentreOptions options, ChangeFeed changes, ILogger logger, CancellationToken stopping)
{
    private readonly TimeProvider _time = options.Time;
    private readonly ConcurrentDictionary<Task, byte> _background = new();

    /// <summary>Takes an alarm on for <paramref name="operatorName"/>; for a gateway alarm sends <c>alarm.acknowledge</c> ("help is coming").</summary>
    /// <exception cref="CentreActionException">No such alarm (404) or it is cleared or already taken (409).</exception>
    public async Task<AlarmActionResult> TakeAsync(Guid alarmId, string operatorName, CancellationToken cancellationToken)
    {
        var alarm = await archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no alarm {alarmId}");
        var now = _time.GetUtcNow();
        if (!await archive.TakeAsync(alarmId, operatorName, now, cancellationToken).ConfigureAwait(false))
        {
            var current = await archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false);
            throw new CentreActionException(409, "id", current!.State == AlarmStates.Cleared ? $"alarm {alarmId} is already cleared" : $"alarm {alarmId} is already taken by {current.TakenBy}");
        }

        // Taken at the centre first: escalation stops for a nurse who has it even when the gateway cannot be reached.
        var outcome = alarm.Origin == "gateway"
            ? await commands.SendAsync(alarm.Gateway, "alarm.acknowledge", operatorName, w => w.WriteString("alarm", alarmId), cancellationToken).ConfigureAwait(false)
            : null;
        return await FinishAsync("take", operatorName, alarm, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes <paramref name="alarm"/> on for <paramref name="operatorName"/> without waiting (<see cref="DutyCentreOptions.TakeAs"/>); a refusal is logged.</summary>
    public void TakeInBackground(Guid alarm, string operatorName)
    {
        var task = TakeAsAsync(alarm, operatorName);
        _background[task] = 0;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every take started in the background has finished.</summary>
    public Task IdleAsync() => Task.WhenAll(_background.Keys);

    /// <summary>Clears an alarm with <paramref name="reason"/>; for a gateway alarm sends <c>alarm.clear</c>.</summary>
    /// <exception cref="CentreActionException">No such alarm (404) or already cleared (409).</exception>
    public async Task<AlarmActionResult> ClearAsync(Guid alarmId, string operatorName, string reason, CancellationToken cancellationToken)
    {
        var alarm = await archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no alarm {alarmId}");
        if (!await archive.ClearAsync(alarmId, operatorName, reason, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new CentreActionException(409, "id", $"alarm {alarmId} is already cleared");
        }

        var outcome = alarm.Origin == "gateway"
            ? await commands.SendAsync(alarm.Gateway, "alarm.clear", operatorName, w => w.WriteString("alarm", alarmId), cancellationToken).ConfigureAwait(false)
            : null;
        return await FinishAsync("clear", operatorName, alarm, outcome, cancellationToken, reason).ConfigureAwait(false);
    }

    /// <summary>Sends an <c>alarm.test</c> through the whole chain and waits for its event: the round trip.</summary>
    /// <exception cref="CentreActionException">No such gateway (404).</exception>
    public async Task<TestRoundTrip> TestAsync(string gateway, string operatorName, CancellationToken cancellationToken)
    {
        _ = await archive.GatewayAsync(gateway, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no gateway {gateway}");
        var sent = _time.GetTimestamp();
        var sentAt = _time.GetUtcNow();
        var outcome = await commands.SendAsync(gateway, "alarm.test", operatorName, w => w.WriteString("message", $"test from the duty centre ({operatorName})"), cancellationToken).ConfigureAwait(false);
        Guid? eventId = null;
        TimeSpan? roundTrip = null;
        if (outcome is { Status: "ok", Reply: { } reply })
        {
            using var doc = JsonDocument.Parse(reply);
            if (doc.RootElement.TryGetProperty("result", out var result) && result.TryGetProperty("event", out var ev) && ev.TryGetGuid(out var id))
            {
                eventId = id;
                var arrived = tests.Expect(id);
                try
                {
                    await arrived.WaitAsync(options.CommandTimeout, _time, cancellationToken).ConfigureAwait(false);
                    roundTrip = _time.GetElapsedTime(sent);
                }
                catch (TimeoutException)
                {
                    // Another instance may have stored it (shared subscription): the gateway row says when the last test arrived.
                    if ((await archive.GatewayAsync(gateway, cancellationToken).ConfigureAwait(false))?.LastTestAt is { } at && at >= sentAt)
                    {
                        roundTrip = at - sentAt;
                    }
                }
                finally
                {
                    tests.Forget(id);
                }
            }
        }

        await archive.RecordActionAsync(new OperatorAction(_time.GetUtcNow(), operatorName, "test", gateway, eventId, outcome.CommandId, outcome.Status,
            roundTrip is { } rt ? $"round trip {rt.TotalMilliseconds:0} ms" : outcome.Reply), cancellationToken).ConfigureAwait(false);
        return new TestRoundTrip(outcome, eventId, roundTrip);
    }

    /// <summary>Adds a note to an alarm under the operator's name.</summary>
    /// <exception cref="CentreActionException">No such alarm (404).</exception>
    public async Task<AlarmNote> AddNoteAsync(Guid alarmId, string operatorName, string text, CancellationToken cancellationToken)
    {
        var alarm = await archive.AlarmAsync(alarmId, cancellationToken).ConfigureAwait(false) ?? throw new CentreActionException(404, "id", $"no alarm {alarmId}");
        var note = new AlarmNote(alarmId, _time.GetUtcNow(), operatorName, text);
        await archive.AddNoteAsync(note, cancellationToken).ConfigureAwait(false);
        await archive.RecordActionAsync(new OperatorAction(note.At, operatorName, "note", null, alarmId, null, "ok", text), cancellationToken).ConfigureAwait(false);

        // A note is a line of the alarm's timeline: open pages redraw the card.
        changes.Publish(new CentreChange("alarm", alarm, null));
        return note;
    }

    private async Task TakeAsAsync(Guid alarm, string operatorName)
    {
        try
        {
            await Task.Yield();
            await TakeAsync(alarm, operatorName, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down; the alarm stays open at the centre and a nurse takes it.
        }
        catch (Exception ex) when (ex is CentreActionException or System.Data.Common.DbException or InvalidOperationException)
        {
            LogTakeAsFailed(logger, alarm, ex.Message);
        }
    }

    private async Task<AlarmActionResult> FinishAsync(string action, string operatorName, AlarmRecord alarm, CommandOutcome? outcome, CancellationToken ct, string? reason = null)
    {
        await archive.RecordActionAsync(new OperatorAction(_time.GetUtcNow(), operatorName, action, alarm.Gateway, alarm.Id, outcome?.CommandId, outcome?.Status ?? "ok", outcome?.Reply ?? reason), ct).ConfigureAwait(false);
        var now = (await archive.AlarmAsync(alarm.Id, ct).ConfigureAwait(false))!;
        changes.Publish(new CentreChange("alarm", now, null));
        return new AlarmActionResult(now, outcome);
    }

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "Taking alarm {Alarm} on (--take-as) failed: {Reason}")]
    private static partial void LogTakeAsFailed(ILogger logger, Guid alarm, string reason);
}
