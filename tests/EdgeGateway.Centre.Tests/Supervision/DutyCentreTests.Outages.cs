using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;

namespace EdgeGateway.Centre.Tests.Supervision;

/// <summary>Mass outages (issue 33) in the running supervision, on SQLite and PostgreSQL: when homes group, and when they do not.</summary>
public abstract partial class DutyCentreTests
{
    private async Task<List<(string Id, Guid Boot)>> HomesOfAsync(DutyCentre centre, string zone, int count, long interval = 10)
    {
        var homes = Enumerable.Range(1, count).Select(i => (Id: $"gw-{zone}{i}", Boot: Guid.NewGuid())).ToList();
        foreach (var (id, boot) in homes)
        {
            await PublishAsync(Topics.Status(id), Status("online", boot));
            await PublishAsync(Topics.Heartbeat(id), Heartbeat(boot, interval));
        }

        await UntilAsync(async () => (await centre.Archive.GatewaysAsync()).Count(g => g.Id.StartsWith($"gw-{zone}", StringComparison.Ordinal) && g.LastHeartbeatAt is not null) == count, $"the {zone} homes online");
        foreach (var (id, _) in homes)
        {
            Assert.True(await centre.Archive.PutResidentAsync(new SealedResident(id, zone, "r1.sealed", Time.GetUtcNow(), "Cora"), new OperatorAction(Time.GetUtcNow(), "Cora", "resident-save", id, null, null, "ok", null)));
        }

        return homes;
    }

    [Fact]
    public async Task Silent_homes_of_one_zone_are_one_incident_instead_of_silent_alarms_and_it_closes_when_their_heartbeats_return()
    {
        var centre = await StartCentreAsync(o => new DutyCentreOptions { Time = o.Time, Zone = o.Zone, CheckInterval = o.CheckInterval, MassOutageHomes = 5 });
        var homes = await HomesOfAsync(centre, "east", 5);

        // The heartbeats stop (a network cut: no will reaches the broker): silent after 3 × 10 s + 10 s, all five together.
        Time.Advance(TimeSpan.FromSeconds(40));
        await centre.CheckAsync();
        await centre.CheckAsync();
        Assert.Empty(await OpenOfAsync(centre, SupervisionTypes.Silent));
        var incident = Assert.Single(await centre.Archive.OutagesAsync(Time.GetUtcNow()));
        Assert.Equal(("east", OutageStates.Open, 5, T0), (incident.Zone, incident.State, incident.Homes, incident.Since));
        Assert.All(await centre.Archive.OutageHomesAsync(incident.Id), h => Assert.Equal("silent", h.Kind));

        // They are back: each heartbeat counts as a return, and the next pass closes it with all of them back.
        foreach (var (id, boot) in homes)
        {
            await PublishAsync(Topics.Heartbeat(id), Heartbeat(boot, 10));
        }

        await UntilAsync(async () => (await centre.Archive.OutagesAsync(T0)).Single().Returned == 5, "five returns counted");
        await centre.CheckAsync();
        var closed = Assert.Single(await centre.Archive.OutagesAsync(T0));
        Assert.Equal((OutageStates.Closed, "all 5 homes back"), (closed.State, closed.Summary));
        Assert.Empty(await OpenOfAsync(centre, SupervisionTypes.Silent));
    }

    [Theory]
    [InlineData(5, 4)]
    [InlineData(0, 6)]
    public async Task Fewer_quiet_homes_than_mass_outage_homes_or_grouping_off_alarm_one_by_one(int massOutageHomes, int offline)
    {
        var centre = await StartCentreAsync(o => new DutyCentreOptions { Time = o.Time, Zone = o.Zone, CheckInterval = o.CheckInterval, MassOutageHomes = massOutageHomes });
        var homes = await HomesOfAsync(centre, "west", offline, interval: HeartbeatLimits.MaxSeconds);
        foreach (var (id, boot) in homes)
        {
            await PublishAsync(Topics.Status(id), Status("offline", boot));
        }

        await UntilAsync(async () => (await centre.Archive.GatewaysAsync()).Count(g => g.State == GatewayStates.Offline) == offline, "the homes offline");
        Time.Advance(TimeSpan.FromSeconds(60));
        await centre.CheckAsync();
        await centre.CheckAsync();

        Assert.Equal(homes.Select(h => h.Id), (await OpenOfAsync(centre, SupervisionTypes.Offline)).Select(a => a.Gateway).Order(StringComparer.Ordinal));
        Assert.Empty(await centre.Archive.OutagesAsync(T0));
    }

    [Fact]
    public async Task An_incident_another_instance_has_just_opened_is_not_closed_before_its_homes_join_and_one_left_empty_closes_after_a_minute()
    {
        var centre = await StartCentreAsync(o => new DutyCentreOptions { Time = o.Time, Zone = o.Zone, CheckInterval = o.CheckInterval, MassOutageHomes = 5 });

        // Another instance opened it and is about to join its homes: no home in it yet is not "every home back".
        var opened = await centre.Archive.OpenOutageAsync("north", Time.GetUtcNow());
        await centre.CheckAsync();
        Assert.True((await centre.Archive.OutagesAsync(Time.GetUtcNow())).Single().IsOpen);
        Assert.Equal(0, await centre.Archive.JoinOutageAsync(opened.Id, []));

        // That instance died before the join: the empty incident goes after a minute.
        Time.Advance(TimeSpan.FromMinutes(1));
        await centre.CheckAsync();
        var closed = Assert.Single(await centre.Archive.OutagesAsync(T0));
        Assert.Equal((OutageStates.Closed, "no home joined it"), (closed.State, closed.Summary));
    }
}
