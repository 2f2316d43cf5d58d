using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Tests.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Centre.Tests.Supervision;

/// <summary>Supervision and escalation on SQLite.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteDutyCentreTests : DutyCentreTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("duty-").FullName;
    private Microsoft.Data.Sqlite.SqliteConnection? _witness;

    protected override async Task<IArchive> OpenArchiveAsync() => await SqliteArchive.OpenAsync(Path.Combine(_dir, "centre.db"));

    protected override async Task ExecuteAsync(string sql)
    {
        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "centre.db")};Pooling=false");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        // SQLite has one writer at a time: an open BEGIN IMMEDIATE makes every other writer wait (busy timeout) until it ends.
        var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "centre.db")};Pooling=false");
        await conn.OpenAsync();
        await using var begin = conn.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return conn; // Closing it rolls back.
    }

    /// <summary>
    /// The commit records in the write-ahead log, read from the file: a frame whose "database size after commit" field is
    /// non-zero ends a transaction (sqlite.org/fileformat.html, 4.1); only frames with the header's salts are of this log.
    /// </summary>
    protected override async Task<long> CommitsAsync()
    {
        // Held open from the first count on: SQLite deletes the log when its last connection closes, and another test
        // class's SqliteConnection.ClearAllPools() closes the archive's pooled ones at any moment.
        if (_witness is null)
        {
            var witness = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "centre.db")};Pooling=false");
            await witness.OpenAsync();
            _witness = witness;
        }

        byte[] wal;
        await using (var f = new FileStream(Path.Combine(_dir, "centre.db-wal"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            wal = new byte[f.Length];
            await f.ReadExactlyAsync(wal);
        }

        if (wal.Length < 32)
        {
            return 0; // A log not yet written since it was (re)created holds no commit.
        }

        var pageSize = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(wal.AsSpan(8));
        var salts = wal.AsSpan(16, 8).ToArray();
        long commits = 0;
        for (var frame = 32; frame + 24 + pageSize <= wal.Length && wal.AsSpan(frame + 8, 8).SequenceEqual(salts); frame += 24 + pageSize)
        {
            commits += System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(wal.AsSpan(frame + 4)) != 0 ? 1 : 0;
        }

        return commits;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_witness is not null)
        {
            await _witness.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    public void Dispose() => _witness?.Dispose();
}

/// <summary>Supervision and escalation on a real PostgreSQL, including two centre instances on one database.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresDutyCentreTests(PostgresFixture pg) : DutyCentreTests, IClassFixture<PostgresFixture>
{
    private string? _database;

    protected override async Task<IArchive> OpenArchiveAsync()
    {
        _database ??= await pg.Server.CreateDatabaseAsync();
        return await PostgresArchive.OpenAsync(_database);
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_database);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        // Reads (SELECT) go on; an insert or update of a gateway waits for the lock.
        var conn = new Npgsql.NpgsqlConnection(_database);
        await conn.OpenAsync();
        await using var lockTable = new Npgsql.NpgsqlCommand("BEGIN; LOCK TABLE gateways, alarms IN EXCLUSIVE MODE", conn);
        await lockTable.ExecuteNonQueryAsync();
        return conn; // Closing it rolls back.
    }

    /// <summary>Write transactions so far: each is given a transaction id, and txid_current() takes the next one (so +1 per call).</summary>
    protected override async Task<long> CommitsAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(_database);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT txid_current()", conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Two_instances_on_one_database_record_each_event_once_and_raise_each_supervision_alarm_once()
    {
        var a = await StartCentreAsync();
        var b = await StartCentreAsync();
        var gateway = new CareEventFactory("gw-two", Time, new FixedClockSyncStatus(true));
        var events = Enumerable.Range(0, 30).Select(i => gateway.Create(i % 3 == 0 ? CareEventKind.HelpButton : CareEventKind.FlowTotals, "s", $"e{i}")).ToList();

        // Each event twice (a retransmission), spread over both instances by the shared subscription.
        foreach (var e in events.Concat(events))
        {
            await PublishAsync(Topics.Events("gw-two", e.Class), CloudEventCodec.Serialize(e));
        }

        await UntilAsync(async () => await a.Archive.EventCountAsync() == events.Count, "all events stored");
        await PublishAsync(Topics.Status("gw-two"), Status("offline", gateway.BootId));
        await UntilAsync(async () => (await b.Archive.GatewayAsync("gw-two"))?.State == GatewayStates.Offline, "offline at both");
        await UntilAsync(async () => (await a.Archive.GatewayAsync("gw-two"))?.State == GatewayStates.Offline, "offline at both");
        Time.Advance(TimeSpan.FromSeconds(61));
        await Task.WhenAll(a.CheckAsync(), b.CheckAsync(), a.CheckAsync(), b.CheckAsync());

        Assert.Equal(events.Count, await b.Archive.EventCountAsync());
        var alarms = await a.Archive.AlarmsAsync(openOnly: true);
        Assert.Single(alarms, x => x.Type == SupervisionTypes.Offline);
        Assert.Equal(10, alarms.Count(x => x.Origin == "gateway"));

        // Escalation of the same alarm is also won once: one webhook call per level, not one per instance.
        Time.Advance(TimeSpan.FromSeconds(60));
        await Task.WhenAll(a.CheckAsync(), b.CheckAsync());
        Assert.All(await a.Archive.AlarmsAsync(openOnly: true), x => Assert.Equal(1, x.Escalation));
    }

    [Fact]
    public async Task Two_instances_checking_at_the_same_moment_raise_one_silent_alarm_per_gateway()
    {
        // Grouping off: all the centre's hundred homes going silent together would be one mass outage (its own tests).
        DutyCentreOptions Ungrouped(DutyCentreOptions o) => new() { Time = o.Time, Zone = o.Zone, CheckInterval = o.CheckInterval, MassOutageHomes = 0 };
        var a = await StartCentreAsync(Ungrouped);
        var b = await StartCentreAsync(Ungrouped);
        var homes = Enumerable.Range(0, 100).Select(i => (Id: $"gw-s{i:000}", Boot: Guid.NewGuid())).ToList();
        foreach (var (id, boot) in homes)
        {
            await PublishAsync(Topics.Heartbeat(id), Heartbeat(boot, 5));
        }

        await UntilAsync(async () => (await a.Archive.GatewaysAsync()).Count(g => g.HeartbeatInterval == TimeSpan.FromSeconds(5)) == homes.Count, "all heartbeats stored");
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Both passes read the same hundred online rows before either has marked one silent: only the alarm's key in the
        // archive (unique, the same at both) keeps it to one alarm per gateway.
        Time.Advance(TimeSpan.FromSeconds(26));
        await Task.WhenAll(a.CheckAsync(), b.CheckAsync());
        await Task.WhenAll(a.CheckAsync(), b.CheckAsync());

        var silent = (await a.Archive.AlarmsAsync(openOnly: false)).Where(x => x.Type == SupervisionTypes.Silent).Select(x => x.Gateway).Order(StringComparer.Ordinal);
        Assert.Equal(homes.Select(h => h.Id), silent);
        Assert.All(await b.Archive.GatewaysAsync(), g => Assert.Equal(GatewayStates.Silent, g.State));
    }

    [Fact]
    public async Task An_alarm_is_stored_without_waiting_behind_a_backlog_of_gateway_status()
    {
        // PostgreSQL, the store of a fleet (SQLite takes one writer at a time, so there the births and the alarm queue at the file).
        // 400 retained births wait at the broker; subscribing hands them to the centre in one burst (a restart at scale).
        var homes = Enumerable.Range(0, 400).Select(i => $"gw-b{i:0000}").ToList();
        await Task.WhenAll(homes.Select(id => PublishAsync(Topics.Status(id), Status("online", Guid.NewGuid()), retain: true)));

        // Storing each birth is made slow (8 s for all), so they are surely still being stored when the alarm comes,
        // however fast or busy the machine: what is checked is the order, not the speed. The alarm's own row is not slowed.
        await using (await OpenArchiveAsync())
        {
            await ExecuteAsync("""
                CREATE FUNCTION slow_birth() RETURNS trigger AS $$
                BEGIN IF NEW.id LIKE 'gw-b%' THEN PERFORM pg_sleep(0.02); END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER slow_birth BEFORE INSERT OR UPDATE ON gateways FOR EACH ROW EXECUTE FUNCTION slow_birth();
                """);
        }

        var centre = await StartCentreAsync();
        var alarm = new CareEventFactory("gw-alarm", Time, new FixedClockSyncStatus(true)).Create(CareEventKind.HelpButton, "pendant", "help");
        await PublishAsync(Topics.Events("gw-alarm", EventClass.Alarm), CloudEventCodec.Serialize(alarm));

        // The births arrived first; the alarm must not queue behind storing them one by one.
        await UntilAsync(async () => await centre.Archive.AlarmAsync(alarm.Id) is not null, "the alarm stored");
        var statusStored = (await centre.Archive.GatewaysAsync()).Count(g => g.StatusAt is not null);
        Assert.True(statusStored < homes.Count, $"the alarm was stored only after all {statusStored} births");
        await UntilAsync(async () => (await centre.Archive.GatewaysAsync()).Count(g => g.StatusAt is not null) == homes.Count, "the births stored after all");
    }
}

/// <summary>
/// The duty centre against a real mosquitto and a real archive: gateways are played by an MQTT client publishing what a
/// gateway publishes (status, heartbeats, events); time is a FakeTimeProvider, so each deadline is checked to the second.
/// </summary>
public abstract partial class DutyCentreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 27, 8, 0, 0, TimeSpan.Zero);
    private readonly List<CentreFixture> _centres = [];
    private MosquittoBroker? _broker;
    private IMqttClient? _gateway;

    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The centres' log: a test fails on an error it did not declare with <see cref="StrictLogs.Expect"/>.</summary>
    protected StrictLogs Logs { get; } = new();

    protected Uri? Webhook { get; set; }

    protected TimeOnly? DailyTestBy { get; set; }

    protected abstract Task<IArchive> OpenArchiveAsync();

    /// <summary>Runs <paramref name="sql"/> on the archive's database from outside the centre (to take a table away and give it back).</summary>
    protected abstract Task ExecuteAsync(string sql);

    /// <summary>Makes the centre's writes to the gateways (and alarms) wait until the result is disposed: a slow archive, on demand.</summary>
    protected abstract Task<IAsyncDisposable> HoldWritesAsync();

    /// <summary>A counter of the archive's committed write transactions, read from the database itself.</summary>
    protected abstract Task<long> CommitsAsync();

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _gateway = new MqttClientFactory().CreateMqttClient();
        await _gateway.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId("fake-gateways").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var c in _centres)
        {
            await c.DisposeAsync();
        }

        _gateway?.Dispose();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        Logs.Dispose();
    }

    protected async Task<DutyCentre> StartCentreAsync(Func<DutyCentreOptions, DutyCentreOptions>? change = null)
    {
        var options = new DutyCentreOptions { Time = Time, EscalationWebhook = Webhook, DailyTestBy = DailyTestBy, Zone = TimeZoneInfo.Utc, CheckInterval = TimeSpan.FromHours(1) };
        var centre = await CentreFixture.StartAsync(await OpenArchiveAsync(), [_broker!.Url], change?.Invoke(options) ?? options, $"centre-{_centres.Count}", "central", web: false, loggers: Logs);
        _centres.Add(centre);
        return centre.Centre;
    }

    protected async Task PublishAsync(string topic, byte[] payload, bool retain = false) =>
        await _gateway!.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    protected static byte[] Status(string state, Guid boot) => Encoding.UTF8.GetBytes($$"""{"state":"{{state}}","bootid":"{{boot:D}}"}""");

    protected byte[] Heartbeat(Guid boot, long intervalSeconds) => Encoding.UTF8.GetBytes($$$"""
        {"bootid":"{{{boot:D}}}","time":"{{{Instants.Wire(Time.GetUtcNow())}}}","uptime_s":5,"outbox_depth":2,"oldest_unacked_s":1.5,"clocksynced":true,"interval_s":{{{intervalSeconds}}},"states":{"path.primary":"up","sensor.hall":"ok"}}
        """);

    protected static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never happened: {what}");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<IReadOnlyList<AlarmRecord>> OpenOfAsync(DutyCentre centre, string type) =>
        [.. (await centre.Archive.AlarmsAsync(openOnly: true)).Where(a => a.Type == type)];

    [Fact]
    public async Task A_last_will_makes_the_gateway_offline_at_once_and_raises_the_offline_alarm_after_the_grace_and_back_online_clears_it()
    {
        var centre = await StartCentreAsync();
        var boot = Guid.NewGuid();
        await PublishAsync(Topics.Status("gw-1"), Status("online", boot));
        await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-1"))?.State == GatewayStates.Online, "online");
        await PublishAsync(Topics.Status("gw-1"), Status("offline", boot));
        await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-1"))?.State == GatewayStates.Offline, "offline at once");

        Time.Advance(TimeSpan.FromSeconds(59));
        await centre.CheckAsync();
        Assert.Empty(await OpenOfAsync(centre, SupervisionTypes.Offline));
        Time.Advance(TimeSpan.FromSeconds(1));
        await centre.CheckAsync();
        await centre.CheckAsync();
        var alarm = Assert.Single(await OpenOfAsync(centre, SupervisionTypes.Offline));
        Assert.Equal((AlarmStates.Raised, "gw-1", T0.AddSeconds(60)), (alarm.State, alarm.Gateway, alarm.RaisedAt));

        await PublishAsync(Topics.Status("gw-1"), Status("online", Guid.NewGuid()));
        await UntilAsync(async () => (await OpenOfAsync(centre, SupervisionTypes.Offline)).Count == 0, "the offline alarm cleared when it came back");
        var cleared = (await centre.Archive.AlarmAsync(alarm.Id))!;
        Assert.Equal(("centre", "gateway back online"), (cleared.ClearedBy, cleared.ClearReason));
    }

    [Fact]
    public async Task Heartbeats_stopping_without_a_will_make_the_gateway_silent_after_three_stated_intervals_and_ten_seconds()
    {
        var centre = await StartCentreAsync();
        var boot = Guid.NewGuid();
        await PublishAsync(Topics.Status("gw-2"), Status("online", boot));
        await PublishAsync(Topics.Heartbeat("gw-2"), Heartbeat(boot, 5));
        await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-2"))?.HeartbeatInterval == TimeSpan.FromSeconds(5), "heartbeat stored");
        var stored = (await centre.Archive.GatewayAsync("gw-2"))!;
        Assert.Equal((2L, true), (stored.OutboxDepth, stored.ClockSynced));

        Time.Advance(TimeSpan.FromSeconds(24));
        await centre.CheckAsync();
        Assert.Equal(GatewayStates.Online, (await centre.Archive.GatewayAsync("gw-2"))!.State);
        Time.Advance(TimeSpan.FromSeconds(1));
        await centre.CheckAsync();
        await centre.CheckAsync();
        Assert.Equal(GatewayStates.Silent, (await centre.Archive.GatewayAsync("gw-2"))!.State);
        Assert.Single(await OpenOfAsync(centre, SupervisionTypes.Silent));

        await PublishAsync(Topics.Heartbeat("gw-2"), Heartbeat(boot, 5));
        await UntilAsync(async () => (await OpenOfAsync(centre, SupervisionTypes.Silent)).Count == 0 && (await centre.Archive.GatewayAsync("gw-2"))!.State == GatewayStates.Online, "back from silent");
    }

    [Fact]
    public async Task A_backlog_of_heartbeats_is_stored_in_fewer_transactions_than_heartbeats()
    {
        var centre = await StartCentreAsync();
        var homes = Enumerable.Range(0, 40).Select(i => (Id: $"gw-h{i:00}", Boot: Guid.NewGuid())).ToList();
        await PublishAsync(Topics.Heartbeat("gw-h-first"), Heartbeat(Guid.NewGuid(), 5));
        await UntilAsync(async () => await centre.Archive.GatewayAsync("gw-h-first") is not null && centre.FollowBacklog == 0, "the log exists");

        // The archive is slow (writes held): the heartbeats arrive meanwhile and queue, as on a loaded machine.
        long before;
        await using (await HoldWritesAsync())
        {
            foreach (var (id, boot) in homes)
            {
                await PublishAsync(Topics.Heartbeat(id), Heartbeat(boot, 5));
            }

            await UntilAsync(() => Task.FromResult(centre.FollowBacklog == homes.Count), "every heartbeat received and waiting");
            before = await CommitsAsync();
        }

        await UntilAsync(async () => centre.FollowBacklog == 0 && (await centre.Archive.GatewaysAsync()).Count(g => g.Id.StartsWith("gw-h", StringComparison.Ordinal) && g.LastHeartbeatAt is not null) == homes.Count + 1, "all stored");
        var commits = await CommitsAsync() - before;
        Assert.True(commits < homes.Count / 4, $"{homes.Count} queued heartbeats took {commits} transactions");
    }

    [Fact]
    public async Task A_heartbeat_waiting_behind_a_backlog_is_never_declared_silent()
    {
        var centre = await StartCentreAsync();
        var boot = Guid.NewGuid();
        await PublishAsync(Topics.Heartbeat("gw-q"), Heartbeat(boot, 5));
        await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-q"))?.LastHeartbeatAt == T0, "first heartbeat stored");

        Task check;
        await using (await HoldWritesAsync())
        {
            // The next heartbeat is received on time but cannot be stored yet.
            Time.Advance(TimeSpan.FromSeconds(20));
            await PublishAsync(Topics.Heartbeat("gw-q"), Heartbeat(boot, 5));
            await UntilAsync(() => Task.FromResult(centre.FollowBacklog == 1), "the heartbeat received and waiting");

            // 26 s after the stored heartbeat (past 3 × 5 s + 10 s), 6 s after the one in the queue. A pass that believed the
            // archive alone would declare silence (and wait on the held write to record it); give it the time to do so.
            Time.Advance(TimeSpan.FromSeconds(6));
            check = centre.CheckAsync();
            await Task.WhenAny(check, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        await check;
        await UntilAsync(async () => centre.FollowBacklog == 0 && (await centre.Archive.GatewayAsync("gw-q"))?.LastHeartbeatAt == T0.AddSeconds(20), "the queued heartbeat stored, at its arrival time");
        await centre.CheckAsync();
        Assert.Empty(await OpenOfAsync(centre, SupervisionTypes.Silent));
        Assert.Equal(GatewayStates.Online, (await centre.Archive.GatewayAsync("gw-q"))!.State);

        // Received at T0 + 20 s: silent 24.5 s later, not 24.5 s after it was stored.
        Time.Advance(TimeSpan.FromSeconds(19));
        await centre.CheckAsync();
        Assert.Single(await OpenOfAsync(centre, SupervisionTypes.Silent));
    }

    [Fact]
    public async Task The_loop_raises_a_silence_at_its_deadline_not_at_its_next_poll()
    {
        // The system clock, and a poll far longer than the silence budget: only waking at the deadline raises it in time.
        var centre = await StartCentreAsync(_ => new DutyCentreOptions
        {
            Zone = TimeZoneInfo.Utc, CheckInterval = TimeSpan.FromMinutes(5), SilentMargin = TimeSpan.FromSeconds(2), SilentLead = TimeSpan.FromMilliseconds(500),
        });
        var boot = Guid.NewGuid();
        await PublishAsync(Topics.Status("gw-9"), Status("online", boot));
        await PublishAsync(Topics.Heartbeat("gw-9"), Heartbeat(boot, 1));

        await UntilAsync(async () => (await OpenOfAsync(centre, SupervisionTypes.Silent)).Count == 1, "silent alarm well before the 5 min poll");
        var heard = (await centre.Archive.GatewayAsync("gw-9"))!.LastHeartbeatAt!.Value;
        var alarm = Assert.Single(await OpenOfAsync(centre, SupervisionTypes.Silent));
        Assert.InRange(alarm.RaisedAt - heard, TimeSpan.FromSeconds((3 * 1) + 2 - 0.5), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_gap_in_a_boots_sequence_is_flagged_once_it_has_not_filled_within_the_grace()
    {
        var centre = await StartCentreAsync();
        var gateway = new CareEventFactory("gw-3", Time, new FixedClockSyncStatus(true));
        var events = Enumerable.Range(0, 6).Select(i => gateway.Create(CareEventKind.FlowTotals, "kitchen", $"e{i}")).ToList();
        foreach (var e in events.Where(e => e.Sequence is not (3 or 4)))
        {
            await PublishAsync(Topics.Events("gw-3", e.Class), CloudEventCodec.Serialize(e));
        }

        await UntilAsync(async () => await centre.Archive.EventCountAsync() == 4, "events stored");
        Time.Advance(TimeSpan.FromSeconds(30));
        await centre.CheckAsync();
        Assert.Empty(await OpenOfAsync(centre, SupervisionTypes.SequenceGap));
        Time.Advance(TimeSpan.FromSeconds(30));
        await centre.CheckAsync();
        var gap = Assert.Single(await OpenOfAsync(centre, SupervisionTypes.SequenceGap));
        Assert.Contains("events 3–4", gap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_without_its_daily_test_by_the_deadline_is_flagged_and_one_with_it_is_not()
    {
        DailyTestBy = new TimeOnly(11, 0);
        var centre = await StartCentreAsync();
        await PublishAsync(Topics.Status("gw-tested"), Status("online", Guid.NewGuid()));
        await PublishAsync(Topics.Status("gw-untested"), Status("online", Guid.NewGuid()));
        await UntilAsync(async () => (await centre.Archive.GatewaysAsync()).Count == 2, "both seen");

        // A day later, at 10:00: gw-tested sends its periodic test transmission (SCAIP 0103 on the wire).
        Time.Advance(TimeSpan.FromHours(26));
        var gateway = new CareEventFactory("gw-tested", Time, new FixedClockSyncStatus(true));
        var json = Encoding.UTF8.GetString(CloudEventCodec.Serialize(gateway.Create(CareEventKind.TestAlarm, null, "daily test")))
            .Replace($"\"scaipstatus\":\"{ScaipCodes.Status.TestTransmission}\"", $"\"scaipstatus\":\"{ScaipCodes.Status.TestTransmissionPeriodic}\"", StringComparison.Ordinal);
        await PublishAsync(Topics.Events("gw-tested", EventClass.Alarm), Encoding.UTF8.GetBytes(json));
        await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-tested"))!.LastDailyTestAt is not null, "daily test stored");
        await centre.CheckAsync();
        Assert.Empty(await OpenOfAsync(centre, SupervisionTypes.DailyTestMissing));

        Time.Advance(TimeSpan.FromHours(1));
        await centre.CheckAsync();
        var missing = Assert.Single(await OpenOfAsync(centre, SupervisionTypes.DailyTestMissing));
        Assert.Equal("gw-untested", missing.Gateway);
        Assert.DoesNotContain(await centre.Archive.AlarmsAsync(openOnly: false), a => a.Origin == "gateway");
    }

    [Fact]
    public async Task An_event_the_archive_cannot_store_is_not_acked_and_its_retransmission_is_stored_once_and_acked()
    {
        Logs.Expect(eventId: 3105); // the consumer's "not handled (not acked)": the test takes the events table away
        var centre = await StartCentreAsync();
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", _broker!.Port, Topics.Acks("gw-7"));
        var gateway = new CareEventFactory("gw-7", Time, new FixedClockSyncStatus(true));
        var first = gateway.Create(CareEventKind.FlowTotals, "kitchen", "before");
        await PublishAsync(Topics.Events("gw-7", first.Class), CloudEventCodec.Serialize(first));
        await tap.WaitUntilAsync(ms => ms.Any(m => m.Payload.Contains(first.Id.ToString(), StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the first ack");

        await ExecuteAsync("ALTER TABLE events RENAME TO events_away");
        var lost = gateway.Create(CareEventKind.HelpButton, "pendant", "help");
        await PublishAsync(Topics.Events("gw-7", lost.Class), CloudEventCodec.Serialize(lost));

        // A marker published after it on the same connection: once the centre has handled the marker (rejected), it has handled the alarm too.
        await PublishAsync(Topics.Events("gw-7", EventClass.Alarm), Encoding.UTF8.GetBytes("{marker"));
        await UntilAsync(async () => (await centre.Archive.RejectedAsync(10)).Count == 1, "the marker handled");
        Assert.DoesNotContain(tap.Messages, m => m.Payload.Contains(lost.Id.ToString(), StringComparison.Ordinal));

        await ExecuteAsync("ALTER TABLE events_away RENAME TO events");
        await PublishAsync(Topics.Events("gw-7", lost.Class), CloudEventCodec.Serialize(lost));
        await tap.WaitUntilAsync(ms => ms.Any(m => m.Payload.Contains(lost.Id.ToString(), StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the retransmission's ack");
        Assert.Equal(2, await centre.Archive.EventCountAsync());
        Assert.Equal(AlarmStates.Delivered, (await centre.Archive.AlarmAsync(lost.Id))!.State);
    }

    [Fact]
    public async Task A_heartbeat_claiming_an_interval_past_the_centres_bound_is_supervised_at_the_centres_own_60_s()
    {
        var centre = await StartCentreAsync();
        var boot = Guid.NewGuid();
        await PublishAsync(Topics.Status("gw-claim"), Status("online", boot));

        // 2 000 000 000 s kept a dead gateway online forever; 10^12 s is past TimeSpan's range (it was a handler failure).
        foreach (var claim in new[] { 2_000_000_000L, 1_000_000_000_000L, HeartbeatLimits.MaxSeconds + 1 })
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await PublishAsync(Topics.Heartbeat("gw-claim"), Heartbeat(boot, claim));
            var at = Time.GetUtcNow();
            await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-claim"))?.LastHeartbeatAt == at, $"heartbeat claiming {claim} s stored");
            Assert.Equal(TimeSpan.FromSeconds(60), (await centre.Archive.GatewayAsync("gw-claim"))!.HeartbeatInterval);
        }

        Assert.Empty(await centre.Archive.RejectedAsync(10));
        Time.Advance(TimeSpan.FromSeconds((3 * 60) + 10));
        await centre.CheckAsync();
        await centre.CheckAsync();
        Assert.Equal(GatewayStates.Silent, (await centre.Archive.GatewayAsync("gw-claim"))!.State);
        Assert.Single(await OpenOfAsync(centre, SupervisionTypes.Silent));

        // The longest interval a gateway may be configured with is believed.
        await PublishAsync(Topics.Heartbeat("gw-claim"), Heartbeat(boot, HeartbeatLimits.MaxSeconds));
        await UntilAsync(async () => (await centre.Archive.GatewayAsync("gw-claim"))?.HeartbeatInterval == TimeSpan.FromSeconds(HeartbeatLimits.MaxSeconds), "the longest configurable interval believed");
    }

    [Fact]
    public async Task A_gateway_cannot_store_a_huge_id_a_megabyte_message_control_characters_or_an_alarm_on_the_telemetry_topic()
    {
        var centre = await StartCentreAsync();
        var boot = Guid.NewGuid();
        var longId = new string('g', 5000);
        await PublishAsync(Topics.Status(longId), Status("online", boot));
        await PublishAsync(Topics.Heartbeat(longId), Heartbeat(boot, 60));

        var home = new CareEventFactory("gw-claims", Time, new FixedClockSyncStatus(true));
        var fireOnTelemetry = home.Create(CareEventKind.Fire, "smoke", "fire");
        await PublishAsync(Topics.Events("gw-claims", EventClass.Telemetry), CloudEventCodec.Serialize(fireOnTelemetry));
        var megabyte = home.Create(CareEventKind.HelpButton, "pendant", new string('m', 1024 * 1024));
        await PublishAsync(Topics.Events("gw-claims", EventClass.Alarm), CloudEventCodec.Serialize(megabyte));
        var escape = home.Create(CareEventKind.HelpButton, "pendant", "help\u001b]0;owned\u0007\u001b[2J" + new string('x', 3000));
        await PublishAsync(Topics.Events("gw-claims", EventClass.Alarm), CloudEventCodec.Serialize(escape));

        await UntilAsync(async () => (await centre.Archive.RejectedAsync(10)).Count == 4 && await centre.Archive.AlarmAsync(escape.Id) is not null, "four rejected and the bounded alarm stored");
        var rejected = await centre.Archive.RejectedAsync(10);
        Assert.All(rejected, r => Assert.True(r.Topic.Length <= 257 && r.Payload.Length <= 4097 && (r.Gateway?.Length ?? 0) <= 65, $"{r.Topic.Length} {r.Payload.Length}"));
        Assert.Equal(2, rejected.Count(r => r.Reason.Contains("gateway id", StringComparison.Ordinal)));
        Assert.Contains(rejected, r => r.Reason.Contains("came on the telemetry topic", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Reason.Contains("at most 65536", StringComparison.Ordinal));
        Assert.DoesNotContain(await centre.Archive.GatewaysAsync(), g => g.Id.Length > 64);
        Assert.Null(await centre.Archive.AlarmAsync(fireOnTelemetry.Id));
        Assert.Null(await centre.Archive.AlarmAsync(megabyte.Id));

        var alarm = (await centre.Archive.AlarmAsync(escape.Id))!;
        Assert.True(alarm.Message.Length <= 1025, $"{alarm.Message.Length} characters stored");
        Assert.DoesNotContain(alarm.Message, char.IsControl);
        Assert.StartsWith("help\uFFFD]0;owned\uFFFD\uFFFD[2J", alarm.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_and_schema_invalid_messages_are_kept_as_rejected_and_the_next_good_event_is_stored_and_acked()
    {
        var centre = await StartCentreAsync();
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", _broker!.Port, Topics.Acks("gw-4"));
        await PublishAsync(Topics.Events("gw-4", EventClass.Alarm), Encoding.UTF8.GetBytes("{not json"));
        await PublishAsync(Topics.Events("gw-4", EventClass.Alarm), Encoding.UTF8.GetBytes("""{"specversion":"1.0","type":"org.edgegateway.alarm.fall"}"""));
        await PublishAsync(Topics.Heartbeat("gw-4"), Encoding.UTF8.GetBytes("""{"bootid":"nope"}"""));
        await PublishAsync(Topics.Status("gw-4"), Encoding.UTF8.GetBytes("""{"state":"sleeping","bootid":"0197a000-0000-7000-8000-000000000000"}"""));
        var good = new CareEventFactory("gw-4", Time, new FixedClockSyncStatus(true)).Create(CareEventKind.HelpButton, "pendant", "help");
        await PublishAsync(Topics.Events("gw-4", EventClass.Alarm), CloudEventCodec.Serialize(good));

        await tap.WaitUntilAsync(ms => ms.Any(m => m.Payload.Contains(good.Id.ToString(), StringComparison.Ordinal)), TimeSpan.FromSeconds(20), "the good event's ack");
        await UntilAsync(async () => (await centre.Archive.RejectedAsync(10)).Count == 4, "four rejected");
        var reasons = (await centre.Archive.RejectedAsync(10)).Select(r => r.Reason).ToList();
        Assert.Contains(reasons, r => r.Contains("not valid JSON", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("source", StringComparison.Ordinal) || r.Contains("id", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("heartbeat: bootid", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("status: state", StringComparison.Ordinal));
        Assert.Equal(AlarmStates.Delivered, (await centre.Archive.AlarmAsync(good.Id))!.State);
    }

    [Fact]
    public async Task An_untaken_alarm_escalates_at_60_180_and_300_seconds_each_posted_to_the_webhook_and_taking_it_stops_that()
    {
        var port = MosquittoBroker.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var posts = Channel.CreateUnbounded<JsonDocument>();
        var serve = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await listener.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(ctx.Request.InputStream);
                posts.Writer.TryWrite(JsonDocument.Parse(await reader.ReadToEndAsync()));
                ctx.Response.StatusCode = 204;
                ctx.Response.Close();
            }
        });
        Webhook = new Uri($"http://127.0.0.1:{port}/hook/");
        var centre = await StartCentreAsync();
        var alarm = new CareEventFactory("gw-5", Time, new FixedClockSyncStatus(true)).Create(CareEventKind.Fall, "hall", "fall");
        var other = new CareEventFactory("gw-6", Time, new FixedClockSyncStatus(true)).Create(CareEventKind.HelpButton, "pendant", "help");
        await PublishAsync(Topics.Events("gw-5", EventClass.Alarm), CloudEventCodec.Serialize(alarm));
        await PublishAsync(Topics.Events("gw-6", EventClass.Alarm), CloudEventCodec.Serialize(other));
        await UntilAsync(async () => (await centre.Archive.AlarmsAsync(true)).Count == 2, "alarms stored");

        async Task<int> LevelAfterAsync(int seconds)
        {
            Time.Advance(TimeSpan.FromSeconds(seconds));
            await centre.CheckAsync();
            return (await centre.Archive.AlarmAsync(alarm.Id))!.Escalation;
        }

        Assert.Equal(0, await LevelAfterAsync(59));
        Assert.Equal(1, await LevelAfterAsync(1));
        Assert.Equal(1, await LevelAfterAsync(119));
        Assert.Equal(2, await LevelAfterAsync(1));
        Assert.True(await centre.Archive.TakeAsync(other.Id, "Nurse Berit", Time.GetUtcNow()));
        Assert.Equal(3, await LevelAfterAsync(120));

        var received = new List<(string Alarm, int Level)>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (received.Count < 5)
        {
            var doc = await posts.Reader.ReadAsync(patience.Token);
            received.Add((doc.RootElement.GetProperty("alarm").GetString()!, doc.RootElement.GetProperty("level").GetInt32()));
        }

        Assert.Equal([(alarm.Id.ToString(), 1), (alarm.Id.ToString(), 2), (alarm.Id.ToString(), 3)], received.Where(r => r.Alarm == alarm.Id.ToString()).OrderBy(r => r.Level));
        Assert.Equal([(other.Id.ToString(), 1), (other.Id.ToString(), 2)], received.Where(r => r.Alarm == other.Id.ToString()).OrderBy(r => r.Level));
        Assert.Equal(2, (await centre.Archive.AlarmAsync(other.Id))!.Escalation);
        listener.Stop();
        await serve;
    }
}
