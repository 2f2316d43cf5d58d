using System.Data.Common;

namespace EdgeGateway.Centre.Archive;

/// <summary>The homes' resident records, stored sealed; each change and each read by a person goes with its audit row.</summary>
public abstract partial class SqlArchive
{
    private const string ResidentColumns = "gateway, zone, sealed, updated_ms, updated_by";

    /// <inheritdoc />
    public async Task<bool> PutResidentAsync(SealedResident resident, OperatorAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resident);
        ArgumentNullException.ThrowIfNull(action);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ScalarAsync(conn, tx, "SELECT COUNT(*) FROM gateways WHERE id = @g", cancellationToken, ("g", resident.Gateway)).ConfigureAwait(false) == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        // One statement either way, so two coordinators saving at once leave one whole record, never a mix.
        await ExecAsync(conn, tx, $"""
            INSERT INTO residents ({ResidentColumns}) VALUES (@g, @zone, @sealed, @at, @by)
            ON CONFLICT (gateway) DO UPDATE SET zone = excluded.zone, sealed = excluded.sealed, updated_ms = excluded.updated_ms, updated_by = excluded.updated_by
            """, cancellationToken,
            ("g", resident.Gateway), ("zone", resident.Zone), ("sealed", resident.Sealed), ("at", Ms(resident.UpdatedAt)), ("by", resident.UpdatedBy)).ConfigureAwait(false);
        await InsertActionAsync(conn, tx, action, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<SealedResident?> ResidentAsync(string gateway, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await QueryAsync(conn, null, $"SELECT {ResidentColumns} FROM residents WHERE gateway = @g", ReadResident, cancellationToken, ("g", gateway)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SealedResident>> ResidentsAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, $"SELECT {ResidentColumns} FROM residents ORDER BY gateway", ReadResident, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> EraseResidentAsync(string gateway, OperatorAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(action);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var erased = await ExecAsync(conn, tx, "DELETE FROM residents WHERE gateway = @g", cancellationToken, ("g", gateway)).ConfigureAwait(false);
        if (erased == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await InsertActionAsync(conn, tx, action, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static SealedResident ReadResident(DbDataReader r) => new(r.GetString(0), Str(r, 1), r.GetString(2), At(r, 3), r.GetString(4));
}
