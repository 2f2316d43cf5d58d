using System.Data.Common;
using System.Text;

namespace EdgeGateway.Centre.Archive;

/// <summary>
/// Mass outages (issue 33): one row per incident and one per home in it. One open incident per zone is a partial unique
/// index, a home joins once (primary key), and closing is conditional on the state read, so several centre instances
/// supervising at once open, fill and close one incident.
/// </summary>
public abstract partial class SqlArchive
{
    private const string OutageSelect = """
        SELECT o.id, o.zone, o.state, COALESCE(MIN(h.quiet_since_ms), o.opened_ms), o.opened_ms, o.closed_ms, COUNT(h.gateway), COUNT(h.returned_ms), MAX(h.returned_ms), o.summary
        FROM outages o LEFT JOIN outage_homes h ON h.outage = o.id
        """;

    private const string OutageGroup = " GROUP BY o.id, o.zone, o.state, o.opened_ms, o.closed_ms, o.summary";

    // Multi-row inserts: a storm puts thousands of homes into one incident in one pass.
    private const int OutageInsertChunk = 200;

    /// <summary>The outage tables (created with the others on open).</summary>
    private static readonly string[] OutageDdl =
    [
        """
        CREATE TABLE IF NOT EXISTS outages (
          id TEXT PRIMARY KEY, zone TEXT NOT NULL, state TEXT NOT NULL, opened_ms BIGINT NOT NULL, closed_ms BIGINT NULL, summary TEXT NULL)
        """,
        $"CREATE UNIQUE INDEX IF NOT EXISTS outages_one_open ON outages (zone) WHERE state = '{OutageStates.Open}'",
        """
        CREATE TABLE IF NOT EXISTS outage_homes (
          outage TEXT NOT NULL, gateway TEXT NOT NULL, kind TEXT NOT NULL, quiet_since_ms BIGINT NOT NULL, returned_ms BIGINT NULL,
          PRIMARY KEY (outage, gateway))
        """,
        "CREATE INDEX IF NOT EXISTS outage_homes_gateway ON outage_homes (gateway)",
    ];

    /// <inheritdoc />
    public async Task<OutageRecord> OpenOutageAsync(string zone, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(zone);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // The instance whose insert lands opens it; every other one (and a later pass) gets the open one.
        await ExecAsync(conn, null, $"INSERT INTO outages (id, zone, state, opened_ms) VALUES (@id, @zone, '{OutageStates.Open}', @at) ON CONFLICT DO NOTHING", cancellationToken,
            ("id", Id(Guid.CreateVersion7(at))), ("zone", zone), ("at", Ms(at))).ConfigureAwait(false);
        var open = await QueryAsync(conn, null, $"{OutageSelect} WHERE o.zone = @zone AND o.state = '{OutageStates.Open}'{OutageGroup}", ReadOutage, cancellationToken, ("zone", zone)).ConfigureAwait(false);
        return open.Count == 1 ? open[0] : throw new InvalidOperationException($"no open outage for zone '{zone}' after opening one");
    }

    /// <inheritdoc />
    public async Task<int?> JoinOutageAsync(string outage, IReadOnlyList<OutageHome> homes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outage);
        ArgumentNullException.ThrowIfNull(homes);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Only into an incident still open: one closed meanwhile by another instance leaves these homes to their own alarms.
        if (await ScalarAsync(conn, tx, $"SELECT COUNT(*) FROM outages WHERE id = @o AND state = '{OutageStates.Open}'", cancellationToken, ("o", outage)).ConfigureAwait(false) == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        var joined = 0;
        for (var i = 0; i < homes.Count; i += OutageInsertChunk)
        {
            var chunk = homes.Skip(i).Take(OutageInsertChunk).ToArray();
            var sql = new StringBuilder("INSERT INTO outage_homes (outage, gateway, kind, quiet_since_ms, returned_ms) VALUES ");
            var args = new List<(string, object?)> { ("o", outage) };
            for (var j = 0; j < chunk.Length; j++)
            {
                sql.Append(j == 0 ? "" : ", ").Append("(@o, @g").Append(j).Append(", @k").Append(j).Append(", @q").Append(j).Append(", NULL)");
                args.Add(($"g{j}", chunk[j].Gateway));
                args.Add(($"k{j}", chunk[j].Kind));
                args.Add(($"q{j}", Ms(chunk[j].QuietSince)));
            }

            sql.Append(" ON CONFLICT (outage, gateway) DO NOTHING");
            joined += await ExecAsync(conn, tx, sql.ToString(), cancellationToken, [.. args]).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return joined;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutageRecord>> OutagesAsync(DateTimeOffset closedSince, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, $"{OutageSelect} WHERE o.state = '{OutageStates.Open}' OR o.closed_ms >= @since{OutageGroup} ORDER BY o.opened_ms, o.id", ReadOutage, cancellationToken,
            ("since", Ms(closedSince))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutageHome>> OutageHomesAsync(string? outage, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // Without an id: the homes of every open incident, and those a closed one left out (never returned), for supervision.
        return outage is not null
            ? await QueryAsync(conn, null, "SELECT outage, gateway, kind, quiet_since_ms, returned_ms FROM outage_homes WHERE outage = @o ORDER BY gateway", ReadOutageHome, cancellationToken, ("o", outage)).ConfigureAwait(false)
            : await QueryAsync(conn, null, $"""
                SELECT h.outage, h.gateway, h.kind, h.quiet_since_ms, h.returned_ms FROM outage_homes h JOIN outages o ON o.id = h.outage
                WHERE o.state = '{OutageStates.Open}' OR h.returned_ms IS NULL
                """, ReadOutageHome, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> OutageReturnAsync(string gateway, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(conn, null, "UPDATE outage_homes SET returned_ms = @at WHERE gateway = @g AND returned_ms IS NULL", cancellationToken,
            ("at", Ms(at)), ("g", gateway)).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<OutageRecord?> CloseOutageAsync(string outage, string summary, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outage);
        ArgumentNullException.ThrowIfNull(summary);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(conn, null, $"UPDATE outages SET state = '{OutageStates.Closed}', closed_ms = @at, summary = @s WHERE id = @o AND state = '{OutageStates.Open}'", cancellationToken,
            ("at", Ms(at)), ("s", summary), ("o", outage)).ConfigureAwait(false) != 1)
        {
            return null;
        }

        var rows = await QueryAsync(conn, null, $"{OutageSelect} WHERE o.id = @o{OutageGroup}", ReadOutage, cancellationToken, ("o", outage)).ConfigureAwait(false);
        return rows[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> ZonesAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await QueryAsync(conn, null, "SELECT gateway, zone FROM residents WHERE zone IS NOT NULL", r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    private static OutageRecord ReadOutage(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), At(r, 3), At(r, 4), OptAt(r, 5), (int)Long(r, 6)!.Value, (int)Long(r, 7)!.Value, OptAt(r, 8), Str(r, 9));

    private static OutageHome ReadOutageHome(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), At(r, 3), OptAt(r, 4));
}
