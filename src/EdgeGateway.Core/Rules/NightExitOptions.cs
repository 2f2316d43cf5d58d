using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Night exit / wandering: the outer door opens in the night window and the resident is not back inside within a grace period.</summary>
public sealed record NightExitOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "NightExit";

    /// <summary>The outer door's contact.</summary>
    public string DoorSensorId { get; set; } = "";

    /// <summary>How long the door may stay open at night before it counts as an exit (looking out is not wandering).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Indoor sensors (bed mat, chair mat, inner doors) that prove the resident is back inside after the door closed; empty: closing the door counts as back inside.</summary>
    public IReadOnlyList<string> IndoorSensorIds { get; set; } = [];

    /// <summary>With indoor sensors: how long after the door closes one of them must report before the resident counts as gone.</summary>
    public TimeSpan ReturnConfirmWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRef(errors, at.Field(nameof(DoorSensorId)), DoorSensorId, sensors, SensorKind.DoorContact);
        OptionChecks.NotNegative(errors, at.Field(nameof(GracePeriod)), GracePeriod);
        OptionChecks.SensorRefs(errors, at.Field(nameof(IndoorSensorIds)), IndoorSensorIds, sensors, required: false);
        if (IndoorSensorIds?.Contains(DoorSensorId, StringComparer.Ordinal) == true)
        {
            errors.Add(new(at.Field(nameof(IndoorSensorIds)), $"must not contain the outer door '{DoorSensorId}'"));
        }

        OptionChecks.Positive(errors, at.Field(nameof(ReturnConfirmWindow)), ReturnConfirmWindow);
        return errors;
    }
}
