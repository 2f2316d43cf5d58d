using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Bed left at night and not back within a time limit.</summary>
public sealed record BedLeftAtNightOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "BedLeftAtNight";

    /// <summary>The bed mat.</summary>
    public string BedSensorId { get; set; } = "";

    /// <summary>How long the bed may stay empty after being left in the night window.</summary>
    public TimeSpan ReturnWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRef(errors, at.Field(nameof(BedSensorId)), BedSensorId, sensors, SensorKind.BedMat);
        OptionChecks.NotNegative(errors, at.Field(nameof(ReturnWithin)), ReturnWithin);
        return errors;
    }
}
