using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre.Tests.Archive;

/// <summary>The homes' sealed resident records (issue 29), on SQLite and PostgreSQL alike.</summary>
public abstract partial class ArchiveContractTests
{
    private static OperatorAction ResidentAction(string what, string gateway, DateTimeOffset at) => new(at, "Coordinator Cora", what, gateway, null, null, "ok", null);

    [Fact]
    public async Task A_resident_record_is_stored_replaced_and_erased_each_with_its_action_and_only_for_a_known_home()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        await a.RecordStatusAsync("gw-1", "online", Guid.NewGuid(), T0);
        await a.RecordStatusAsync("gw-2", "online", Guid.NewGuid(), T0);

        Assert.False(await a.PutResidentAsync(new SealedResident("gw-unknown", "north", "r1.x.y", T0, "Coordinator Cora"), ResidentAction("resident-save", "gw-unknown", T0)));
        Assert.Empty(await a.ActionsAsync(10));

        var first = new SealedResident("gw-1", "north", "r1.aa.first", T0, "Coordinator Cora");
        var other = new SealedResident("gw-2", null, "r1.aa.other", T0, "Coordinator Cora");
        Assert.True(await a.PutResidentAsync(first, ResidentAction("resident-save", "gw-1", T0)));
        Assert.True(await b.PutResidentAsync(other, ResidentAction("resident-save", "gw-2", T0)));
        var replaced = first with { Zone = "south", Sealed = "r1.aa.second", UpdatedAt = T0.AddMinutes(5) };
        Assert.True(await b.PutResidentAsync(replaced, ResidentAction("resident-save", "gw-1", T0.AddMinutes(5))));

        Assert.Equal(replaced, await a.ResidentAsync("gw-1"));
        Assert.Null(await a.ResidentAsync("gw-3"));
        Assert.Equal([replaced, other], await b.ResidentsAsync());

        Assert.True(await a.EraseResidentAsync("gw-1", ResidentAction("resident-erase", "gw-1", T0.AddMinutes(9))));
        Assert.False(await b.EraseResidentAsync("gw-1", ResidentAction("resident-erase", "gw-1", T0.AddMinutes(10))));
        Assert.Null(await b.ResidentAsync("gw-1"));
        Assert.Equal(["resident-erase", "resident-save", "resident-save", "resident-save"], (await a.ActionsAsync(10)).Select(x => x.Action));
    }
}
