using EdgeGateway.Core.Configuration;
using UnitsNet;

namespace EdgeGateway.Core.Power;

/// <summary>How <see cref="PowerMonitor"/> judges its source.</summary>
public sealed record PowerMonitorOptions
{
    /// <summary>How often the source is read.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long mains must stay gone (or back) before it counts: a flicker is not an event.</summary>
    public TimeSpan MainsSettle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>On battery at or below this charge: battery low (prepare: the centre is told while there is time).</summary>
    public Ratio LowCharge { get; init; } = Ratio.FromPercent(30);

    /// <summary>On battery at or below this charge: battery critical, and the gateway ends gracefully while it still can.</summary>
    public Ratio ReserveCharge { get; init; } = Ratio.FromPercent(10);

    /// <summary>The battery's usable capacity, for the time left from the measured draw; null when not configured.</summary>
    public ElectricCharge? Capacity { get; init; }

    /// <summary>Every problem with these options, each naming its key in <paramref name="section"/> as the config file spells it; empty when valid.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var errors = new List<ConfigIssue>();
        void Add(string field, string problem) => errors.Add(new(section.Field(field), problem));
        if (PollInterval < TimeSpan.FromSeconds(1) || PollInterval > TimeSpan.FromMinutes(5))
        {
            Add("PollSeconds", $"{PollInterval.TotalSeconds:0.###} s is out of range (1–300 s)");
        }

        if (MainsSettle < TimeSpan.Zero || MainsSettle > TimeSpan.FromMinutes(10))
        {
            Add("MainsSettleSeconds", $"{MainsSettle.TotalSeconds:0.###} s is out of range (0–600 s)");
        }

        if (ReserveCharge.Percent is < 1 or > 50)
        {
            Add("ReservePercent", $"{ReserveCharge.Percent:0.#} % is out of range (1–50 %)");
        }

        if (LowCharge.Percent > 90 || LowCharge <= ReserveCharge)
        {
            Add("LowPercent", $"{LowCharge.Percent:0.#} % must be above the reserve ({ReserveCharge.Percent:0.#} %) and at most 90 %");
        }

        if (Capacity is { } capacity && capacity.MilliampereHours <= 0)
        {
            Add("CapacityMah", $"must be positive");
        }

        return errors;
    }
}
