namespace EdgeGateway.Centre.Rollouts;

/// <summary>
/// Splits a fleet into waves (pure and deterministic: the same fleet gives the same plan). Homes already on the version
/// are wave 0, passed. The canaries open wave 1; wave k holds ceil(pct_k × N / 100) homes cumulatively (at least one, and
/// at least the canaries, in wave 1). The rest are taken round-robin by zone so that no zone of two or more homes has them
/// all in one wave: a zone's nurses never face every home of theirs restarting at once, and one bad zone-specific
/// setup shows in an early wave. Where the shares leave too few places for that, a home is moved to the next wave (the
/// one before, from the last), so a wave may hold one home more or less than its share.
/// </summary>
public static class RolloutPlanner
{
    /// <summary>The zone name of homes without one.</summary>
    public const string NoZone = "none";

    /// <summary>Plans <paramref name="fleet"/> for <paramref name="version"/> in <paramref name="waves"/> (cumulative percentages).</summary>
    /// <exception cref="ArgumentException">The waves are not rising percentages ending at 100.</exception>
    public static IReadOnlyList<RolloutHome> Plan(IReadOnlyList<FleetHome> fleet, string version, IReadOnlyList<string> canaries, IReadOnlyList<int> waves)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(canaries);
        CheckWaves(waves);

        var plan = new List<RolloutHome>();
        var current = fleet.Where(h => h.Version == version).OrderBy(h => h.Gateway, StringComparer.Ordinal);
        plan.AddRange(current.Select(h => new RolloutHome(h.Gateway, ZoneOf(h), 0, RolloutHomeStates.Passed, 0, null, null, $"already runs {version}")));

        var todo = fleet.Where(h => h.Version != version).DistinctBy(h => h.Gateway).ToList();
        var n = todo.Count;
        if (n == 0)
        {
            return plan;
        }

        // Canaries in the order given, then the others round-robin by zone: the biggest zone first, names breaking ties.
        var byId = todo.ToDictionary(h => h.Gateway, StringComparer.Ordinal);
        var canaryHomes = canaries.Distinct(StringComparer.Ordinal).Where(byId.ContainsKey).Select(c => byId[c]).ToList();
        var canarySet = canaryHomes.Select(h => h.Gateway).ToHashSet(StringComparer.Ordinal);
        var zones = todo.Where(h => !canarySet.Contains(h.Gateway))
            .GroupBy(ZoneOf, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(h => h.Gateway, StringComparer.Ordinal).ToList())
            .ToList();
        var order = new List<FleetHome>(canaryHomes);
        for (var round = 0; order.Count < n; round++)
        {
            order.AddRange(zones.Where(z => round < z.Count).Select(z => z[round]));
        }

        // Cumulative sizes: wave 1 holds at least one home and every canary.
        var cumulative = waves.Select(p => (int)Math.Min(n, Math.Ceiling(p * (long)n / 100.0))).ToArray();
        cumulative[0] = Math.Max(cumulative[0], Math.Max(1, canaryHomes.Count));
        for (var k = 1; k < cumulative.Length; k++)
        {
            cumulative[k] = Math.Max(cumulative[k], cumulative[k - 1]);
        }

        var wave = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0, k = 0; i < order.Count; i++)
        {
            while (i >= cumulative[k])
            {
                k++;
            }

            wave[order[i].Gateway] = k + 1;
        }

        // A zone still all in one wave gets one home (the last by id that is no canary) moved to the next wave, or to the
        // one before when it is all in the last: later first, so that wave 1 stays the canaries' where it can.
        if (waves.Count > 1)
        {
            foreach (var zone in todo.GroupBy(ZoneOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var homes = zone.OrderBy(h => h.Gateway, StringComparer.Ordinal).ToList();
                if (homes.Count < 2 || homes.Select(h => wave[h.Gateway]).Distinct().Count() > 1)
                {
                    continue;
                }

                var w = wave[homes[0].Gateway];
                if (homes.LastOrDefault(h => !canarySet.Contains(h.Gateway)) is { } movable)
                {
                    wave[movable.Gateway] = w < waves.Count ? w + 1 : w - 1;
                }
            }
        }

        plan.AddRange(order.Select(h => new RolloutHome(h.Gateway, ZoneOf(h), wave[h.Gateway], RolloutHomeStates.Waiting, 0, null, null, null)));
        return plan;
    }

    /// <summary>Checks cumulative wave percentages: each 1 to 100, rising, the last 100.</summary>
    /// <exception cref="ArgumentException">They are not; the message says which one.</exception>
    public static void CheckWaves(IReadOnlyList<int> waves)
    {
        ArgumentNullException.ThrowIfNull(waves);
        if (waves.Count == 0)
        {
            throw new ArgumentException("waves: at least one percentage is needed, e.g. 1,5,25,100", nameof(waves));
        }

        for (var i = 0; i < waves.Count; i++)
        {
            if (waves[i] is < 1 or > 100 || (i > 0 && waves[i] <= waves[i - 1]))
            {
                throw new ArgumentException($"waves: {string.Join(',', waves)} must be rising cumulative percentages from 1 to 100 (wave {i + 1} is {waves[i]})", nameof(waves));
            }
        }

        if (waves[^1] != 100)
        {
            throw new ArgumentException($"waves: the last wave must be 100 (every home), not {waves[^1]}", nameof(waves));
        }
    }

    private static string ZoneOf(FleetHome h) => string.IsNullOrWhiteSpace(h.Zone) ? NoZone : h.Zone;
}
