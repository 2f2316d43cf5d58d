using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Residents;

/// <summary>
/// A saved or erased resident record reaches the open pages at once (issue 29): the home and each of its open alarms go out
/// on the live feed, so every page redraws them with the new summary. Real centre over a real SQLite archive.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class ResidentChangesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("resident-changes-").FullName;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync() =>
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { ResidentKey = ResidentKey.Generate() }, web: false, loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public async Task A_save_and_an_erasure_publish_the_home_and_its_open_alarms_and_nothing_of_another_home()
    {
        var archive = _centre!.Archive;
        var now = DateTimeOffset.UtcNow;
        await archive.RecordStatusAsync("north-home", "online", Guid.NewGuid(), now);
        await archive.RecordStatusAsync("other-home", "online", Guid.NewGuid(), now);
        var open = (await archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm("offline:north-home:1", "north-home", SupervisionTypes.Offline, 2, "gateway north-home offline", now)))!;
        await archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm("offline:other-home:1", "other-home", SupervisionTypes.Offline, 2, "gateway other-home offline", now));
        using var feed = _centre.Centre.Changes.Subscribe();

        var record = new ResidentRecord("Ingrid Hansen", null, null, null, new ResidentAddress("Storgata 1", null, "Oslo", null, null), ResidentAccess.None, [], null, null, "north");
        await _centre.Centre.Residents.SaveAsync("north-home", record, "Coord Cora");
        Assert.Equal([("gateway", "north-home"), ("alarm", open.Id.ToString("D"))], Drain(feed));

        Assert.True(await _centre.Centre.Residents.EraseAsync("north-home", "Coord Cora"));
        Assert.Equal([("gateway", "north-home"), ("alarm", open.Id.ToString("D"))], Drain(feed));

        // Nothing to erase, nothing changed: nothing published.
        Assert.False(await _centre.Centre.Residents.EraseAsync("north-home", "Coord Cora"));
        Assert.Empty(Drain(feed));
    }

    /// <summary>What the feed holds now, as (kind, gateway or alarm id); Publish writes synchronously, so nothing is still on its way.</summary>
    private static List<(string Kind, string Id)> Drain(ChangeFeed.Subscription feed)
    {
        var changes = new List<(string, string)>();
        while (feed.Reader.TryRead(out var change))
        {
            changes.Add((change.Kind, change.Alarm?.Id.ToString("D") ?? change.Gateway!.Id));
        }

        return changes;
    }
}
