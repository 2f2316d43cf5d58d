using System.Data.Common;
using System.Globalization;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Centre.Archive;

/// <summary>
/// The archive over plain SQL that SQLite and PostgreSQL both speak (ON CONFLICT, window functions, @name parameters);
/// the subclasses only open connections and say how an identity column is written. Times are Unix milliseconds (UTC).
/// </summary>
public abstract partial class SqlArchive : IArchive
{
    private const string GatewayColumns = "id, state, bootid, first_seen_ms, status_ms, heartbeat_ms, heartbeat, interval_s, outbox_depth, clock_synced, offline_since_ms, last_event_ms, last_test_ms, last_daily_test_ms";
    private const string AlarmColumns = "id, gateway, type, origin, state, priority, message, sensor, raised_ms, received_ms, delivered_ms, taken_ms, taken_by, cleared_ms, cleared_by, clear_reason, escalation, escalated_ms";
    private const int MaxPayloadChars = 64 * 1024;

    /// <summary>Opens a connection to the archive.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The column definition of an auto-numbered primary key.</summary>
    protected abstract string IdentityColumn { get; }

    /// <summary>A statement run first in the schema transaction (PostgreSQL: an advisory lock, so instances starting together do not race on CREATE).</summary>
    protected virtual string? SchemaLock => null;

    /// <summary>Creates the tables when they are missing (idempotent).</summary>
    protected async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        string[] ddl =
        [
            """
            CREATE TABLE IF NOT EXISTS events (
              source TEXT NOT NULL, id TEXT NOT NULL, gateway TEXT NOT NULL, type TEXT NOT NULL, class TEXT NOT NULL,
              priority INTEGER NOT NULL, bootid TEXT NOT NULL, sequence BIGINT NOT NULL, time_ms BIGINT NOT NULL,
              received_ms BIGINT NOT NULL, relates_to TEXT NULL, payload TEXT NOT NULL,
              PRIMARY KEY (source, id))
            """,
            "CREATE INDEX IF NOT EXISTS events_boot ON events (gateway, bootid, sequence)",
            "CREATE INDEX IF NOT EXISTS events_relates ON events (relates_to)",
            """
            CREATE TABLE IF NOT EXISTS gateways (
              id TEXT PRIMARY KEY, state TEXT NOT NULL, bootid TEXT NULL, first_seen_ms BIGINT NOT NULL, status_ms BIGINT NULL,
              heartbeat_ms BIGINT NULL, heartbeat TEXT NULL, interval_s INTEGER NOT NULL, outbox_depth BIGINT NULL,
              clock_synced INTEGER NULL, offline_since_ms BIGINT NULL, last_event_ms BIGINT NULL, last_test_ms BIGINT NULL,
              last_daily_test_ms BIGINT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS gateway_paths (
              gateway TEXT NOT NULL, path TEXT NOT NULL, state TEXT NOT NULL, bootid TEXT NOT NULL, status_ms BIGINT NOT NULL,
              PRIMARY KEY (gateway, path))
            """,
            """
            CREATE TABLE IF NOT EXISTS alarms (
              id TEXT PRIMARY KEY, gateway TEXT NOT NULL, type TEXT NOT NULL, origin TEXT NOT NULL, state TEXT NOT NULL,
              priority INTEGER NOT NULL, message TEXT NOT NULL, sensor TEXT NULL, raised_ms BIGINT NOT NULL,
              received_ms BIGINT NOT NULL, delivered_ms BIGINT NULL, taken_ms BIGINT NULL, taken_by TEXT NULL,
              cleared_ms BIGINT NULL, cleared_by TEXT NULL, clear_reason TEXT NULL, escalation INTEGER NOT NULL,
              escalated_ms BIGINT NULL, supervision_key TEXT NULL UNIQUE)
            """,
            "CREATE INDEX IF NOT EXISTS alarms_open ON alarms (state, received_ms)",
            $"""
            CREATE TABLE IF NOT EXISTS actions (
              {IdentityColumn}, at_ms BIGINT NOT NULL, operator TEXT NOT NULL, action TEXT NOT NULL, gateway TEXT NULL,
              alarm TEXT NULL, command TEXT NULL, outcome TEXT NOT NULL, detail TEXT NULL)
            """,
            $"CREATE TABLE IF NOT EXISTS notes ({IdentityColumn}, alarm TEXT NOT NULL, at_ms BIGINT NOT NULL, operator TEXT NOT NULL, text TEXT NOT NULL)",

            // Added with the alarm's timeline (issue 29): an archive made before it gains the table (and indexes) on open.
            $"""
            CREATE TABLE IF NOT EXISTS alarm_steps (
              {IdentityColumn}, alarm TEXT NOT NULL, at_ms BIGINT NOT NULL, operator TEXT NOT NULL, kind TEXT NOT NULL,
              outcome TEXT NULL, text TEXT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS alarm_steps_alarm ON alarm_steps (alarm, id)",
            "CREATE INDEX IF NOT EXISTS alarms_gateway ON alarms (gateway, received_ms)",
            // Added with the resident record (issue 29): the record itself is sealed (ResidentKey), only the zone is plain,
            // because every request filters on it and a zone name is no personal data.
            """
            CREATE TABLE IF NOT EXISTS residents (
              gateway TEXT PRIMARY KEY, zone TEXT NULL, sealed TEXT NOT NULL, updated_ms BIGINT NOT NULL, updated_by TEXT NOT NULL)
            """,
            // Added with Web Push (issue 30): one row per duty phone's subscription, replaced when the phone subscribes again.
            """
            CREATE TABLE IF NOT EXISTS push_subscriptions (
              endpoint TEXT PRIMARY KEY, operator TEXT NOT NULL, p256dh TEXT NOT NULL, auth TEXT NOT NULL, created_ms BIGINT NOT NULL)
            """,
            // Added with SMS to next of kin (issue 30): one row per alarm and trigger, so of the centre instances (and restarts)
            // only the one whose insert lands sends it.
            """
            CREATE TABLE IF NOT EXISTS kin_messages (
              alarm TEXT NOT NULL, cause TEXT NOT NULL, at_ms BIGINT NOT NULL, PRIMARY KEY (alarm, cause))
            """,
            $"""
            CREATE TABLE IF NOT EXISTS rejected (
              {IdentityColumn}, at_ms BIGINT NOT NULL, topic TEXT NOT NULL, gateway TEXT NULL, reason TEXT NOT NULL, payload TEXT NOT NULL)
            """,
        ];
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (SchemaLock is { } lockSql)
        {
            await ExecAsync(conn, tx, lockSql, cancellationToken).ConfigureAwait(false);
        }

        foreach (var sql in ddl.Concat(RolloutDdl).Concat(OutageDdl))
        {
            await ExecAsync(conn, tx, sql, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RecordedEvent> RecordEventAsync(CareEvent evt, string payload, bool periodicTest, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(payload);
        var now = Ms(at);
        var spec = evt.Spec;
        var type = CloudEventCodec.TypePrefix + spec.TypeName;
        var isTest = periodicTest || spec.ScaipStatus is ScaipCodes.Status.TestTransmission or ScaipCodes.Status.TestTransmissionPeriodic;
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureGatewayAsync(conn, tx, evt.GatewayId, now, cancellationToken).ConfigureAwait(false);
        var inserted = await ExecAsync(conn, tx, """
            INSERT INTO events (source, id, gateway, type, class, priority, bootid, sequence, time_ms, received_ms, relates_to, payload)
            VALUES (@source, @id, @gateway, @type, @class, @priority, @bootid, @sequence, @time, @now, @relates, @payload)
            ON CONFLICT (source, id) DO NOTHING
            """, cancellationToken,
            ("source", CloudEventCodec.Source(evt.GatewayId)), ("id", Id(evt.Id)), ("gateway", evt.GatewayId), ("type", type),
            ("class", Topics.ClassName(spec.Class)), ("priority", evt.Priority), ("bootid", Id(evt.BootId)), ("sequence", evt.Sequence),
            ("time", Ms(evt.Time.Wall)), ("now", now), ("relates", evt.RelatesTo is { } r ? Id(r) : null), ("payload", payload)).ConfigureAwait(false);
        if (inserted == 0)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new RecordedEvent(false, null);
        }

        await ExecAsync(conn, tx, $"""
            UPDATE gateways SET last_event_ms = @now{(isTest ? ", last_test_ms = @now" : "")}{(periodicTest ? ", last_daily_test_ms = @now" : "")} WHERE id = @gateway
            """, cancellationToken, ("now", now), ("gateway", evt.GatewayId)).ConfigureAwait(false);
        Guid? changed = null;
        var pathLost = EndedBy(evt.Kind) is not null;
        if ((spec.Class == EventClass.Alarm && !isTest) || pathLost)
        {
            // A lost path is a technical event, but the nurses must see it (EN 50136: the receiving centre is told when one
            // path of a dual-path system fails); it opens a technical alarm that the path's return closes. A wearable
            // whose cell is nearly empty is the same: soon nothing detects a fall (issue 31), until the cell is changed.
            await ExecAsync(conn, tx, $"""
                INSERT INTO alarms ({AlarmColumns})
                VALUES (@id, @gateway, @type, @origin, '{AlarmStates.Delivered}', @priority, @message, @sensor, @raised, @now, @now, NULL, NULL, NULL, NULL, NULL, 0, NULL)
                ON CONFLICT (id) DO NOTHING
                """, cancellationToken,
                ("id", Id(evt.Id)), ("gateway", evt.GatewayId), ("type", type), ("origin", pathLost ? AlarmOrigins.Technical : AlarmOrigins.Gateway), ("priority", evt.Priority),
                ("message", evt.Message), ("sensor", evt.SensorId), ("raised", Ms(evt.Time.Wall)), ("now", now)).ConfigureAwait(false);

            // Several instances (or one retransmission) can see the gateway's clear before the alarm it clears; a path's
            // return (a later sequence of the same boot) can likewise be stored before its loss.
            var clearedFirst = pathLost
                ? await ScalarAsync(conn, tx, "SELECT COUNT(*) FROM events WHERE gateway = @gateway AND bootid = @boot AND type = @restored AND sequence > @sequence", cancellationToken,
                    ("gateway", evt.GatewayId), ("boot", Id(evt.BootId)), ("restored", EndedBy(evt.Kind)), ("sequence", evt.Sequence)).ConfigureAwait(false)
                : await ScalarAsync(conn, tx, "SELECT COUNT(*) FROM events WHERE relates_to = @id AND type = @cleared", cancellationToken,
                    ("id", Id(evt.Id)), ("cleared", ClearedType)).ConfigureAwait(false);
            if (clearedFirst > 0)
            {
                await ClearInAsync(conn, tx, evt.Id, null, pathLost ? EndReason(evt.Kind) : "cleared at the gateway", now, cancellationToken).ConfigureAwait(false);
            }

            changed = evt.Id;
        }
        else if (Ends(evt.Kind) is { } lostType)
        {
            // The restored event names no alarm: it closes whatever loss of that path (or low cell) is open for the gateway.
            var open = await QueryAsync(conn, tx, $"SELECT id FROM alarms WHERE gateway = @gateway AND type = @lost AND state <> '{AlarmStates.Cleared}'",
                r => Guid.Parse(r.GetString(0)), cancellationToken, ("gateway", evt.GatewayId), ("lost", lostType)).ConfigureAwait(false);
            foreach (var lost in open)
            {
                if (await ClearInAsync(conn, tx, lost, null, EndReason(evt.Kind), now, cancellationToken).ConfigureAwait(false))
                {
                    changed = lost;
                }
            }
        }
        else if (evt.Kind == CareEventKind.AlarmCleared && evt.RelatesTo is { } cleared)
        {
            if (await ClearInAsync(conn, tx, cleared, null, "cleared at the gateway", now, cancellationToken).ConfigureAwait(false))
            {
                changed = cleared;
            }
        }

        var alarm = changed is { } a ? await AlarmInAsync(conn, tx, a, cancellationToken).ConfigureAwait(false) : null;
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RecordedEvent(true, alarm);
    }

    private static readonly string ClearedType = TypeOf(CareEventKind.AlarmCleared);

    // Why the centre cleared a technical alarm that its restore event ended.
    private static string EndReason(CareEventKind kind) => kind is CareEventKind.WearableBatteryCritical or CareEventKind.WearableBatteryRestored
        ? "wearable cell changed at the gateway"
        : "path restored at the gateway";

    private static string TypeOf(CareEventKind kind) => CloudEventCodec.TypePrefix + CareEventCatalog.Get(kind).TypeName;

    // For a technical event that opens an alarm (a lost path, a wearable's empty cell), the type of the event that ends it; null for any other kind.
    private static string? EndedBy(CareEventKind kind) => kind switch
    {
        CareEventKind.PrimaryPathLost => TypeOf(CareEventKind.PrimaryPathRestored),
        CareEventKind.SecondaryPathLost => TypeOf(CareEventKind.SecondaryPathRestored),
        CareEventKind.WearableBatteryCritical => TypeOf(CareEventKind.WearableBatteryRestored),
        _ => null,
    };

    // For an event that ends such an alarm, the type of the alarm it ends; null for any other kind.
    private static string? Ends(CareEventKind kind) => kind switch
    {
        CareEventKind.PrimaryPathRestored => TypeOf(CareEventKind.PrimaryPathLost),
        CareEventKind.SecondaryPathRestored => TypeOf(CareEventKind.SecondaryPathLost),
        CareEventKind.WearableBatteryRestored => TypeOf(CareEventKind.WearableBatteryCritical),
        _ => null,
    };

    /// <inheritdoc />
    public async Task RecordRejectedAsync(RejectedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var payload = message.Payload.Length > MaxPayloadChars ? message.Payload[..MaxPayloadChars] : message.Payload;
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(conn, null, "INSERT INTO rejected (at_ms, topic, gateway, reason, payload) VALUES (@at, @topic, @gateway, @reason, @payload)", cancellationToken,
            ("at", Ms(message.At)), ("topic", message.Topic), ("gateway", message.Gateway), ("reason", message.Reason), ("payload", payload)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<GatewayRecord?> RecordStatusAsync(string gateway, string state, Guid bootId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        (await RecordGatewayUpdatesAsync([GatewayUpdate.Status(gateway, state, bootId, replayed: false, at)], cancellationToken).ConfigureAwait(false))[0].After;

    /// <inheritdoc />
    public async Task<GatewayRecord?> RecordPathStatusAsync(string gateway, string path, string state, Guid bootId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var now = Ms(at);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureGatewayAsync(conn, tx, gateway, now, cancellationToken).ConfigureAwait(false);

        // A will published for a boot whose birth on this path was already replaced says nothing about the new boot.
        var stale = await ScalarAsync(conn, tx, $"SELECT COUNT(*) FROM gateway_paths WHERE gateway = @id AND path = @path AND state = '{GatewayStates.Online}' AND bootid <> @boot", cancellationToken,
            ("id", gateway), ("path", path), ("boot", Id(bootId))).ConfigureAwait(false);
        if (state == GatewayStates.Offline && stale > 0)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        await ExecAsync(conn, tx, """
            INSERT INTO gateway_paths (gateway, path, state, bootid, status_ms) VALUES (@id, @path, @state, @boot, @now)
            ON CONFLICT (gateway, path) DO UPDATE SET state = excluded.state, bootid = excluded.bootid, status_ms = excluded.status_ms
            """, cancellationToken, ("id", gateway), ("path", path), ("state", state), ("boot", Id(bootId)), ("now", now)).ConfigureAwait(false);
        var record = await GatewayInAsync(conn, tx, gateway, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    public async Task<GatewayRecord> RecordHeartbeatAsync(string gateway, HeartbeatInfo heartbeat, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        (await RecordGatewayUpdatesAsync([GatewayUpdate.Beat(gateway, heartbeat, at)], cancellationToken).ConfigureAwait(false))[0].After!;

    /// <inheritdoc />
    public async Task<IReadOnlyList<GatewayUpdateOutcome>> RecordGatewayUpdatesAsync(IReadOnlyList<GatewayUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var outcomes = new GatewayUpdateOutcome[updates.Count];
        if (updates.Count == 0)
        {
            return outcomes;
        }

        // Rows are locked in gateway-id order (a stable sort keeps each gateway's own order), so two instances storing the same
        // heartbeats in differently cut batches never wait on each other in a cycle (a PostgreSQL deadlock would fail a batch).
        var order = Enumerable.Range(0, updates.Count).OrderBy(i => (updates[i] ?? throw new ArgumentException($"update {i} is null", nameof(updates))).Gateway, StringComparer.Ordinal).ToArray();

        // Three statements per update, each answering rows: created (the gateway is new), the row before, the row after (none:
        // ignored). Every rule is in the statements' WHERE, not in a read-then-decide, so the whole backlog goes to PostgreSQL
        // in one round trip and the rows it locks are held for the batch's execution only — an event of the same gateway
        // (which updates its row too) waits milliseconds, not a round trip per heartbeat.
        var steps = new List<(string Sql, (string Name, object? Value)[] Args)>(order.Length * 3);
        foreach (var i in order)
        {
            var u = updates[i];
            var now = Ms(u.At);
            steps.Add(($"INSERT INTO gateways (id, state, first_seen_ms, interval_s) VALUES (@id, '{GatewayStates.Online}', @now, @interval) ON CONFLICT (id) DO NOTHING RETURNING id",
                [("id", u.Gateway), ("now", now), ("interval", (int)DefaultInterval.TotalSeconds)]));
            steps.Add(($"SELECT {GatewayColumns} FROM gateways WHERE id = @id", [("id", u.Gateway)]));
            steps.Add(u.Heartbeat is { } beat ? HeartbeatSql(u.Gateway, beat, now) : StatusSql(u, now));
        }

        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var results = await RunAsync(conn, tx, steps, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < order.Length; k++)
        {
            var (created, known, after) = (results[3 * k].Count > 0, results[(3 * k) + 1].SingleOrDefault(), results[(3 * k) + 2].SingleOrDefault());
            var heartbeat = updates[order[k]].Heartbeat is not null;

            // A heartbeat whose copy is stored already changes nothing but still answers the gateway as it is.
            outcomes[order[k]] = new GatewayUpdateOutcome(created ? null : known, after ?? (heartbeat ? known : null));
        }

        return await WithPathsAsync(conn, outcomes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The gateway rows of a batch with their paths (two-path homes only: one query, none when no home has paths).</summary>
    private static async Task<GatewayUpdateOutcome[]> WithPathsAsync(DbConnection conn, GatewayUpdateOutcome[] outcomes, CancellationToken ct)
    {
        var ids = outcomes.SelectMany(o => new[] { o.Before?.Id, o.After?.Id }).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return outcomes;
        }

        var names = string.Join(", ", ids.Select((_, i) => $"@g{i}"));
        var args = ids.Select((id, i) => ($"g{i}", (object?)id)).ToArray();
        var paths = (await QueryAsync(conn, null, $"SELECT gateway, {PathColumns} FROM gateway_paths WHERE gateway IN ({names}) ORDER BY gateway, path", r => (Gateway: r.GetString(0), Path: ReadPath(r, 1)), ct, args).ConfigureAwait(false))
            .ToLookup(p => p.Gateway, p => p.Path, StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return outcomes;
        }

        GatewayRecord? With(GatewayRecord? g) => g is not null && paths.Contains(g.Id) ? g with { Paths = [.. paths[g.Id]] } : g;
        return [.. outcomes.Select(o => new GatewayUpdateOutcome(With(o.Before), With(o.After)))];
    }

    private static (string, (string, object?)[]) StatusSql(GatewayUpdate u, long now) => u.State == GatewayStates.Online
        // The retained birth is replayed on every reconnect of ours; it says nothing new about a boot we already follow.
        ? ($"""
            UPDATE gateways SET state = '{GatewayStates.Online}', bootid = @boot, status_ms = @now, offline_since_ms = NULL
            WHERE id = @id AND NOT (@replayed = 1 AND bootid = @boot AND status_ms IS NOT NULL) RETURNING {GatewayColumns}
            """, [("boot", Id(u.BootId)), ("now", now), ("id", u.Gateway), ("replayed", u.Replayed ? 1 : 0)])

        // A will published for a boot that was already replaced (session take-over) says nothing about the new one.
        : ($"""
            UPDATE gateways SET state = '{GatewayStates.Offline}', bootid = @boot, status_ms = @now, offline_since_ms = COALESCE(offline_since_ms, @now)
            WHERE id = @id AND NOT (state <> '{GatewayStates.Offline}' AND bootid IS NOT NULL AND bootid <> @boot AND status_ms IS NOT NULL) RETURNING {GatewayColumns}
            """, [("boot", Id(u.BootId)), ("now", now), ("id", u.Gateway)]);

    // Every instance receives every heartbeat: the copy already stored (same content) changes nothing, so a lagging
    // instance neither moves the last heartbeat later (delaying silence) nor brings a gateway marked silent back.
    private static (string, (string, object?)[]) HeartbeatSql(string gateway, HeartbeatInfo heartbeat, long now) => ($"""
        UPDATE gateways SET state = '{GatewayStates.Online}', offline_since_ms = NULL, bootid = @boot, heartbeat_ms = @now, heartbeat = @json,
          interval_s = @interval, outbox_depth = @depth, clock_synced = @synced WHERE id = @id AND (heartbeat IS NULL OR heartbeat <> @json)
        RETURNING {GatewayColumns}
        """, [("boot", Id(heartbeat.BootId)), ("now", now), ("json", heartbeat.Json), ("interval", (int)(heartbeat.Interval ?? DefaultInterval).TotalSeconds),
        ("depth", heartbeat.OutboxDepth), ("synced", heartbeat.ClockSynced ? 1 : 0), ("id", gateway)]);

    /// <summary>Runs the statements in order and returns each one's gateway rows: as one batch (one round trip) where the provider can, else one by one.</summary>
    private static async Task<List<List<GatewayRecord>>> RunAsync(DbConnection conn, DbTransaction tx, List<(string Sql, (string Name, object? Value)[] Args)> steps, CancellationToken ct)
    {
        var results = new List<List<GatewayRecord>>(steps.Count);
        if (!conn.CanCreateBatch)
        {
            foreach (var (sql, args) in steps)
            {
                results.Add(await QueryAsync(conn, tx, sql, r => r.FieldCount == 1 ? null! : ReadGateway(r), ct, args).ConfigureAwait(false));
            }

            return results;
        }

        await using var batch = conn.CreateBatch();
        batch.Transaction = tx;
        foreach (var (sql, args) in steps)
        {
            var cmd = batch.CreateBatchCommand();
            cmd.CommandText = sql;
            foreach (var (name, value) in args)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = name;
                p.Value = value ?? DBNull.Value;
                cmd.Parameters.Add(p);
            }

            batch.BatchCommands.Add(cmd);
        }

        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        do
        {
            var rows = new List<GatewayRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(reader.FieldCount == 1 ? null! : ReadGateway(reader));
            }

            results.Add(rows);
        }
        while (await reader.NextResultAsync(ct).ConfigureAwait(false));

        return results.Count == steps.Count ? results : throw new InvalidOperationException($"the archive answered {results.Count} result sets for {steps.Count} statements");
    }

    /// <summary>The heartbeat interval assumed for a gateway whose heartbeat does not state one (the gateway's default).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public async Task<bool> MarkSilentAsync(string gateway, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(conn, null, $"UPDATE gateways SET state = '{GatewayStates.Silent}' WHERE id = @id AND state = '{GatewayStates.Online}'", cancellationToken, ("id", gateway)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GatewayRecord>> GatewaysAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var gateways = await QueryAsync(conn, null, $"SELECT {GatewayColumns} FROM gateways ORDER BY id", ReadGateway, cancellationToken).ConfigureAwait(false);
        var paths = (await QueryAsync(conn, null, $"SELECT gateway, {PathColumns} FROM gateway_paths ORDER BY gateway, path", r => (Gateway: r.GetString(0), Path: ReadPath(r, 1)), cancellationToken).ConfigureAwait(false))
            .ToLookup(p => p.Gateway, p => p.Path, StringComparer.Ordinal);
        return paths.Count == 0 ? gateways : [.. gateways.Select(g => paths.Contains(g.Id) ? g with { Paths = [.. paths[g.Id]] } : g)];
    }

    /// <inheritdoc />
    public async Task<GatewayRecord?> GatewayAsync(string gateway, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GatewayInAsync(conn, null, gateway, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlarmRecord>> AlarmsAsync(bool openOnly, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = openOnly ? $"WHERE state <> '{AlarmStates.Cleared}' " : "";
        return await QueryAsync(conn, null, $"SELECT {AlarmColumns} FROM alarms {where}ORDER BY received_ms, id", ReadAlarm, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AlarmRecord?> AlarmAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await AlarmInAsync(conn, null, id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AlarmRecord?> RaiseSupervisionAlarmAsync(SupervisionAlarm alarm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var id = Guid.CreateVersion7(alarm.At);
        var now = Ms(alarm.At);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureGatewayAsync(conn, tx, alarm.Gateway, now, cancellationToken).ConfigureAwait(false);
        var inserted = await ExecAsync(conn, tx, $"""
            INSERT INTO alarms ({AlarmColumns}, supervision_key)
            VALUES (@id, @gateway, @type, 'supervision', '{AlarmStates.Raised}', @priority, @message, NULL, @now, @now, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, @key)
            ON CONFLICT (supervision_key) DO NOTHING
            """, cancellationToken,
            ("id", Id(id)), ("gateway", alarm.Gateway), ("type", alarm.Type), ("priority", alarm.Priority), ("message", alarm.Message), ("now", now), ("key", alarm.Key)).ConfigureAwait(false);
        var record = inserted == 1 ? await AlarmInAsync(conn, tx, id, cancellationToken).ConfigureAwait(false) : null;
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlarmRecord>> ResolveSupervisionAsync(string gateway, IReadOnlyCollection<string> types, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(types);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var open = await QueryAsync(conn, null, $"SELECT {AlarmColumns} FROM alarms WHERE gateway = @gateway AND origin = 'supervision' AND state <> '{AlarmStates.Cleared}'", ReadAlarm, cancellationToken,
            ("gateway", gateway)).ConfigureAwait(false);
        var cleared = new List<AlarmRecord>();
        foreach (var alarm in open.Where(a => types.Contains(a.Type)))
        {
            if (await ClearInAsync(conn, null, alarm.Id, "centre", reason, Ms(at), cancellationToken).ConfigureAwait(false))
            {
                cleared.Add((await AlarmInAsync(conn, null, alarm.Id, cancellationToken).ConfigureAwait(false))!);
            }
        }

        return cleared;
    }

    /// <inheritdoc />
    public async Task<bool> TakeAsync(Guid id, string operatorName, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(conn, null, $"""
            UPDATE alarms SET state = '{AlarmStates.Taken}', taken_ms = @now, taken_by = @op
            WHERE id = @id AND state IN ('{AlarmStates.Raised}', '{AlarmStates.Delivered}')
            """, cancellationToken, ("now", Ms(at)), ("op", operatorName), ("id", Id(id))).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> ClearAsync(Guid id, string? by, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ClearInAsync(conn, null, id, by, reason, Ms(at), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> EscalateAsync(Guid id, int level, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // The row update is the lease: of all instances, only the one whose UPDATE matched sends the webhook.
        return await ExecAsync(conn, null, $"""
            UPDATE alarms SET escalation = @level, escalated_ms = @now
            WHERE id = @id AND escalation < @level AND state IN ('{AlarmStates.Raised}', '{AlarmStates.Delivered}')
            """, cancellationToken, ("level", level), ("now", Ms(at)), ("id", Id(id))).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task RecordActionAsync(OperatorAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await InsertActionAsync(conn, null, action, cancellationToken).ConfigureAwait(false);
    }

    private static Task<int> InsertActionAsync(DbConnection conn, DbTransaction? tx, OperatorAction action, CancellationToken ct) =>
        ExecAsync(conn, tx, """
            INSERT INTO actions (at_ms, operator, action, gateway, alarm, command, outcome, detail)
            VALUES (@at, @op, @action, @gateway, @alarm, @command, @outcome, @detail)
            """, ct,
            ("at", Ms(action.At)), ("op", action.Operator), ("action", action.Action), ("gateway", action.Gateway), ("alarm", action.Alarm is { } a ? Id(a) : null),
            ("command", action.Command), ("outcome", action.Outcome), ("detail", action.Detail));

    /// <inheritdoc />
    public async Task<IReadOnlyList<OperatorAction>> ActionsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, "SELECT at_ms, operator, action, gateway, alarm, command, outcome, detail FROM actions ORDER BY id DESC LIMIT @limit",
            r => new OperatorAction(At(r, 0), r.GetString(1), r.GetString(2), Str(r, 3), Str(r, 4) is { } a ? Guid.Parse(a) : null, Str(r, 5), r.GetString(6), Str(r, 7)),
            cancellationToken, ("limit", limit)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AddNoteAsync(AlarmNote note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(conn, null, "INSERT INTO notes (alarm, at_ms, operator, text) VALUES (@alarm, @at, @op, @text)", cancellationToken,
            ("alarm", Id(note.Alarm)), ("at", Ms(note.At)), ("op", note.Operator), ("text", note.Text)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlarmNote>> NotesAsync(Guid alarm, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, "SELECT alarm, at_ms, operator, text FROM notes WHERE alarm = @alarm ORDER BY id",
            r => new AlarmNote(Guid.Parse(r.GetString(0)), At(r, 1), r.GetString(2), r.GetString(3)), cancellationToken, ("alarm", Id(alarm))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RejectedMessage>> RejectedAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, "SELECT at_ms, topic, gateway, reason, payload FROM rejected ORDER BY id DESC LIMIT @limit",
            r => new RejectedMessage(At(r, 0), r.GetString(1), Str(r, 2), r.GetString(3), r.GetString(4)), cancellationToken, ("limit", limit)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> EventCountAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(conn, null, "SELECT COUNT(*) FROM events", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventSummary>> EventsAsync(DateTimeOffset from, DateTimeOffset to, string? gateway, CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var filter = gateway is null ? "" : " AND gateway = @gateway";
        return await QueryAsync(conn, null, $"SELECT gateway, type, received_ms FROM events WHERE received_ms >= @from AND received_ms < @to{filter} ORDER BY received_ms",
            r => new EventSummary(r.GetString(0), r.GetString(1), At(r, 2)), cancellationToken, ("from", Ms(from)), ("to", Ms(to)), ("gateway", gateway)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SequenceGap>> GapsAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await QueryAsync(conn, null, """
            SELECT gateway, bootid, prev + 1, sequence - 1, received_ms FROM (
              SELECT gateway, bootid, sequence, received_ms, LAG(sequence) OVER (PARTITION BY gateway, bootid ORDER BY sequence) AS prev FROM events) t
            WHERE prev IS NOT NULL AND sequence > prev + 1
            ORDER BY gateway, bootid, sequence
            """, r => new SequenceGap(r.GetString(0), Guid.Parse(r.GetString(1)), Long(r, 2)!.Value, Long(r, 3)!.Value, At(r, 4)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private static async Task EnsureGatewayAsync(DbConnection conn, DbTransaction? tx, string gateway, long now, CancellationToken ct) =>
        await ExecAsync(conn, tx, $"INSERT INTO gateways (id, state, first_seen_ms, interval_s) VALUES (@id, '{GatewayStates.Online}', @now, @interval) ON CONFLICT (id) DO NOTHING", ct,
            ("id", gateway), ("now", now), ("interval", (int)DefaultInterval.TotalSeconds)).ConfigureAwait(false);

    private static async Task<bool> ClearInAsync(DbConnection conn, DbTransaction? tx, Guid id, string? by, string reason, long now, CancellationToken ct) =>
        await ExecAsync(conn, tx, $"""
            UPDATE alarms SET state = '{AlarmStates.Cleared}', cleared_ms = @now, cleared_by = @by, clear_reason = @reason
            WHERE id = @id AND state <> '{AlarmStates.Cleared}'
            """, ct, ("now", now), ("by", by), ("reason", reason), ("id", Id(id))).ConfigureAwait(false) == 1;

    private static async Task<GatewayRecord?> GatewayInAsync(DbConnection conn, DbTransaction? tx, string gateway, CancellationToken ct)
    {
        if ((await QueryAsync(conn, tx, $"SELECT {GatewayColumns} FROM gateways WHERE id = @id", ReadGateway, ct, ("id", gateway)).ConfigureAwait(false)).FirstOrDefault() is not { } record)
        {
            return null;
        }

        var paths = await QueryAsync(conn, tx, $"SELECT {PathColumns} FROM gateway_paths WHERE gateway = @id ORDER BY path", r => ReadPath(r, 0), ct, ("id", gateway)).ConfigureAwait(false);
        return paths.Count == 0 ? record : record with { Paths = paths };
    }

    private const string PathColumns = "path, state, bootid, status_ms";

    private static GatewayPath ReadPath(DbDataReader r, int i) => new(r.GetString(i), r.GetString(i + 1), Guid.Parse(r.GetString(i + 2)), At(r, i + 3));

    private static async Task<AlarmRecord?> AlarmInAsync(DbConnection conn, DbTransaction? tx, Guid id, CancellationToken ct) =>
        (await QueryAsync(conn, tx, $"SELECT {AlarmColumns} FROM alarms WHERE id = @id", ReadAlarm, ct, ("id", Id(id))).ConfigureAwait(false)).FirstOrDefault();

    private static GatewayRecord ReadGateway(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Str(r, 2) is { } b ? Guid.Parse(b) : null, At(r, 3), OptAt(r, 4), OptAt(r, 5), Str(r, 6),
        TimeSpan.FromSeconds(Long(r, 7)!.Value), Long(r, 8), Long(r, 9) is { } s ? s != 0 : null, OptAt(r, 10), OptAt(r, 11), OptAt(r, 12), OptAt(r, 13));

    private static AlarmRecord ReadAlarm(DbDataReader r) => new(
        Guid.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), (int)Long(r, 5)!.Value, r.GetString(6), Str(r, 7),
        At(r, 8), At(r, 9), OptAt(r, 10), OptAt(r, 11), Str(r, 12), OptAt(r, 13), Str(r, 14), Str(r, 15), (int)Long(r, 16)!.Value, OptAt(r, 17));

    private static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql, (string Name, object? Value)[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    private static async Task<int> ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task<List<T>> QueryAsync<T>(DbConnection conn, DbTransaction? tx, string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static DateTimeOffset At(DbDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(Long(r, i)!.Value);

    private static DateTimeOffset? OptAt(DbDataReader r, int i) => Long(r, i) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
