using System.Data.Common;

namespace EdgeGateway.Centre.Archive;

/// <summary>The duty phones' Web Push subscriptions (issue 30); a subscribe or unsubscribe goes with its audit row.</summary>
public abstract partial class SqlArchive
{
    private const string PushColumns = "endpoint, operator, p256dh, auth, created_ms";

    /// <inheritdoc />
    public async Task PutPushSubscriptionAsync(PushSubscriptionRecord subscription, OperatorAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(action);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // One statement: a phone that subscribes again (new keys, or another nurse on it) leaves one row, never two.
        await ExecAsync(conn, tx, $"""
            INSERT INTO push_subscriptions ({PushColumns}) VALUES (@e, @op, @p, @a, @at)
            ON CONFLICT (endpoint) DO UPDATE SET operator = excluded.operator, p256dh = excluded.p256dh, auth = excluded.auth, created_ms = excluded.created_ms
            """, cancellationToken,
            ("e", subscription.Endpoint), ("op", subscription.Operator), ("p", subscription.P256dh), ("a", subscription.Auth), ("at", Ms(subscription.CreatedAt))).ConfigureAwait(false);
        await InsertActionAsync(conn, tx, action, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RemovePushSubscriptionAsync(string endpoint, OperatorAction? action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(conn, tx, "DELETE FROM push_subscriptions WHERE endpoint = @e", cancellationToken, ("e", endpoint)).ConfigureAwait(false) == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (action is not null)
        {
            await InsertActionAsync(conn, tx, action, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PushSubscriptionRecord>> PushSubscriptionsAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, $"SELECT {PushColumns} FROM push_subscriptions ORDER BY endpoint", ReadPush, cancellationToken).ConfigureAwait(false);
    }

    private static PushSubscriptionRecord ReadPush(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), At(r, 4));
}
