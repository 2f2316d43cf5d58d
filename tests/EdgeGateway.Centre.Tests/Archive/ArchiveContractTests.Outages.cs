using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Tests.Archive;

/// <summary>Mass outages (issue 33), on SQLite and PostgreSQL alike, each step taken by two archive objects as two centre instances would.</summary>
public abstract partial class ArchiveContractTests
{
    private static OutageHome Quiet(string outage, string gateway, int minute) => new(outage, gateway, "offline", T0.AddMinutes(minute), null);

    [Fact]
    public async Task A_zone_has_one_open_outage_whoever_opens_it_and_each_home_joins_it_once()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();

        // Two instances open the north's at the same moment: one incident, both get it; the south's is its own.
        var opened = await Task.WhenAll(a.OpenOutageAsync("north", T0), b.OpenOutageAsync("north", T0));
        Assert.Equal(opened[0].Id, opened[1].Id);
        var south = await b.OpenOutageAsync("south", T0.AddMinutes(1));
        var none = await a.OpenOutageAsync("", T0.AddMinutes(2));
        Assert.NotEqual(opened[0].Id, south.Id);
        Assert.Equal(opened[0].Id, (await b.OpenOutageAsync("north", T0.AddMinutes(3))).Id);
        var north = opened[0].Id;

        Assert.Equal(3, await a.JoinOutageAsync(north, [Quiet(north, "gw-1", -3), Quiet(north, "gw-2", -1), Quiet(north, "gw-3", -2)]));
        Assert.Equal(1, await b.JoinOutageAsync(north, [Quiet(north, "gw-2", 0), Quiet(north, "gw-4", 0) with { Kind = "silent" }]));
        Assert.Equal(0, await a.JoinOutageAsync(north, [Quiet(north, "gw-4", 1)]));
        Assert.Equal(1, await a.JoinOutageAsync(none.Id, [Quiet(none.Id, "gw-x", 0)]));

        var shown = await b.OutagesAsync(T0);
        Assert.Equal([("north", 4), ("south", 0), ("", 1)], shown.Select(o => (o.Zone, o.Homes)));
        var n = shown[0];
        Assert.Equal((OutageStates.Open, T0.AddMinutes(-3), T0, 0, (DateTimeOffset?)null, (DateTimeOffset?)null, (string?)null),
            (n.State, n.Since, n.OpenedAt, n.Returned, n.LastReturnAt, n.ClosedAt, n.Summary));
        Assert.True(n.IsOpen);

        // An incident without homes yet is since its opening.
        Assert.Equal(T0.AddMinutes(1), shown[1].Since);
        Assert.Equal([("gw-1", "offline"), ("gw-2", "offline"), ("gw-3", "offline"), ("gw-4", "silent")], (await a.OutageHomesAsync(north)).Select(h => (h.Gateway, h.Kind)));
    }

    [Fact]
    public async Task Returns_are_marked_once_an_outage_closes_once_and_the_homes_it_left_out_stay_listed_until_they_return()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var north = (await a.OpenOutageAsync("north", T0)).Id;
        Assert.Equal(3, await a.JoinOutageAsync(north, [Quiet(north, "gw-1", 0), Quiet(north, "gw-2", 0), Quiet(north, "gw-3", 0)]));

        Assert.True(await a.OutageReturnAsync("gw-1", T0.AddMinutes(5)));
        Assert.False(await b.OutageReturnAsync("gw-1", T0.AddMinutes(6)));
        Assert.False(await b.OutageReturnAsync("gw-unknown", T0.AddMinutes(6)));
        Assert.True(await b.OutageReturnAsync("gw-2", T0.AddMinutes(7)));
        var open = Assert.Single(await a.OutagesAsync(T0));
        Assert.Equal((3, 2, (DateTimeOffset?)T0.AddMinutes(7)), (open.Homes, open.Returned, open.LastReturnAt));
        Assert.Equal([T0.AddMinutes(5), T0.AddMinutes(7), null], (await b.OutageHomesAsync(north)).Select(h => h.ReturnedAt));

        // Supervision's view: every home of an open incident, returned or not.
        Assert.Equal(["gw-1", "gw-2", "gw-3"], (await a.OutageHomesAsync(null)).Select(h => h.Gateway).Order(StringComparer.Ordinal));

        // Two instances close it at once: one wins, with the counts; the other gets null; joining a closed one is refused.
        var closes = await Task.WhenAll(a.CloseOutageAsync(north, "2 of 3 homes back; 1 not: gw-3", T0.AddMinutes(9)), b.CloseOutageAsync(north, "other", T0.AddMinutes(9)));
        var closed = Assert.Single(closes, c => c is not null)!;
        Assert.Equal((OutageStates.Closed, (DateTimeOffset?)T0.AddMinutes(9), 3, 2), (closed.State, closed.ClosedAt, closed.Homes, closed.Returned));
        Assert.Null(await a.CloseOutageAsync(north, "again", T0.AddMinutes(10)));
        Assert.Null(await b.JoinOutageAsync(north, [Quiet(north, "gw-5", 9)]));
        var shown = Assert.Single(await b.OutagesAsync(T0.AddMinutes(9)));
        Assert.Equal((north, OutageStates.Closed, closed.Summary), (shown.Id, shown.State, shown.Summary));
        Assert.Empty(await a.OutagesAsync(T0.AddMinutes(10)));

        // The home it left out is still listed for supervision (it alarms on its own), until it returns.
        Assert.Equal(["gw-3"], (await a.OutageHomesAsync(null)).Select(h => h.Gateway));
        Assert.True(await a.OutageReturnAsync("gw-3", T0.AddMinutes(20)));
        Assert.Empty(await b.OutageHomesAsync(null));
        Assert.Equal(3, (await b.OutagesAsync(T0)).Single().Returned);

        // The zone may open a new incident once the last one closed.
        Assert.NotEqual(north, (await b.OpenOutageAsync("north", T0.AddMinutes(30))).Id);
    }

    [Fact]
    public async Task Zones_come_from_the_resident_records_and_a_home_without_a_zone_is_absent()
    {
        await using var a = await OpenAsync();
        await a.RecordStatusAsync("gw-1", "online", Guid.NewGuid(), T0);
        await a.RecordStatusAsync("gw-2", "online", Guid.NewGuid(), T0);
        await a.RecordStatusAsync("gw-3", "online", Guid.NewGuid(), T0);
        Assert.True(await a.PutResidentAsync(new SealedResident("gw-1", "north", "r1.a.b", T0, "Cora"), ResidentAction("resident-save", "gw-1", T0)));
        Assert.True(await a.PutResidentAsync(new SealedResident("gw-2", null, "r1.a.c", T0, "Cora"), ResidentAction("resident-save", "gw-2", T0)));

        var zones = await a.ZonesAsync();
        Assert.Equal([KeyValuePair.Create("gw-1", "north")], zones);
    }
}
