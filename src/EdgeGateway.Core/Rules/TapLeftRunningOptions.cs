using System.Text.Json.Serialization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using UnitsNet;

namespace EdgeGateway.Core.Rules;

/// <summary>Tap left running: flow at or above a minimum, without a break, for longer than a limit.</summary>
public sealed record TapLeftRunningOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "TapLeftRunning";

    /// <summary>The flow meters watched.</summary>
    public IReadOnlyList<string> FlowSensorIds { get; set; } = [];

    /// <summary>How long water may run without a break.</summary>
    public TimeSpan Limit { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Flow below this does not count as a running tap (a drip is the leak rule's business), L/min.</summary>
    public double MinimumFlowLitresPerMinute { get; set; } = 1.0;

    /// <summary>The minimum flow as a quantity (the config file gives it in L/min).</summary>
    [JsonIgnore]
    public VolumeFlow MinimumFlow => VolumeFlow.FromLitersPerMinute(MinimumFlowLitresPerMinute);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(FlowSensorIds)), FlowSensorIds, sensors, required: true, SensorKind.FlowMeter);
        OptionChecks.NotNegative(errors, at.Field(nameof(Limit)), Limit);
        if (!(MinimumFlowLitresPerMinute > 0) || double.IsInfinity(MinimumFlowLitresPerMinute))
        {
            errors.Add(new(at.Field(nameof(MinimumFlowLitresPerMinute)), OptionChecks.Invariant($"must be a positive number (was {MinimumFlowLitresPerMinute})")));
        }

        return errors;
    }
}
