using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Centre.Tests.Archive;

/// <summary>One PostgreSQL server for all PostgreSQL-backed test classes of the assembly run (one per class, started once).</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The running server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The archive contract on SQLite.</summary>
public sealed class SqliteArchiveTests : ArchiveContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("archive-").FullName;

    protected override async Task<IArchive> OpenAsync() => await SqliteArchive.OpenAsync(Path.Combine(_dir, "centre.db"));

    protected override async Task ExecAsync(string sql)
    {
        await using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "centre.db")}");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The archive contract on a real PostgreSQL.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresArchiveTests(PostgresFixture pg) : ArchiveContractTests, IClassFixture<PostgresFixture>
{
    private string? _database;

    protected override async Task<IArchive> OpenAsync()
    {
        _database ??= await pg.Server.CreateDatabaseAsync();
        return await PostgresArchive.OpenAsync(_database);
    }

    protected override async Task ExecAsync(string sql)
    {
        await using var conn = new Npgsql.NpgsqlConnection(_database);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// What any archive must do, run against SQLite and PostgreSQL alike. Each test opens two archive objects on the same
/// database where it matters, as two centre instances would.
/// </summary>
public abstract partial class ArchiveContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 28, 22, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);

    /// <summary>Opens an archive on this test's database (a second call: a second instance on the same one).</summary>
    protected abstract Task<IArchive> OpenAsync();

    /// <summary>Runs <paramref name="sql"/> on this test's database behind the archive's back (to make an older archive).</summary>
    protected abstract Task ExecAsync(string sql);

    private CareEventFactory Gateway(string id = "gw-1") => new(id, _time, new FixedClockSyncStatus(true));

    private static string Payload(CareEvent e) => Encoding.UTF8.GetString(CloudEventCodec.Serialize(e));

    [Fact]
    public async Task Every_event_is_recorded_once_and_an_alarm_opens_delivered()
    {
        await using var archive = await OpenAsync();
        var evt = Gateway().Create(CareEventKind.Fall, "hall", "fall in the hall");
        var first = await archive.RecordEventAsync(evt, Payload(evt), false, T0);
        var again = await archive.RecordEventAsync(evt, Payload(evt), false, T0.AddSeconds(5));

        Assert.True(first.IsNew);
        Assert.False(again.IsNew);
        Assert.Equal(1, await archive.EventCountAsync());
        var alarm = Assert.Single(await archive.AlarmsAsync(openOnly: true));
        Assert.Equal((evt.Id, "gw-1", "org.edgegateway.alarm.fall", AlarmStates.Delivered, "hall"), (alarm.Id, alarm.Gateway, alarm.Type, alarm.State, alarm.Sensor));
        Assert.Equal(T0, alarm.DeliveredAt);
        Assert.Equal(first.Alarm, alarm);
        var gateway = Assert.Single(await archive.GatewaysAsync());
        Assert.Equal((GatewayStates.Online, T0), (gateway.State, gateway.LastEventAt));
    }

    [Fact]
    public async Task Two_instances_recording_the_same_events_at_once_record_each_exactly_once()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var gateway = Gateway();
        var events = Enumerable.Range(0, 40).Select(i => gateway.Create(i % 4 == 0 ? CareEventKind.HelpButton : CareEventKind.FlowTotals, "s", $"e{i}")).ToList();

        var results = await Task.WhenAll(events.SelectMany(e => new[] { a, b }.Select(archive => Task.Run(() => archive.RecordEventAsync(e, Payload(e), false, T0)))));

        Assert.Equal(events.Count, results.Count(r => r.IsNew));
        Assert.Equal(events.Count, await a.EventCountAsync());
        Assert.Equal(10, (await b.AlarmsAsync(openOnly: false)).Count);
    }

    [Fact]
    public async Task An_alarm_goes_delivered_then_taken_by_a_named_nurse_then_cleared_with_reason_and_times()
    {
        await using var archive = await OpenAsync();
        var evt = Gateway().Create(CareEventKind.HelpButton, "pendant", "help");
        await archive.RecordEventAsync(evt, Payload(evt), false, T0);

        Assert.True(await archive.TakeAsync(evt.Id, "Nurse Berit", T0.AddSeconds(40)));
        Assert.False(await archive.TakeAsync(evt.Id, "Nurse Kari", T0.AddSeconds(41)));
        Assert.True(await archive.ClearAsync(evt.Id, "Nurse Berit", "help given", T0.AddMinutes(20)));
        Assert.False(await archive.ClearAsync(evt.Id, "Nurse Kari", "false alarm", T0.AddMinutes(21)));

        var alarm = (await archive.AlarmAsync(evt.Id))!;
        Assert.Equal(AlarmStates.Cleared, alarm.State);
        Assert.Equal(("Nurse Berit", T0.AddSeconds(40)), (alarm.TakenBy, alarm.TakenAt));
        Assert.Equal(("Nurse Berit", "help given", T0.AddMinutes(20)), (alarm.ClearedBy, alarm.ClearReason, alarm.ClearedAt));
        Assert.Empty(await archive.AlarmsAsync(openOnly: true));
        Assert.Single(await archive.AlarmsAsync(openOnly: false));
    }

    [Fact]
    public async Task The_gateways_clear_closes_its_alarm_even_when_it_arrives_first()
    {
        await using var archive = await OpenAsync();
        var gateway = Gateway();
        var alarm = gateway.Create(CareEventKind.DoorLeftOpen, "front-door", "door open");
        var clear = gateway.Create(CareEventKind.AlarmCleared, "front-door", "reset at the gateway", relatesTo: alarm.Id);

        await archive.RecordEventAsync(clear, Payload(clear), false, T0);
        var recorded = await archive.RecordEventAsync(alarm, Payload(alarm), false, T0.AddSeconds(1));

        Assert.Equal(AlarmStates.Cleared, recorded.Alarm!.State);
        Assert.Equal(("cleared at the gateway", (string?)null), (recorded.Alarm.ClearReason, recorded.Alarm.ClearedBy));
        Assert.Empty(await archive.AlarmsAsync(openOnly: true));
    }

    [Fact]
    public async Task A_test_transmission_opens_no_alarm_for_the_nurses_and_is_noted_on_the_gateway()
    {
        await using var archive = await OpenAsync();
        var gateway = Gateway();
        var test = gateway.Create(CareEventKind.TestAlarm, null, "test alarm from centre");
        var daily = gateway.Create(CareEventKind.TestAlarm, null, "daily test");
        await archive.RecordEventAsync(test, Payload(test), false, T0);
        await archive.RecordEventAsync(daily, Payload(daily), true, T0.AddHours(1));

        Assert.Empty(await archive.AlarmsAsync(openOnly: false));
        var record = (await archive.GatewayAsync("gw-1"))!;
        Assert.Equal((T0.AddHours(1), T0.AddHours(1)), (record.LastTestAt, record.LastDailyTestAt));
    }

    [Fact]
    public async Task Status_and_heartbeats_keep_the_gateways_state_boot_and_last_heartbeat_content()
    {
        await using var archive = await OpenAsync();
        var boot = Guid.NewGuid();
        var online = await archive.RecordStatusAsync("gw-2", GatewayStates.Online, boot, T0);
        const string Json = """{"bootid":"x","outbox_depth":3,"states":{"path.primary":"up","sensor.hall":"ok"}}""";
        var beat = await archive.RecordHeartbeatAsync("gw-2", new HeartbeatInfo(boot, T0, 3, false, TimeSpan.FromSeconds(30), Json), T0.AddSeconds(30));
        var offline = await archive.RecordStatusAsync("gw-2", GatewayStates.Offline, boot, T0.AddSeconds(45));
        var stillOffline = await archive.RecordStatusAsync("gw-2", GatewayStates.Offline, boot, T0.AddSeconds(50));

        Assert.Equal((GatewayStates.Online, boot), (online!.State, online.BootId));
        Assert.Equal((T0.AddSeconds(30), Json, TimeSpan.FromSeconds(30), 3L, false), (beat.LastHeartbeatAt, beat.Heartbeat, beat.HeartbeatInterval, beat.OutboxDepth, beat.ClockSynced));
        Assert.Equal((GatewayStates.Offline, T0.AddSeconds(45)), (offline!.State, offline.OfflineSince));
        Assert.Equal(T0.AddSeconds(45), stillOffline!.OfflineSince);
        Assert.True((await archive.RecordHeartbeatAsync("gw-2", new HeartbeatInfo(boot, T0, 0, true, null, "{}"), T0.AddSeconds(60))) is { State: GatewayStates.Online, OfflineSince: null });
        Assert.True(await archive.MarkSilentAsync("gw-2", T0.AddSeconds(300)));
        Assert.False(await archive.MarkSilentAsync("gw-2", T0.AddSeconds(301)));
        Assert.Equal(GatewayStates.Silent, (await archive.GatewayAsync("gw-2"))!.State);
    }

    [Fact]
    public async Task The_second_instances_copy_of_a_heartbeat_neither_delays_silence_nor_brings_a_silent_gateway_back()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var boot = Guid.NewGuid();
        const string Json = """{"bootid":"x","time":"2026-03-28T22:00:00.000Z","uptime_s":5,"states":{}}""";
        var beat = new HeartbeatInfo(boot, T0, 0, true, TimeSpan.FromSeconds(5), Json);
        await a.RecordHeartbeatAsync("gw-9", beat, T0);

        // The other instance, 4 s behind (its queue was long), stores the same message: silence still counts from T0.
        var copy = await b.RecordHeartbeatAsync("gw-9", beat, T0.AddSeconds(4));
        Assert.Equal(T0, copy.LastHeartbeatAt);

        // Marked silent meanwhile, a late copy does not bring it back; the next heartbeat does.
        Assert.True(await a.MarkSilentAsync("gw-9", T0.AddSeconds(25)));
        Assert.Equal(GatewayStates.Silent, (await b.RecordHeartbeatAsync("gw-9", beat, T0.AddSeconds(26))).State);
        var next = await b.RecordHeartbeatAsync("gw-9", beat with { Json = Json.Replace("22:00:00", "22:00:30", StringComparison.Ordinal) }, T0.AddSeconds(30));
        Assert.Equal((GatewayStates.Online, T0.AddSeconds(30)), (next.State, next.LastHeartbeatAt));
    }

    [Fact]
    public async Task A_batch_of_status_and_heartbeats_keeps_each_gateways_order_and_answers_in_the_order_given()
    {
        await using var archive = await OpenAsync();
        var (boot, next) = (Guid.NewGuid(), Guid.NewGuid());
        static HeartbeatInfo Beat(Guid boot, int second) =>
            new(boot, T0.AddSeconds(second), 0, true, TimeSpan.FromSeconds(5), $$$"""{"bootid":"{{{boot:D}}}","time":"{{{T0.AddSeconds(second):O}}}","states":{}}""");

        // Given out of gateway order (the archive writes in id order): each gateway's own order must still hold.
        var outcomes = await archive.RecordGatewayUpdatesAsync(
        [
            GatewayUpdate.Beat("gw-z", Beat(boot, 0), T0),
            GatewayUpdate.Status("gw-a", GatewayStates.Online, boot, replayed: false, T0),
            GatewayUpdate.Status("gw-z", GatewayStates.Offline, boot, replayed: false, T0.AddSeconds(1)),
            GatewayUpdate.Status("gw-a", GatewayStates.Online, boot, replayed: true, T0.AddSeconds(2)),
            GatewayUpdate.Beat("gw-z", Beat(next, 3), T0.AddSeconds(3)),
            GatewayUpdate.Status("gw-a", GatewayStates.Offline, next, replayed: false, T0.AddSeconds(4)),
        ]);

        Assert.Equal(6, outcomes.Count);
        Assert.Equal((null, GatewayStates.Online), (outcomes[0].Before, outcomes[0].After!.State));
        Assert.Equal(("gw-a", GatewayStates.Online, T0), (outcomes[1].After!.Id, outcomes[1].After!.State, outcomes[1].After!.StatusAt));
        Assert.Equal((GatewayStates.Online, GatewayStates.Offline, T0.AddSeconds(1)), (outcomes[2].Before!.State, outcomes[2].After!.State, outcomes[2].After!.OfflineSince));
        Assert.Null(outcomes[3].After); // the replayed birth of the boot followed changes nothing
        Assert.Equal((GatewayStates.Offline, GatewayStates.Online, next, T0.AddSeconds(3)), (outcomes[4].Before!.State, outcomes[4].After!.State, outcomes[4].After!.BootId, outcomes[4].After!.LastHeartbeatAt));
        Assert.Null(outcomes[5].After); // another boot's will
        Assert.Equal((GatewayStates.Online, T0), ((await archive.GatewayAsync("gw-a"))!.State, (await archive.GatewayAsync("gw-a"))!.StatusAt));
        Assert.Empty(await archive.RecordGatewayUpdatesAsync([]));
    }

    [Fact]
    public async Task An_old_boots_will_after_the_new_boots_birth_does_not_take_the_gateway_offline()
    {
        await using var archive = await OpenAsync();
        var (old, current) = (Guid.NewGuid(), Guid.NewGuid());
        await archive.RecordStatusAsync("gw-3", GatewayStates.Online, old, T0);
        await archive.RecordStatusAsync("gw-3", GatewayStates.Online, current, T0.AddSeconds(1));

        Assert.Null(await archive.RecordStatusAsync("gw-3", GatewayStates.Offline, old, T0.AddSeconds(2)));
        Assert.Equal((GatewayStates.Online, current), ((await archive.GatewayAsync("gw-3"))!.State, (await archive.GatewayAsync("gw-3"))!.BootId));
    }

    [Fact]
    public async Task A_supervision_alarm_is_raised_once_by_racing_instances_and_once_per_episode_even_after_a_clear()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var alarm = new SupervisionAlarm("offline:gw-4:1000", "gw-4", SupervisionTypes.Offline, 2, "gateway offline", T0);

        var raised = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).RaiseSupervisionAlarmAsync(alarm))));

        var only = Assert.Single(raised, r => r is not null)!;
        Assert.Equal((AlarmStates.Raised, "supervision", SupervisionTypes.Offline), (only.State, only.Origin, only.Type));
        var resolved = await b.ResolveSupervisionAsync("gw-4", [SupervisionTypes.Offline, SupervisionTypes.Silent], "gateway back online", T0.AddMinutes(2));
        Assert.Equal(("centre", "gateway back online"), (Assert.Single(resolved).ClearedBy, resolved[0].ClearReason));

        // The same episode is not raised again once cleared (a nurse's clear is final); the next episode is a new alarm.
        Assert.Null(await a.RaiseSupervisionAlarmAsync(alarm with { At = T0.AddMinutes(3) }));
        Assert.NotNull(await a.RaiseSupervisionAlarmAsync(alarm with { Key = "offline:gw-4:2000", At = T0.AddMinutes(10) }));
        var gap = new SupervisionAlarm("gap:gw-4:b:5-7", "gw-4", SupervisionTypes.SequenceGap, 6, "events 5–7 missing", T0);
        Assert.NotNull(await a.RaiseSupervisionAlarmAsync(gap));
        Assert.True(await a.ClearAsync((await a.AlarmsAsync(true)).Single(x => x.Type == SupervisionTypes.SequenceGap).Id, "Tekniker Ola", "seen", T0));
        Assert.Null(await b.RaiseSupervisionAlarmAsync(gap with { At = T0.AddMinutes(1) }));
    }

    [Fact]
    public async Task Escalation_to_a_level_is_won_by_exactly_one_caller_and_stops_once_taken()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var evt = Gateway().Create(CareEventKind.HelpButton, "pendant", "help");
        await a.RecordEventAsync(evt, Payload(evt), false, T0);

        var wins = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).EscalateAsync(evt.Id, 1, T0.AddSeconds(60)))));

        Assert.Single(wins, w => w);
        Assert.False(await a.EscalateAsync(evt.Id, 1, T0.AddSeconds(61)));
        Assert.True(await b.EscalateAsync(evt.Id, 2, T0.AddSeconds(180)));
        await a.TakeAsync(evt.Id, "Nurse Berit", T0.AddSeconds(200));
        Assert.False(await a.EscalateAsync(evt.Id, 3, T0.AddSeconds(300)));
        Assert.Equal((2, T0.AddSeconds(180)), ((await a.AlarmAsync(evt.Id))!.Escalation, (await a.AlarmAsync(evt.Id))!.EscalatedAt));
    }

    [Fact]
    public async Task Operator_actions_notes_and_rejected_messages_are_kept()
    {
        await using var archive = await OpenAsync();
        var alarm = Guid.NewGuid();
        await archive.RecordActionAsync(new OperatorAction(T0, "Nurse Berit", "take", "gw-1", alarm, "cmd-1", "ok", """{"status":"ok"}"""));
        await archive.AddNoteAsync(new AlarmNote(alarm, T0.AddSeconds(1), "Nurse Berit", "called her daughter"));
        await archive.RecordRejectedAsync(new RejectedMessage(T0, "edgegateway/v1/gw-1/events/alarm", "gw-1", "event is not valid JSON", "{nope"));

        Assert.Equal(new OperatorAction(T0, "Nurse Berit", "take", "gw-1", alarm, "cmd-1", "ok", """{"status":"ok"}"""), Assert.Single(await archive.ActionsAsync(10)));
        Assert.Equal("called her daughter", Assert.Single(await archive.NotesAsync(alarm)).Text);
        Assert.Equal(("gw-1", "event is not valid JSON", "{nope"), (Assert.Single(await archive.RejectedAsync(10)).Gateway, (await archive.RejectedAsync(10))[0].Reason, (await archive.RejectedAsync(10))[0].Payload));
    }

    [Fact]
    public async Task A_gap_in_a_boots_sequence_is_found_and_a_filled_one_is_not()
    {
        await using var archive = await OpenAsync();
        var gateway = Gateway();
        var events = Enumerable.Range(0, 9).Select(i => gateway.Create(CareEventKind.FlowTotals, "kitchen", $"e{i}")).ToList();
        foreach (var e in events.Where(e => e.Sequence is not (3 or 4 or 7)))
        {
            await archive.RecordEventAsync(e, Payload(e), false, T0);
        }

        var gaps = await archive.GapsAsync();
        Assert.Equal([(3L, 4L), (7L, 7L)], gaps.Select(g => (g.First, g.Last)));
        Assert.All(gaps, g => Assert.Equal(gateway.BootId, g.BootId));

        await archive.RecordEventAsync(events[6], Payload(events[6]), false, T0);
        Assert.Equal([(3L, 4L)], (await archive.GapsAsync()).Select(g => (g.First, g.Last)));
    }

    [Fact]
    public async Task A_wearables_empty_cell_opens_a_technical_alarm_that_a_changed_cell_closes_while_a_lost_wearable_and_a_low_cell_stay_technical()
    {
        await using var archive = await OpenAsync();
        var gateway = Gateway();
        var lost = gateway.Create(CareEventKind.WearableLost, "wearable", "wearable: no samples for 30 s; falls are not detected (link searching: out of range)");
        var low = gateway.Create(CareEventKind.WearableBatteryLow, "wearable", "wearable battery 20 %: plan a cell change");
        var critical = gateway.Create(CareEventKind.WearableBatteryCritical, "wearable", "wearable battery 10 %: change its cell today; when it is empty, falls go undetected");
        var changed = gateway.Create(CareEventKind.WearableBatteryRestored, "wearable", "wearable battery 98 %: the cell has been changed or charged");

        Assert.Null((await archive.RecordEventAsync(lost, Payload(lost), false, T0)).Alarm);
        Assert.Null((await archive.RecordEventAsync(low, Payload(low), false, T0.AddSeconds(1))).Alarm);
        var opened = (await archive.RecordEventAsync(critical, Payload(critical), false, T0.AddSeconds(2))).Alarm!;
        Assert.Equal((critical.Id, "org.edgegateway.technical.wearable-battery-critical", AlarmOrigins.Technical, AlarmStates.Delivered, 4, "wearable"), (opened.Id, opened.Type, opened.Origin, opened.State, opened.Priority, opened.Sensor));
        var closed = (await archive.RecordEventAsync(changed, Payload(changed), false, T0.AddSeconds(3))).Alarm!;
        Assert.Equal((critical.Id, AlarmStates.Cleared, "wearable cell changed at the gateway"), (closed.Id, closed.State, closed.ClearReason));
        Assert.Empty(await archive.AlarmsAsync(openOnly: true));
    }

    [Fact]
    public async Task A_lost_path_opens_a_technical_alarm_that_its_return_closes_also_when_the_return_is_stored_first()
    {
        await using var archive = await OpenAsync();
        var gateway = Gateway();
        var lost = gateway.Create(CareEventKind.PrimaryPathLost, null, "primary uplink path lost: connection refused");
        var otherBack = gateway.Create(CareEventKind.SecondaryPathRestored, null, "secondary uplink path restored");
        var back = gateway.Create(CareEventKind.PrimaryPathRestored, null, "primary uplink path restored");

        var opened = (await archive.RecordEventAsync(lost, Payload(lost), false, T0)).Alarm!;
        Assert.Equal((lost.Id, "org.edgegateway.technical.primary-path-lost", AlarmOrigins.Technical, AlarmStates.Delivered, 6), (opened.Id, opened.Type, opened.Origin, opened.State, opened.Priority));
        Assert.Null((await archive.RecordEventAsync(otherBack, Payload(otherBack), false, T0.AddSeconds(1))).Alarm);
        Assert.Single(await archive.AlarmsAsync(openOnly: true));
        var closed = (await archive.RecordEventAsync(back, Payload(back), false, T0.AddSeconds(2))).Alarm!;
        Assert.Equal((lost.Id, AlarmStates.Cleared, "path restored at the gateway", (string?)null), (closed.Id, closed.State, closed.ClearReason, closed.ClearedBy));

        // The return stored before the loss (another instance, a retransmission): the loss is recorded closed.
        var lostAgain = gateway.Create(CareEventKind.SecondaryPathLost, null, "secondary uplink path lost: no ping answer");
        var backAgain = gateway.Create(CareEventKind.SecondaryPathRestored, null, "secondary uplink path restored");
        await archive.RecordEventAsync(backAgain, Payload(backAgain), false, T0.AddSeconds(3));
        Assert.Equal(AlarmStates.Cleared, (await archive.RecordEventAsync(lostAgain, Payload(lostAgain), false, T0.AddSeconds(4))).Alarm!.State);
        Assert.Empty(await archive.AlarmsAsync(openOnly: true));
    }

    [Fact]
    public async Task Each_paths_status_is_kept_apart_without_touching_the_gateways_state_and_an_older_boots_will_is_stale()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        Guid boot1 = Guid.CreateVersion7(T0), boot2 = Guid.CreateVersion7(T0.AddMinutes(1));
        await a.RecordStatusAsync("gw-1", GatewayStates.Online, boot1, T0);
        await a.RecordPathStatusAsync("gw-1", "secondary", GatewayStates.Online, boot1, T0);
        await b.RecordPathStatusAsync("gw-1", "primary", GatewayStates.Online, boot1, T0.AddSeconds(1));
        var record = (await a.RecordPathStatusAsync("gw-1", "secondary", GatewayStates.Offline, boot1, T0.AddSeconds(2)))!;

        Assert.Equal(GatewayStates.Online, record.State);
        Assert.Equal(
            [new GatewayPath("primary", GatewayStates.Online, boot1, T0.AddSeconds(1)), new GatewayPath("secondary", GatewayStates.Offline, boot1, T0.AddSeconds(2))],
            record.Paths);
        Assert.Equal(record.Paths, Assert.Single(await b.GatewaysAsync()).Paths);

        // The primary's birth of the next boot, then the previous boot's will on that path: stale.
        await a.RecordPathStatusAsync("gw-1", "primary", GatewayStates.Online, boot2, T0.AddSeconds(3));
        Assert.Null(await b.RecordPathStatusAsync("gw-1", "primary", GatewayStates.Offline, boot1, T0.AddSeconds(4)));
        Assert.Equal(new GatewayPath("primary", GatewayStates.Online, boot2, T0.AddSeconds(3)), (await b.GatewayAsync("gw-1"))!.Paths[0]);
        Assert.Empty((await a.RecordStatusAsync("gw-2", GatewayStates.Online, boot1, T0))!.Paths);
    }
}
