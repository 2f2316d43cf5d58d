using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;

namespace EdgeGateway.Centre.Tests.Archive;

/// <summary>Release rollouts (issue 32), on SQLite and PostgreSQL alike: one running at a time, conditional writes, the driver's lease.</summary>
public abstract partial class ArchiveContractTests
{
    private static RolloutRecord Rollout(string id, DateTimeOffset at) => new(
        new RolloutSpec(id, "Tech Tore", at, new RolloutRelease("0.2.0+abc", "edgegateway-0.2.0.tar.gz", 42, new string('d', 64),
                """{"manifest":"bQ==","key_id":"0123456789abcdef","signature":"cw=="}""", "https://centre.example/releases/edgegateway-0.2.0.tar.gz"),
            [1, 5, 25, 100], RolloutWindow.Parse("22:00-02:00"), 1, TimeSpan.FromMinutes(30), 300, TimeSpan.FromMinutes(35), ["gw-1"]),
        RolloutStates.Running, 1, null, null, at);

    private static OperatorAction RolloutAction(DateTimeOffset at) => new(at, "Tech Tore", "rollout-start", null, null, null, "ok", null);

    [Fact]
    public async Task A_rollout_is_stored_whole_and_a_second_is_refused_while_one_runs_on_any_instance()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var first = Rollout("r-1", T0);
        RolloutHome[] homes = [new("gw-1", "north", 1, RolloutHomeStates.Waiting, 0, null, null, null), new("gw-2", "none", 0, RolloutHomeStates.Passed, 0, null, null, "already runs 0.2.0+abc")];
        Assert.True(await a.StartRolloutAsync(first, homes, RolloutAction(T0)));
        Assert.False(await b.StartRolloutAsync(Rollout("r-2", T0.AddMinutes(1)), [], RolloutAction(T0.AddMinutes(1))));

        var stored = await b.LatestRolloutAsync();
        Assert.Equal(first with { Spec = stored!.Spec }, stored);
        Assert.Equal(RolloutJson.Write(first.Spec), RolloutJson.Write(stored.Spec));
        Assert.Equal([homes[1], homes[0]], await b.RolloutHomesAsync("r-1"));
        Assert.Equal(["rollout-start"], (await b.ActionsAsync(10)).Select(x => x.Action));

        // Halted, the next may start; the running one is the latest even when an older one was made later by the clock.
        Assert.True(await b.UpdateRolloutAsync(stored with { State = RolloutStates.Halted, HaltReason = "by hand", UpdatedAt = T0.AddMinutes(2) }, RolloutStates.Running, 1));
        Assert.True(await a.StartRolloutAsync(Rollout("r-2", T0.AddMinutes(-5)), [], RolloutAction(T0.AddMinutes(3))));
        Assert.Equal("r-2", (await b.LatestRolloutAsync())!.Id);
        Assert.Equal("by hand", (await b.RolloutAsync("r-1"))!.HaltReason);
    }

    [Fact]
    public async Task Rollout_writes_are_conditional_on_the_state_read_so_the_first_of_two_instances_wins()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var rollout = Rollout("r-1", T0);
        var home = new RolloutHome("gw-1", "north", 1, RolloutHomeStates.Sent, 0, T0, null, null);
        Assert.True(await a.StartRolloutAsync(rollout, [home], RolloutAction(T0)));

        Assert.True(await a.UpdateRolloutHomeAsync("r-1", home with { State = RolloutHomeStates.Passed, DoneAt = T0.AddMinutes(5) }, [RolloutHomeStates.Sent]));
        Assert.False(await b.UpdateRolloutHomeAsync("r-1", home with { State = RolloutHomeStates.Failed, Reason = "no report" }, [RolloutHomeStates.Sent]));
        Assert.Equal(RolloutHomeStates.Passed, (await b.RolloutHomesAsync("r-1")).Single().State);

        Assert.True(await a.UpdateRolloutAsync(rollout with { Wave = 2, UpdatedAt = T0.AddMinutes(40) }, RolloutStates.Running, 1));
        Assert.False(await b.UpdateRolloutAsync(rollout with { State = RolloutStates.Halted, UpdatedAt = T0.AddMinutes(41) }, RolloutStates.Running, 1));
        Assert.Equal((RolloutStates.Running, 2), ((await b.LatestRolloutAsync())!.State, (await b.LatestRolloutAsync())!.Wave));
    }

    [Fact]
    public async Task The_driver_lease_is_held_by_one_instance_renewed_by_it_and_taken_over_only_once_expired()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var ttl = TimeSpan.FromSeconds(30);
        Assert.True(await a.HoldLeaseAsync("rollout-driver", "a", T0, ttl));
        Assert.False(await b.HoldLeaseAsync("rollout-driver", "b", T0.AddSeconds(1), ttl));
        Assert.True(await a.HoldLeaseAsync("rollout-driver", "a", T0.AddSeconds(20), ttl));
        Assert.False(await b.HoldLeaseAsync("rollout-driver", "b", T0.AddSeconds(49), ttl));
        Assert.True(await b.HoldLeaseAsync("rollout-driver", "b", T0.AddSeconds(50), ttl));
        Assert.False(await a.HoldLeaseAsync("rollout-driver", "a", T0.AddSeconds(51), ttl));
    }
}
