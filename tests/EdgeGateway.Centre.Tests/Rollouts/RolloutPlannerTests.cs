using EdgeGateway.Centre.Rollouts;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>The wave plan: canaries first, the shares, every zone spread, the same plan for the same fleet.</summary>
public sealed class RolloutPlannerTests
{
    private static List<FleetHome> Fleet(int n, Func<int, string?> zone, string? version = "0.1.0") =>
        [.. Enumerable.Range(1, n).Select(i => new FleetHome($"gw-{i:D3}", zone(i), version))];

    [Fact]
    public void Canaries_open_wave_1_and_the_waves_hold_their_cumulative_shares()
    {
        var fleet = Fleet(200, i => $"zone-{i % 7}");
        var plan = RolloutPlanner.Plan(fleet, "0.2.0", ["gw-150", "gw-007"], [1, 5, 25, 100]);

        Assert.Equal(200, plan.Count);
        Assert.Equal(["gw-150", "gw-007"], plan.Take(2).Select(h => h.Gateway));
        Assert.All(plan.Where(h => h.Gateway is "gw-150" or "gw-007"), h => Assert.Equal(1, h.Wave));
        Assert.All(plan, h => Assert.Equal(RolloutHomeStates.Waiting, h.State));

        // ceil(1 % of 200) = 2, 10, 50, 200 cumulatively (7 zones, all already spread by the round-robin: no move needed).
        int Upto(int w) => plan.Count(h => h.Wave <= w);
        Assert.Equal([2, 10, 50, 200], [Upto(1), Upto(2), Upto(3), Upto(4)]);
    }

    [Fact]
    public void Wave_1_holds_at_least_one_home_and_every_canary_even_when_its_share_is_smaller()
    {
        var one = RolloutPlanner.Plan(Fleet(30, _ => null), "0.2.0", [], [1, 100]);
        Assert.Single(one, h => h.Wave == 1);

        var canaries = RolloutPlanner.Plan(Fleet(30, _ => null), "0.2.0", ["gw-003", "gw-004", "gw-005"], [1, 100]);
        Assert.Equal(["gw-003", "gw-004", "gw-005"], canaries.Where(h => h.Wave == 1).Select(h => h.Gateway));
    }

    [Fact]
    public void Homes_already_on_the_version_are_wave_0_passed_and_not_counted_in_the_shares()
    {
        var fleet = Fleet(10, _ => "north");
        fleet.AddRange(Fleet(10, _ => "south", "0.2.0").Select(h => h with { Gateway = "new-" + h.Gateway }));
        var plan = RolloutPlanner.Plan(fleet, "0.2.0", [], [10, 100]);

        Assert.Equal(10, plan.Count(h => h.Wave == 0 && h.State == RolloutHomeStates.Passed));
        Assert.All(plan.Where(h => h.Wave == 0), h => Assert.StartsWith("new-", h.Gateway, StringComparison.Ordinal));
        Assert.Equal(1, plan.Count(h => h.Wave == 1));
    }

    [Fact]
    public void No_zone_of_two_or_more_homes_has_them_all_in_one_wave_with_uneven_zones()
    {
        // 40 homes: one big zone, several middling, many pairs, two single homes and some without a zone; the early waves
        // (1 %, 5 %, 25 %: 1, 2, 10 places) are fewer than the zones, so the spread has to move homes earlier.
        var zones = new List<string?>();
        zones.AddRange(Enumerable.Repeat<string?>("big", 14));
        zones.AddRange(Enumerable.Repeat<string?>("mid-a", 5));
        zones.AddRange(Enumerable.Repeat<string?>("mid-b", 4));
        foreach (var pair in new[] { "p1", "p2", "p3", "p4", "p5", "p6" })
        {
            zones.AddRange([pair, pair]);
        }

        zones.AddRange(["solo-1", "solo-2", null, null, null]);
        var fleet = Fleet(zones.Count, i => zones[i - 1]);
        var plan = RolloutPlanner.Plan(fleet, "0.2.0", ["gw-001"], [1, 5, 25, 100]);

        Assert.Equal(zones.Count, plan.Count);
        Assert.Equal(3, plan.Count(h => h.Zone == RolloutPlanner.NoZone));
        foreach (var zone in plan.GroupBy(h => h.Zone).Where(g => g.Count() >= 2))
        {
            Assert.True(zone.Select(h => h.Wave).Distinct().Count() >= 2, $"zone {zone.Key} is all in wave {zone.First().Wave}");
        }
    }

    [Fact]
    public void The_same_fleet_gives_the_same_plan_whatever_order_the_archive_returns_it_in()
    {
        var fleet = Fleet(57, i => i % 3 == 0 ? null : $"z{i % 5}");
        var a = RolloutPlanner.Plan(fleet, "0.2.0", ["gw-010"], [2, 10, 50, 100]);
        var shuffled = fleet.Where((_, i) => i % 2 == 1).Concat(fleet.Where((_, i) => i % 2 == 0).Reverse()).ToList();
        var b = RolloutPlanner.Plan(shuffled, "0.2.0", ["gw-010"], [2, 10, 50, 100]);

        Assert.NotEqual(fleet.Select(h => h.Gateway), shuffled.Select(h => h.Gateway));
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(new[] { 5, 1, 100 }, "rising")]
    [InlineData(new[] { 1, 50 }, "the last wave must be 100")]
    [InlineData(new[] { 0, 100 }, "wave 1 is 0")]
    public void Waves_that_are_not_rising_percentages_to_100_are_refused(int[] waves, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => RolloutPlanner.Plan(Fleet(3, _ => null), "0.2.0", [], waves));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
