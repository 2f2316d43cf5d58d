// Write order. The promise "an accepted event reaches the centre" rests on these three steps, in this order:
//   1. persist  — AcceptAsync completes only after the event's row is committed. A batch that holds anything but
//                 telemetry commits with synchronous=FULL (fsync of the WAL: an alarm survives a power cut); a
//                 telemetry-only batch commits with NORMAL (WAL + NORMAL survives a process crash and at worst loses
//                 the last periodic values on a power cut, which the next period repeats — and it spares the SD card).
//   2. forward  — the deliverer reads rows (alarm, technical, info, telemetry; FIFO within a class) and publishes
//                 them at QoS 1. The row stays: a crash after the publish resends it under the same id.
//   3. mark acked — only the centre's application ack deletes the row. A crash before that delete commits costs one
//                 retransmission, which the centre drops as a duplicate by id; after it, the event is never sent again.
// The seam: IOutboxWriter is step 1, IOutboxReader steps 2 and 3 (with the delivery cursor kept here, not by the deliverer).
// Every step is exercised interrupted in tests/EdgeGateway.Uplink.Tests/OutboxWriteOrderTests.cs.
using System.Globalization;
using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Outbox;

/// <summary>The durable store-and-forward queue on SQLite (WAL): one writer task group-commits whatever is queued.</summary>
public sealed partial class SqliteOutbox : IOutboxWriter, IOutboxReader, IAsyncDisposable
{
    private const int ApplicationId = 0x45474F42; // "EGOB": tells our store from any other SQLite file.
    private const int SchemaVersion = 1;
    private static readonly TimeSpan EvictionReportInterval = TimeSpan.FromMinutes(1);

    private readonly OutboxOptions _options;
    private readonly CareEventFactory _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SqliteConnection _write;
    private readonly SqliteConnection _read;
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _unstoredLock = new();
    private readonly List<(CareEvent Event, byte[] Payload)> _unstored = [];
    private readonly Task _writer;
    private readonly Lock _cursorLock = new();
    private readonly long[] _cursor = new long[4];
    private long _depth;
    private long _evictedUnreported;
    private DateTimeOffset? _lastEvictionReport;
    private string? _fault;

    private SqliteOutbox(OutboxOptions options, CareEventFactory events, TimeProvider time, ILogger logger, SqliteConnection write, SqliteConnection read)
    {
        _options = options;
        _events = events;
        _time = time;
        _logger = logger;
        _write = write;
        _read = read;
        _depth = Scalar(_write, "SELECT COUNT(*) FROM events");
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Raised (on the writer task) after new events were committed, so a deliverer can wake up.</summary>
    public event Action? Accepted;

    /// <summary>Raised (on the writer task) for each event of a committed batch, before its accept completes and before <see cref="Accepted"/>.</summary>
    public event Action<CareEvent>? EventAccepted;

    /// <summary>Pending (accepted, not acknowledged) events, including technical events held in memory during a storage fault.</summary>
    public long Depth
    {
        get
        {
            lock (_unstoredLock)
            {
                return Interlocked.Read(ref _depth) + _unstored.Count;
            }
        }
    }

    /// <summary>The current storage fault, or null while the store writes fine.</summary>
    public string? Fault => Volatile.Read(ref _fault);

    /// <summary>Where a damaged store found at start-up was set aside, or null.</summary>
    public string? SetAsidePath { get; private set; }

    /// <summary>Opens (or creates) the store in <see cref="OutboxOptions.DataDirectory"/>; a damaged store is set aside, reported and replaced.</summary>
    /// <exception cref="OutboxStorageException">The data directory cannot be created or written.</exception>
    /// <exception cref="InvalidOperationException">The store belongs to another gateway id.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while the replacement report was being stored.</exception>
    public static SqliteOutbox Open(OutboxOptions options, CareEventFactory events, TimeProvider time, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            Directory.CreateDirectory(options.DataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutboxStorageException($"data directory '{options.DataDirectory}' cannot be created: {ex.Message}", ex);
        }

        var path = options.DatabasePath;
        string? damage = null;
        SqliteConnection? write = null;
        try
        {
            write = OpenConnection(path, SqliteOpenMode.ReadWriteCreate);
            damage = Prepare(write, events.GatewayId);
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            damage = $"{ex.Message.TrimEnd('.')} (SQLite error {ex.SqliteErrorCode})";
        }
        catch (SqliteException ex)
        {
            write?.Dispose();
            throw new OutboxStorageException($"outbox '{path}' cannot be opened for writing: {ex.Message} (SQLite error {ex.SqliteErrorCode}); check that the data directory is writable and not full", ex);
        }

        string? setAside = null;
        if (damage is not null)
        {
            write?.Dispose();
            setAside = SetAside(path, time);
            LogReplaced(logger, path, damage, setAside);
            write = OpenConnection(path, SqliteOpenMode.ReadWriteCreate);
            var again = Prepare(write, events.GatewayId);
            if (again is not null)
            {
                write.Dispose();
                throw new OutboxStorageException($"outbox '{path}' was replaced but the new store is unusable: {again}");
            }
        }

        if (options.MaxPageCount is { } pages)
        {
            Execute(write!, $"PRAGMA max_page_count={pages.ToString(CultureInfo.InvariantCulture)}");
        }

        var read = OpenConnection(path, SqliteOpenMode.ReadWrite);
        var outbox = new SqliteOutbox(options, events, time, logger, write!, read) { SetAsidePath = setAside };
        if (damage is not null)
        {
            var replaced = events.Create(
                CareEventKind.OutboxReplaced,
                null,
                "event store was damaged; set aside and replaced",
                new Dictionary<string, string> { ["reason"] = damage, ["setaside"] = setAside ?? "" });
            var reported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            outbox._requests.Writer.TryWrite(new InsertRequest(replaced, CloudEventCodec.Serialize(replaced), reported));

            // Open returns a store that already holds the report, so nothing can overtake or lose it.
            try
            {
                reported.Task.WaitAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Disposing drains the queue: the report is still committed, only this caller stopped waiting for it.
                outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }

        LogOpened(logger, path, outbox.Depth);
        return outbox;
    }

    /// <summary>The gateway id a store in <paramref name="dataDirectory"/> was created for, or null when there is none (or it is unreadable).</summary>
    public static string? StoredGatewayId(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, OutboxOptions.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var c = OpenConnection(path, SqliteOpenMode.ReadOnly);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key='gateway_id'";
            return cmd.ExecuteScalar() as string;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>Accepts <paramref name="evt"/>: completes once it is committed to disk.</summary>
    /// <exception cref="OutboxStorageException">The store cannot be written; the event was not accepted.</exception>
    public Task AcceptAsync(CareEvent evt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_requests.Writer.TryWrite(new InsertRequest(evt, CloudEventCodec.Serialize(evt), done)), this);

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Marks events acknowledged (deletes them); completes once that is committed. Unknown ids are ignored.</summary>
    public Task AckAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ObjectDisposedException.ThrowIf(!_requests.Writer.TryWrite(new AckRequest(ids, done)), this);

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per class only rows after the cursor (rows commit in sequence order, so nothing appears behind it): a deliverer with
    /// hundreds of events in flight does not re-read them on every wake-up. Memory-held events not skipped come first.
    /// </remarks>
    public async Task<IReadOnlyList<OutboxEntry>> ReadNewAsync(int maxAlarms, int maxOthers, Func<Guid, bool> skip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skip);
        var result = new List<OutboxEntry>();
        lock (_unstoredLock)
        {
            foreach (var (evt, payload) in _unstored)
            {
                if (!skip(evt.Id))
                {
                    result.Add(new OutboxEntry(0, evt.Id, evt.Class, payload, evt.Time.Wall));
                }
            }
        }

        await _readLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _read.CreateCommand();
            cmd.CommandText = "SELECT seq, id, class, accepted_ms, payload FROM events WHERE class = $class AND seq > $after ORDER BY seq LIMIT $max";
            var pClass = cmd.Parameters.Add("$class", SqliteType.Integer);
            var pAfter = cmd.Parameters.Add("$after", SqliteType.Integer);
            var pMax = cmd.Parameters.Add("$max", SqliteType.Integer);
            var others = maxOthers;
            foreach (var cls in new[] { EventClass.Alarm, EventClass.Technical, EventClass.Info, EventClass.Telemetry })
            {
                var max = cls == EventClass.Alarm ? maxAlarms : others;
                if (max <= 0)
                {
                    continue;
                }

                pClass.Value = (int)cls;
                lock (_cursorLock)
                {
                    pAfter.Value = _cursor[(int)cls];
                }

                pMax.Value = max;
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    var id = new Guid((byte[])reader.GetValue(1));
                    if (skip(id))
                    {
                        continue;
                    }

                    var seq = reader.GetInt64(0);
                    result.Add(new OutboxEntry(seq, id, cls, (byte[])reader.GetValue(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                    lock (_cursorLock)
                    {
                        _cursor[(int)cls] = Math.Max(_cursor[(int)cls], seq);
                    }

                    if (cls != EventClass.Alarm)
                    {
                        others--;
                    }
                }
            }
        }
        finally
        {
            _readLock.Release();
        }

        return result;
    }

    /// <inheritdoc />
    public void Rewind()
    {
        lock (_cursorLock)
        {
            Array.Clear(_cursor);
        }
    }

    /// <summary>How long the oldest pending event has waited, or null when nothing is pending.</summary>
    public async Task<TimeSpan?> OldestPendingAgeAsync(CancellationToken cancellationToken = default)
    {
        await _readLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _read.CreateCommand();
            cmd.CommandText = "SELECT MIN(accepted_ms) FROM events";
            var oldest = cmd.ExecuteScalar();
            DateTimeOffset? at = oldest is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            lock (_unstoredLock)
            {
                foreach (var (evt, _) in _unstored)
                {
                    at = at is null || evt.Time.Wall < at ? evt.Time.Wall : at;
                }
            }

            return at is null ? null : _time.GetUtcNow() - at.Value;
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _write.Dispose();
        _read.Dispose();
        _readLock.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        using var insert = _write.CreateCommand();
        insert.CommandText = "INSERT OR IGNORE INTO events(id, class, accepted_ms, payload) VALUES ($id, $class, $at, $payload)";
        var pId = insert.Parameters.Add("$id", SqliteType.Blob);
        var pClass = insert.Parameters.Add("$class", SqliteType.Integer);
        var pAt = insert.Parameters.Add("$at", SqliteType.Integer);
        var pPayload = insert.Parameters.Add("$payload", SqliteType.Blob);
        using var delete = _write.CreateCommand();
        delete.CommandText = "DELETE FROM events WHERE id = $id";
        var dId = delete.Parameters.Add("$id", SqliteType.Blob);

        var batch = new List<Request>(_options.MaxBatch);
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _requests.Reader.TryRead(out var r))
            {
                batch.Add(r);
            }

            CommitBatch(batch, insert, pId, pClass, pAt, pPayload, delete, dId);
        }
    }

    private void CommitBatch(
        List<Request> batch,
        SqliteCommand insert,
        SqliteParameter pId,
        SqliteParameter pClass,
        SqliteParameter pAt,
        SqliteParameter pPayload,
        SqliteCommand delete,
        SqliteParameter dId)
    {
        List<(CareEvent Event, byte[] Payload)> carried;
        lock (_unstoredLock)
        {
            carried = [.. _unstored];
        }

        // Acks alone need no fsync: losing one to a power cut costs a retransmission the centre drops by id.
        var full = carried.Count > 0 || batch.Exists(r => r is InsertRequest i && i.Event.Class != EventClass.Telemetry);
        long inserted = 0, deleted = 0;
        var now = _time.GetUtcNow();
        SqliteTransaction? tx = null;
        CareEvent? evictionReport = null;
        try
        {
            Execute(_write, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            tx = _write.BeginTransaction();
            insert.Transaction = tx;
            delete.Transaction = tx;
            // Deletes first: on a full store they free the pages the inserts of the same batch need.
            var ackedIds = new HashSet<Guid>();
            foreach (var a in batch.OfType<AckRequest>())
            {
                foreach (var id in a.Ids)
                {
                    ackedIds.Add(id);
                    dId.Value = id.ToByteArray();
                    deleted += delete.ExecuteNonQuery();
                }
            }

            foreach (var (evt, payload) in carried.Where(c => !ackedIds.Contains(c.Event.Id)))
            {
                inserted += Insert(evt, payload);
            }

            foreach (var i in batch.OfType<InsertRequest>())
            {
                inserted += Insert(i.Event, i.Payload);
            }

            var depth = Interlocked.Read(ref _depth) + inserted - deleted;
            if (depth > _options.MaxEvents)
            {
                var evicted = Evict(tx, depth - _options.MaxEvents);
                deleted += evicted;
                _evictedUnreported += evicted;
            }

            if (_evictedUnreported > 0 && (_lastEvictionReport is null || now - _lastEvictionReport >= EvictionReportInterval))
            {
                evictionReport = _events.Create(
                    CareEventKind.OutboxEvicted,
                    null,
                    "event store full: oldest telemetry/info events dropped (never alarms)",
                    new Dictionary<string, string>
                    {
                        ["evicted"] = _evictedUnreported.ToString(CultureInfo.InvariantCulture),
                        ["maxevents"] = _options.MaxEvents.ToString(CultureInfo.InvariantCulture),
                    });
                inserted += Insert(evictionReport, CloudEventCodec.Serialize(evictionReport));
            }

            tx.Commit();
            Interlocked.Add(ref _depth, inserted - deleted);
            if (evictionReport is not null)
            {
                LogEvicted(_logger, _evictedUnreported, _options.MaxEvents);
                _evictedUnreported = 0;
                _lastEvictionReport = now;
            }

            lock (_unstoredLock)
            {
                _unstored.RemoveAll(u => carried.Exists(c => c.Event.Id == u.Event.Id));
                _unstored.RemoveAll(u => ackedIds.Contains(u.Event.Id));
            }

            if (Interlocked.Exchange(ref _fault, null) is { } was)
            {
                LogStorageRecovered(_logger, _options.DatabasePath, was);
            }
        }
        catch (SqliteException ex)
        {
            try
            {
                tx?.Rollback();
            }
            catch (SqliteException)
            {
                // SQLite already rolled the transaction back on the error.
            }

            var reason = $"outbox '{_options.DatabasePath}' cannot be written: {ex.Message.TrimEnd('.')} (SQLite error {ex.SqliteErrorCode}); free space or fix permissions on '{_options.DataDirectory}'";
            OnStorageFault(reason);
            foreach (var request in batch)
            {
                request.Done?.TrySetException(new OutboxStorageException(reason, ex));
            }

            return;
        }
        finally
        {
            tx?.Dispose();
        }

        // Before the accepts complete: whoever awaited an accept finds what it set off (a routine hold) already in place.
        if (EventAccepted is { } accepted)
        {
            foreach (var i in batch.OfType<InsertRequest>())
            {
                accepted(i.Event);
            }
        }

        foreach (var request in batch)
        {
            request.Done?.TrySetResult();
        }

        if (inserted > 0)
        {
            Accepted?.Invoke();
        }

        long Insert(CareEvent evt, byte[] payload)
        {
            pId.Value = evt.Id.ToByteArray();
            pClass.Value = (int)evt.Class;
            pAt.Value = now.ToUnixTimeMilliseconds();
            pPayload.Value = payload;
            return insert.ExecuteNonQuery();
        }
    }

    private long Evict(SqliteTransaction tx, long excess)
    {
        long evicted = 0;
        foreach (var cls in new[] { EventClass.Telemetry, EventClass.Info })
        {
            if (evicted >= excess)
            {
                break;
            }

            using var cmd = _write.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE class = $class ORDER BY seq LIMIT $n)";
            cmd.Parameters.AddWithValue("$class", (int)cls);
            cmd.Parameters.AddWithValue("$n", excess - evicted);
            evicted += cmd.ExecuteNonQuery();
        }

        return evicted;
    }

    private void OnStorageFault(string reason)
    {
        if (Interlocked.Exchange(ref _fault, reason) is not null)
        {
            return;
        }

        LogStorageFault(_logger, reason);

        // The fault cannot be written to the store that has it: hold the event in memory, deliver it from there,
        // and persist it with the first batch that commits again.
        var fault = _events.Create(CareEventKind.StorageFault, null, "event store cannot be written", new Dictionary<string, string> { ["reason"] = reason });
        lock (_unstoredLock)
        {
            _unstored.Add((fault, CloudEventCodec.Serialize(fault)));
        }

        // Acks that failed here are retried by the deliverer; nothing to keep from the batch.
        Accepted?.Invoke();
    }

    private static string? Prepare(SqliteConnection c, string gatewayId)
    {
        // quick_check reads every page: a torn or overwritten file shows up here, not in the middle of the night.
        var check = (string?)ScalarObject(c, "PRAGMA quick_check");
        if (!string.Equals(check, "ok", StringComparison.Ordinal))
        {
            return $"integrity check failed: {check}";
        }

        var appId = Scalar(c, "PRAGMA application_id");
        var version = Scalar(c, "PRAGMA user_version");
        var tables = Scalar(c, "SELECT COUNT(*) FROM sqlite_master");
        if (appId == 0 && version == 0 && tables == 0)
        {
            Execute(c, "PRAGMA journal_mode=WAL");
            using var tx = c.BeginTransaction();
            using var create = c.CreateCommand();
            create.Transaction = tx;
            create.CommandText = $"""
                CREATE TABLE events(seq INTEGER PRIMARY KEY AUTOINCREMENT, id BLOB NOT NULL UNIQUE, class INTEGER NOT NULL, accepted_ms INTEGER NOT NULL, payload BLOB NOT NULL);
                CREATE INDEX events_by_class ON events(class, seq);
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta(key, value) VALUES ('gateway_id', $gw);
                PRAGMA application_id={ApplicationId};
                PRAGMA user_version={SchemaVersion};
                """;
            create.Parameters.AddWithValue("$gw", gatewayId);
            create.ExecuteNonQuery();
            tx.Commit();
        }
        else if (appId != ApplicationId || version != SchemaVersion)
        {
            return $"wrong schema: application_id {appId}, user_version {version} (expected {ApplicationId}, {SchemaVersion})";
        }
        else
        {
            Execute(c, "PRAGMA journal_mode=WAL");
            var stored = (string?)ScalarObject(c, "SELECT value FROM meta WHERE key='gateway_id'");
            if (!string.Equals(stored, gatewayId, StringComparison.Ordinal))
            {
                var source = c.DataSource;
                c.Dispose();
                throw new InvalidOperationException(
                    $"the outbox in '{source}' belongs to gateway '{stored}', not '{gatewayId}': pass --gateway-id {stored} or use another --data-dir");
            }
        }

        return null;
    }

    private static string SetAside(string path, TimeProvider time)
    {
        SqliteConnection.ClearAllPools();
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = $"{path}.damaged-{stamp}";
        for (var n = 1; File.Exists(target); n++)
        {
            target = $"{path}.damaged-{stamp}-{n}";
        }

        File.Move(path, target);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, target + suffix);
            }
        }

        return target;
    }

    private static bool IsDamage(SqliteException ex) => ex.SqliteErrorCode is 11 /* CORRUPT */ or 26 /* NOTADB */;

    private static SqliteConnection OpenConnection(string path, SqliteOpenMode mode)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        c.Open();
        Execute(c, "PRAGMA busy_timeout=5000");
        return c;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection c, string sql) => Convert.ToInt64(ScalarObject(c, sql), CultureInfo.InvariantCulture);

    private static object? ScalarObject(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private abstract record Request(TaskCompletionSource? Done);

    private sealed record InsertRequest(CareEvent Event, byte[] Payload, TaskCompletionSource? Done) : Request(Done);

    private sealed record AckRequest(IReadOnlyCollection<Guid> Ids, TaskCompletionSource Done) : Request(Done);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Outbox {Path} open, {Depth} events pending")]
    private static partial void LogOpened(ILogger logger, string path, long depth);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Outbox {Path} was damaged ({Reason}); set aside as {SetAside} and replaced by an empty store. Keep the old file for analysis.")]
    private static partial void LogReplaced(ILogger logger, string path, string reason, string setAside);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "Storage fault: {Reason}. New events are not accepted until the store can be written again.")]
    private static partial void LogStorageFault(ILogger logger, string reason);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Outbox {Path} writes again (was: {Reason})")]
    private static partial void LogStorageRecovered(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Outbox full ({MaxEvents} events): evicted {Evicted} telemetry/info events, oldest first; alarms are kept")]
    private static partial void LogEvicted(ILogger logger, long evicted, int maxEvents);
}
