using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Outbox;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>The delivering side of the outbox seam: the reader keeps the cursor, so the deliverer only asks for what is new.</summary>
[Trait("Category", "Integration")]
public sealed class OutboxReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("outbox-reader-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CareEventFactory _factory;
    private readonly StrictLogs _logs;

    public OutboxReaderTests(ITestOutputHelper output)
    {
        _factory = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
        _logs = new StrictLogs(output);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    private SqliteOutbox Open() => SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, _factory, _time, _logs.Logger);

    private static Task<IReadOnlyList<OutboxEntry>> ReadAsync(SqliteOutbox reader, int maxAlarms = 100, int maxOthers = 100) =>
        reader.ReadNewAsync(maxAlarms, maxOthers, _ => false, CancellationToken.None);

    [Fact]
    public async Task Each_row_is_handed_out_once_until_the_reader_is_rewound_and_acked_rows_never_again()
    {
        await using var outbox = Open();
        var telemetry = _factory.Create(CareEventKind.FlowTotals, "water", "12 l");
        var fall = _factory.Create(CareEventKind.Fall, "wrist", "fall");
        await outbox.AcceptAsync(telemetry);
        await outbox.AcceptAsync(fall);

        Assert.Equal([fall.Id, telemetry.Id], (await ReadAsync(outbox)).Select(e => e.Id));
        Assert.Empty(await ReadAsync(outbox));

        var help = _factory.Create(CareEventKind.HelpButton, "bed", "help");
        await outbox.AcceptAsync(help);
        Assert.Equal([help.Id], (await ReadAsync(outbox)).Select(e => e.Id));

        // A new connection: whatever was sent on the old one may be lost, so everything pending goes again, in order.
        outbox.Rewind();
        Assert.Equal([fall.Id, help.Id, telemetry.Id], (await ReadAsync(outbox)).Select(e => e.Id));

        await outbox.AckAsync([fall.Id], CancellationToken.None);
        outbox.Rewind();
        Assert.Equal([help.Id, telemetry.Id], (await ReadAsync(outbox)).Select(e => e.Id));
        Assert.Equal(2, outbox.Depth);
    }

    [Fact]
    public async Task A_limited_read_continues_where_it_stopped_per_class()
    {
        await using var outbox = Open();
        var alarms = Enumerable.Range(0, 3).Select(i => _factory.Create(CareEventKind.Fall, "wrist", $"fall {i}")).ToList();
        var infos = Enumerable.Range(0, 3).Select(i => _factory.Create(CareEventKind.InactivityWarning, "living", $"quiet {i}")).ToList();
        foreach (var e in alarms.Concat(infos))
        {
            await outbox.AcceptAsync(e);
        }

        var first = await ReadAsync(outbox, maxAlarms: 2, maxOthers: 1);
        var second = await ReadAsync(outbox, maxAlarms: 2, maxOthers: 1);
        var third = await ReadAsync(outbox, maxAlarms: 2, maxOthers: 1);

        Assert.Equal([alarms[0].Id, alarms[1].Id, infos[0].Id], first.Select(e => e.Id));
        Assert.Equal([alarms[2].Id, infos[1].Id], second.Select(e => e.Id));
        Assert.Equal([infos[2].Id], third.Select(e => e.Id));
        Assert.Empty(await ReadAsync(outbox));
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_moves_the_cursor_past_nothing()
    {
        await using var outbox = Open();
        var fall = _factory.Create(CareEventKind.Fall, "wrist", "fall");
        await outbox.AcceptAsync(fall);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => outbox.ReadNewAsync(10, 10, _ => false, new CancellationToken(canceled: true)));

        Assert.Equal(fall.Id, Assert.Single(await ReadAsync(outbox)).Id);
    }
}
