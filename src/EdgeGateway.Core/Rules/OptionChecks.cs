using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Shared checks that produce "problem (was value)" issues at their key.</summary>
internal static class OptionChecks
{
    public static void NotNegative(List<ConfigIssue> errors, ConfigKey key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add(new(key, Invariant($"must not be negative (was {value})")));
        }
    }

    public static void Positive(List<ConfigIssue> errors, ConfigKey key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(new(key, Invariant($"must be greater than zero (was {value})")));
        }
    }

    public static void SensorRef(List<ConfigIssue> errors, ConfigKey key, string? id, SensorCatalog? sensors, params SensorKind[] kinds)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(new(key, "a sensor id is required"));
            return;
        }

        if (sensors is null)
        {
            return;
        }

        if (!sensors.TryGetKind(id, out var kind))
        {
            errors.Add(new(key, $"unknown sensor '{id}' (not in the home's sensor list)"));
        }
        else if (kinds.Length > 0 && Array.IndexOf(kinds, kind) < 0)
        {
            errors.Add(new(key, $"sensor '{id}' is a {kind}, expected {string.Join(" or ", kinds)}"));
        }
    }

    public static void SensorRefs(List<ConfigIssue> errors, ConfigKey key, IReadOnlyList<string>? ids, SensorCatalog? sensors, bool required, params SensorKind[] kinds)
    {
        if (ids is null || ids.Count == 0)
        {
            if (required)
            {
                errors.Add(new(key, "at least one sensor id is required"));
            }

            return;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            SensorRef(errors, key.Then(i), ids[i], sensors, kinds);
        }
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
