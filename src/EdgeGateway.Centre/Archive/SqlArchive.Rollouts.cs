using System.Data.Common;
using EdgeGateway.Centre.Rollouts;

namespace EdgeGateway.Centre.Archive;

/// <summary>
/// Release rollouts (issue 32): one row per rollout (its fixed spec as a JSON document, its state, wave and soak start) and
/// one per home in it. Every change is conditional on the state read before it, so of several centre instances (the
/// driver holding the lease, another ingesting a report, an operator halting) the first write wins and the others see it.
/// </summary>
public abstract partial class SqlArchive
{
    private const string RolloutColumns = "doc, state, wave, wave_passed_ms, halt_reason, updated_ms";
    private const string RolloutHomeColumns = "gateway, zone, wave, state, tries, sent_ms, done_ms, reason";

    /// <summary>The rollout tables (created with the others on open).</summary>
    private static readonly string[] RolloutDdl =
    [
        """
        CREATE TABLE IF NOT EXISTS rollouts (
          id TEXT PRIMARY KEY, created_ms BIGINT NOT NULL, doc TEXT NOT NULL, state TEXT NOT NULL, wave INTEGER NOT NULL,
          wave_passed_ms BIGINT NULL, halt_reason TEXT NULL, updated_ms BIGINT NOT NULL)
        """,
        // One rollout runs at a time, whichever instance or operator starts the next: the database says no to a second.
        $"CREATE UNIQUE INDEX IF NOT EXISTS rollouts_one_running ON rollouts (state) WHERE state = '{RolloutStates.Running}'",
        """
        CREATE TABLE IF NOT EXISTS rollout_homes (
          rollout TEXT NOT NULL, gateway TEXT NOT NULL, zone TEXT NOT NULL, wave INTEGER NOT NULL, state TEXT NOT NULL,
          tries INTEGER NOT NULL, sent_ms BIGINT NULL, done_ms BIGINT NULL, reason TEXT NULL, PRIMARY KEY (rollout, gateway))
        """,
        "CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL)",
    ];

    /// <inheritdoc />
    public async Task<bool> StartRolloutAsync(RolloutRecord rollout, IReadOnlyList<RolloutHome> homes, OperatorAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(homes);
        ArgumentNullException.ThrowIfNull(action);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ScalarAsync(conn, tx, $"SELECT COUNT(*) FROM rollouts WHERE state = '{RolloutStates.Running}' OR id = @id", cancellationToken, ("id", rollout.Id)).ConfigureAwait(false) > 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await ExecAsync(conn, tx, $"INSERT INTO rollouts (id, created_ms, {RolloutColumns}) VALUES (@id, @created, @doc, @state, @wave, @passed, @halt, @updated)", cancellationToken,
            ("id", rollout.Id), ("created", Ms(rollout.Spec.CreatedAt)), ("doc", RolloutJson.Write(rollout.Spec)), ("state", rollout.State), ("wave", rollout.Wave),
            ("passed", rollout.WavePassedAt is { } p ? Ms(p) : null), ("halt", rollout.HaltReason), ("updated", Ms(rollout.UpdatedAt))).ConfigureAwait(false);
        foreach (var h in homes)
        {
            await ExecAsync(conn, tx, $"INSERT INTO rollout_homes (rollout, {RolloutHomeColumns}) VALUES (@r, @g, @z, @w, @s, @t, @sent, @done, @reason)", cancellationToken,
                ("r", rollout.Id), ("g", h.Gateway), ("z", h.Zone), ("w", h.Wave), ("s", h.State), ("t", h.Tries),
                ("sent", h.SentAt is { } s ? Ms(s) : null), ("done", h.DoneAt is { } d ? Ms(d) : null), ("reason", h.Reason)).ConfigureAwait(false);
        }

        await InsertActionAsync(conn, tx, action, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<RolloutRecord?> LatestRolloutAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await QueryAsync(conn, null, $"SELECT {RolloutColumns} FROM rollouts ORDER BY CASE WHEN state = '{RolloutStates.Running}' THEN 0 ELSE 1 END, created_ms DESC, id DESC LIMIT 1",
            ReadRollout, cancellationToken).ConfigureAwait(false);
        return rows.FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<RolloutRecord?> RolloutAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await QueryAsync(conn, null, $"SELECT {RolloutColumns} FROM rollouts WHERE id = @id", ReadRollout, cancellationToken, ("id", id)).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RolloutHome>> RolloutHomesAsync(string rollout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, $"SELECT {RolloutHomeColumns} FROM rollout_homes WHERE rollout = @r ORDER BY wave, gateway", ReadRolloutHome, cancellationToken, ("r", rollout)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> UpdateRolloutHomeAsync(string rollout, RolloutHome home, IReadOnlyCollection<string> fromStates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(fromStates);
        var args = new List<(string, object?)>
        {
            ("r", rollout), ("g", home.Gateway), ("s", home.State), ("t", home.Tries), ("sent", home.SentAt is { } s ? Ms(s) : null),
            ("done", home.DoneAt is { } d ? Ms(d) : null), ("reason", home.Reason),
        };
        var from = string.Join(", ", fromStates.Select((f, i) => $"@f{i}"));
        args.AddRange(fromStates.Select((f, i) => ($"f{i}", (object?)f)));
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(conn, null, $"""
            UPDATE rollout_homes SET state = @s, tries = @t, sent_ms = @sent, done_ms = @done, reason = @reason
            WHERE rollout = @r AND gateway = @g AND state IN ({from})
            """, cancellationToken, [.. args]).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateRolloutAsync(RolloutRecord rollout, string fromState, int fromWave, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(fromState);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(conn, null, """
            UPDATE rollouts SET state = @s, wave = @w, wave_passed_ms = @passed, halt_reason = @halt, updated_ms = @updated
            WHERE id = @id AND state = @from AND wave = @fromWave
            """, cancellationToken,
            ("s", rollout.State), ("w", rollout.Wave), ("passed", rollout.WavePassedAt is { } p ? Ms(p) : null), ("halt", rollout.HaltReason),
            ("updated", Ms(rollout.UpdatedAt)), ("id", rollout.Id), ("from", fromState), ("fromWave", fromWave)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> HoldLeaseAsync(string name, string holder, DateTimeOffset now, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(holder);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One statement: the row is taken when free, renewed by its holder, and taken over only once it has expired.
        return await ExecAsync(conn, null, """
            INSERT INTO leases (name, holder, expires_ms) VALUES (@n, @h, @exp)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
            WHERE leases.holder = excluded.holder OR leases.expires_ms <= @now
            """, cancellationToken, ("n", name), ("h", holder), ("exp", Ms(now + ttl)), ("now", Ms(now))).ConfigureAwait(false) == 1;
    }

    private static RolloutRecord ReadRollout(DbDataReader r) =>
        new(RolloutJson.Read(r.GetString(0)), r.GetString(1), (int)Long(r, 2)!.Value, OptAt(r, 3), Str(r, 4), At(r, 5));

    private static RolloutHome ReadRolloutHome(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), (int)Long(r, 2)!.Value, r.GetString(3), (int)Long(r, 4)!.Value, OptAt(r, 5), OptAt(r, 6), Str(r, 7));
}
