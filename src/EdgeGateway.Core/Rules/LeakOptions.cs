using System.Text.Json.Serialization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using UnitsNet;

namespace EdgeGateway.Core.Rules;

/// <summary>Leaks: flow that never falls to zero over a window (slow leak), or flow above the pipe's maximum (burst).</summary>
public sealed record LeakOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "Leak";

    /// <summary>The flow meters watched.</summary>
    public IReadOnlyList<string> FlowSensorIds { get; set; } = [];

    /// <summary>Flow must fall to zero at least once within this window, or it is a slow leak.</summary>
    public TimeSpan SlowLeakWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Flow above this is a burst, L/min; null disables burst detection.</summary>
    public double? BurstFlowLitresPerMinute { get; set; } = 30;

    /// <summary>The burst threshold as a quantity (the config file gives it in L/min); null when burst detection is off.</summary>
    [JsonIgnore]
    public VolumeFlow? BurstFlow => BurstFlowLitresPerMinute is { } lpm ? VolumeFlow.FromLitersPerMinute(lpm) : null;

    /// <summary>Close the shut-off valve on a burst (needs a valve).</summary>
    public bool CloseValveOnBurst { get; set; }

    /// <summary>Close the shut-off valve on a slow leak (needs a valve).</summary>
    public bool CloseValveOnSlowLeak { get; set; }

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(FlowSensorIds)), FlowSensorIds, sensors, required: true, SensorKind.FlowMeter);
        OptionChecks.Positive(errors, at.Field(nameof(SlowLeakWindow)), SlowLeakWindow);
        if (BurstFlowLitresPerMinute is { } burst && (!(burst > 0) || double.IsInfinity(burst)))
        {
            errors.Add(new(at.Field(nameof(BurstFlowLitresPerMinute)), OptionChecks.Invariant($"must be a positive number or absent (was {burst})")));
        }

        return errors;
    }
}
