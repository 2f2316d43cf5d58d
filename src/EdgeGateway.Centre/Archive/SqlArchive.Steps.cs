using System.Data.Common;

namespace EdgeGateway.Centre.Archive;

/// <summary>The steps nurses document on an alarm (call-back, help on the way, arrived) and a home's past alarms.</summary>
public abstract partial class SqlArchive
{
    private const string StepColumns = "alarm, at_ms, operator, kind, outcome, text";

    /// <inheritdoc />
    public async Task<AlarmStepResult> AddStepAsync(AlarmStep step, OperatorAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(action);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The no-op UPDATE is the lock: it takes the alarm's row (PostgreSQL) or the write lock (SQLite) first, so a clear
        // committing meanwhile either waits for this step or is seen by it, and no step lands on a cleared alarm (but an
        // SMS may: the one telling the family how it was cleared comes after the clear).
        var notCleared = step.Kind == AlarmStepKinds.Sms ? "" : $" AND state <> '{AlarmStates.Cleared}'";
        var open = await ExecAsync(conn, tx, $"UPDATE alarms SET state = state WHERE id = @id{notCleared}", cancellationToken,
            ("id", Id(step.Alarm))).ConfigureAwait(false);
        if (open == 0)
        {
            var exists = await ScalarAsync(conn, tx, "SELECT COUNT(*) FROM alarms WHERE id = @id", cancellationToken, ("id", Id(step.Alarm))).ConfigureAwait(false);
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return exists > 0 ? AlarmStepResult.Cleared : AlarmStepResult.NoAlarm;
        }

        if (step.Kind == AlarmStepKinds.Arrived
            && await ScalarAsync(conn, tx, $"SELECT COUNT(*) FROM alarm_steps WHERE alarm = @id AND kind = '{AlarmStepKinds.Help}'", cancellationToken, ("id", Id(step.Alarm))).ConfigureAwait(false) == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return AlarmStepResult.NoHelpYet;
        }

        await ExecAsync(conn, tx, $"INSERT INTO alarm_steps ({StepColumns}) VALUES (@alarm, @at, @op, @kind, @outcome, @text)", cancellationToken,
            ("alarm", Id(step.Alarm)), ("at", Ms(step.At)), ("op", step.Operator), ("kind", step.Kind), ("outcome", step.Outcome), ("text", step.Text)).ConfigureAwait(false);
        await InsertActionAsync(conn, tx, action, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return AlarmStepResult.Added;
    }

    /// <inheritdoc />
    public async Task<bool> ClaimKinMessageAsync(Guid alarm, string cause, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cause);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(conn, null, "INSERT INTO kin_messages (alarm, cause, at_ms) VALUES (@alarm, @cause, @at) ON CONFLICT (alarm, cause) DO NOTHING", cancellationToken,
            ("alarm", Id(alarm)), ("cause", cause), ("at", Ms(at))).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlarmStep>> StepsAsync(Guid alarm, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, $"SELECT {StepColumns} FROM alarm_steps WHERE alarm = @alarm ORDER BY id", ReadStep, cancellationToken, ("alarm", Id(alarm))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlarmRecord>> GatewayAlarmsAsync(string gateway, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, $"SELECT {AlarmColumns} FROM alarms WHERE gateway = @gateway AND received_ms >= @since ORDER BY received_ms DESC, id DESC", ReadAlarm, cancellationToken,
            ("gateway", gateway), ("since", Ms(since))).ConfigureAwait(false);
    }

    private static AlarmStep ReadStep(DbDataReader r) => new(Guid.Parse(r.GetString(0)), At(r, 1), r.GetString(2), r.GetString(3), Str(r, 4), Str(r, 5));
}
