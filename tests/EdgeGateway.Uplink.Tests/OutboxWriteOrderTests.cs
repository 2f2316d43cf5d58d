using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

[Trait("Category", "Integration")]
public sealed class OutboxWriteOrderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("outbox-test-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CareEventFactory _factory;
    private readonly StrictLogs _logs;

    public OutboxWriteOrderTests(ITestOutputHelper output)
    {
        _factory = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
        _logs = new StrictLogs(output);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    private SqliteOutbox Open(int maxEvents = 100_000, long? maxPages = null) =>
        SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir, MaxEvents = maxEvents, MaxPageCount = maxPages }, _factory, _time, _logs.Logger);

    [Fact]
    public async Task Crash_after_persist_before_publish_keeps_the_event_for_delivery()
    {
        var evt = _factory.Create(CareEventKind.Fall, "wrist", "fall");
        await using (var outbox = Open())
        {
            await outbox.AcceptAsync(evt);
        }

        await using var reopened = Open();
        var pending = await reopened.PendingAsync(10);
        var entry = Assert.Single(pending);
        Assert.Equal(evt.Id, entry.Id);
        Assert.Equal(evt.Id, CloudEventCodec.Deserialize(entry.Payload.Span).Id);
    }

    [Fact]
    public async Task Crash_after_publish_before_ack_resends_under_the_same_id()
    {
        var evt = _factory.Create(CareEventKind.HelpButton, "cord", "pulled");
        await using (var outbox = Open())
        {
            await outbox.AcceptAsync(evt);
            Assert.Single(await outbox.PendingAsync(10)); // forwarded: read for publishing, but no ack arrived
        }

        await using var reopened = Open();
        Assert.Equal(evt.Id, Assert.Single(await reopened.PendingAsync(10)).Id);
        Assert.Equal(1, reopened.Depth);
    }

    [Fact]
    public async Task Crash_after_ack_never_sends_again()
    {
        var acked = _factory.Create(CareEventKind.HelpButton, "cord", "pulled");
        var other = _factory.Create(CareEventKind.DoorLeftOpen, "door", "open");
        await using (var outbox = Open())
        {
            await outbox.AcceptAsync(acked);
            await outbox.AcceptAsync(other);
            await outbox.AckAsync([acked.Id]);
        }

        await using var reopened = Open();
        Assert.Equal(other.Id, Assert.Single(await reopened.PendingAsync(10)).Id);
    }

    [Fact]
    public async Task Delivery_order_is_alarm_technical_info_telemetry_and_fifo_within_a_class()
    {
        await using var outbox = Open();
        var t1 = _factory.Create(CareEventKind.FlowTotals, "flow", "t1");
        var i1 = _factory.Create(CareEventKind.AlarmCleared, null, "i1");
        var a1 = _factory.Create(CareEventKind.DoorLeftOpen, "door", "a1");
        var x1 = _factory.Create(CareEventKind.SensorSilent, "bed", "x1");
        var a2 = _factory.Create(CareEventKind.HelpButton, "cord", "a2");
        var t2 = _factory.Create(CareEventKind.FlowTotals, "flow", "t2");
        await Task.WhenAll(new[] { t1, i1, a1, x1, a2, t2 }.Select(e => outbox.AcceptAsync(e)));
        var order = (await outbox.PendingAsync(10)).Select(e => e.Id).ToList();

        // FIFO within a class follows acceptance order; concurrent accepts land in one group commit in submission order.
        Assert.Equal([a1.Id, a2.Id, x1.Id, i1.Id, t1.Id, t2.Id], order);
    }

    [Fact]
    public async Task Accepting_the_same_event_twice_stores_it_once()
    {
        await using var outbox = Open();
        var evt = _factory.Create(CareEventKind.Fall, "wrist", "fall");
        await outbox.AcceptAsync(evt);
        await outbox.AcceptAsync(evt);
        Assert.Equal(1, outbox.Depth);
    }

    [Fact]
    public async Task A_full_store_evicts_telemetry_then_info_never_alarms_and_reports_it()
    {
        await using var outbox = Open(maxEvents: 5);
        var alarms = Enumerable.Range(0, 3).Select(i => _factory.Create(CareEventKind.DoorLeftOpen, "door", $"a{i}")).ToList();
        var info = _factory.Create(CareEventKind.AlarmCleared, null, "info");
        var telemetry = Enumerable.Range(0, 3).Select(i => _factory.Create(CareEventKind.FlowTotals, "flow", $"t{i}")).ToList();
        foreach (var e in telemetry.Append(info).Concat(alarms))
        {
            await outbox.AcceptAsync(e);
        }

        // More alarms than room: they are all kept, the store grows past its bound rather than lose one.
        var more = Enumerable.Range(0, 4).Select(i => _factory.Create(CareEventKind.HelpButton, "cord", $"b{i}")).ToList();
        foreach (var e in more)
        {
            await outbox.AcceptAsync(e);
        }

        var pending = await outbox.PendingAsync(100);
        var ids = pending.Select(p => p.Id).ToHashSet();
        Assert.All(alarms.Concat(more), a => Assert.Contains(a.Id, ids));
        Assert.DoesNotContain(pending, p => p.Class == EventClass.Telemetry);
        Assert.DoesNotContain(info.Id, ids);
        var report = Assert.Single(pending, p => p.Class == EventClass.Technical);
        var evicted = CloudEventCodec.Deserialize(report.Payload.Span);
        Assert.Equal(CareEventKind.OutboxEvicted, evicted.Kind);
        Assert.Equal("1", evicted.Data["evicted"]); // reported at the first overflow; later ones wait for the report interval

        _time.Advance(TimeSpan.FromMinutes(1));
        await outbox.AcceptAsync(_factory.Create(CareEventKind.HelpButton, "cord", "last"));
        var reports = (await outbox.PendingAsync(100))
            .Where(p => p.Class == EventClass.Technical)
            .Select(p => CloudEventCodec.Deserialize(p.Payload.Span))
            .ToList();
        Assert.Equal(2, reports.Count);
        Assert.Equal("3", reports[1].Data["evicted"]); // the two other telemetry rows and the info row, counted exactly once
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("corrupt")]
    [InlineData("foreign")]
    public async Task A_damaged_store_is_set_aside_reported_and_replaced(string damage)
    {
        _logs.Expect(3202); // the damaged store reported as the journal shows it
        var path = Path.Combine(_dir, OutboxOptions.FileName);
        switch (damage)
        {
            case "garbage":
                await File.WriteAllTextAsync(path, "this is not a database, it is a shopping list");
                break;
            case "corrupt":
                await using (var outbox = Open())
                {
                    for (var i = 0; i < 200; i++)
                    {
                        await outbox.AcceptAsync(_factory.Create(CareEventKind.FlowTotals, "flow", new string('x', 500)));
                    }
                }

                SqliteConnection.ClearAllPools();
                await using (var f = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    f.Seek(4096 * 3, SeekOrigin.Begin);
                    await f.WriteAsync(Enumerable.Repeat((byte)0xA5, 4096 * 4).ToArray());
                }

                break;
            case "foreign":
                using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
                {
                    c.Open();
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "CREATE TABLE recipes(name TEXT)";
                    cmd.ExecuteNonQuery();
                }

                break;
        }

        await using var replaced = Open();
        Assert.NotNull(replaced.SetAsidePath);
        Assert.True(File.Exists(replaced.SetAsidePath), "the damaged file is kept for analysis");
        Assert.Contains(".damaged-20260301T120000Z", replaced.SetAsidePath, StringComparison.Ordinal);
        var entry = Assert.Single(await replaced.PendingAsync(10));
        var evt = CloudEventCodec.Deserialize(entry.Payload.Span);
        Assert.Equal(CareEventKind.OutboxReplaced, evt.Kind);
        Assert.Equal(replaced.SetAsidePath, evt.Data["setaside"]);

        // The new store works.
        await replaced.AcceptAsync(_factory.Create(CareEventKind.Fall, "wrist", "fall"));
        Assert.Equal(2, replaced.Depth);
    }

    [Fact]
    public async Task Another_gateways_store_is_refused_with_the_ids_named()
    {
        await using (Open())
        {
        }

        var other = new CareEventFactory("home-2", _time, new FixedClockSyncStatus(true));
        var ex = Assert.Throws<InvalidOperationException>(() =>
            SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, other, _time, _logs.Logger));
        Assert.Contains("'home-1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'home-2'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("home-1", SqliteOutbox.StoredGatewayId(_dir));
    }

    [Fact]
    public async Task Disk_full_refuses_with_a_clear_error_reports_a_storage_fault_and_recovers_when_space_returns()
    {
        _logs.Expect(3203); // the storage fault, provoked by a page limit
        await using var outbox = Open(maxPages: 12);
        var accepted = new List<Guid>();
        OutboxStorageException? refused = null;
        for (var i = 0; i < 500 && refused is null; i++)
        {
            var evt = _factory.Create(CareEventKind.HelpButton, "cord", new string('x', 1500));
            try
            {
                await outbox.AcceptAsync(evt);
                accepted.Add(evt.Id);
            }
            catch (OutboxStorageException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("cannot be written", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_dir, refused.Message, StringComparison.Ordinal);
        Assert.NotNull(outbox.Fault);

        // The fault is reported from memory, first among technical events, while nothing can be written.
        var pending = await outbox.PendingAsync(1000);
        var fault = CloudEventCodec.Deserialize(Assert.Single(pending, p => p.Class == EventClass.Technical).Payload.Span);
        Assert.Equal(CareEventKind.StorageFault, fault.Kind);
        Assert.Equal(accepted.Count + 1, pending.Count);

        // Delivery drains the store (acks free pages): accepting works again and the fault event is persisted.
        await outbox.AckAsync(accepted);
        await outbox.AcceptAsync(_factory.Create(CareEventKind.Fall, "wrist", "after"));
        Assert.Null(outbox.Fault);
        await using var again = Open();
        Assert.Null(again.Fault);
        Assert.Contains((await outbox.PendingAsync(10)).Select(p => CloudEventCodec.Deserialize(p.Payload.Span).Kind), k => k == CareEventKind.StorageFault);
    }

    [Fact]
    public void An_unwritable_data_directory_is_a_clear_error_naming_the_path()
    {
        // Tests run as root here, which ignores permission bits: a path blocked by a regular file is unwritable for anyone.
        var blocker = Path.Combine(_dir, "blocker");
        File.WriteAllText(blocker, "");
        var dataDir = Path.Combine(blocker, "data");
        var ex = Assert.Throws<OutboxStorageException>(() =>
            SqliteOutbox.Open(new OutboxOptions { DataDirectory = dataDir }, _factory, _time, _logs.Logger));
        Assert.Contains(dataDir, ex.Message, StringComparison.Ordinal);
    }
}
