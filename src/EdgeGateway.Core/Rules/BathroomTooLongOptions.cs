using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Bathroom too long: the resident went into the bathroom and has not come out within the limit (a shorter one at night).</summary>
public sealed record BathroomTooLongOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "BathroomTooLong";

    /// <summary>The bathroom's PIR motion sensors and door contact; activity on any of them means the resident is in the bathroom.</summary>
    public IReadOnlyList<string> BathroomSensorIds { get; set; } = [];

    /// <summary>Limit outside the night window.</summary>
    public TimeSpan DayLimit { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Limit inside the night window.</summary>
    public TimeSpan NightLimit { get; set; } = TimeSpan.FromMinutes(45);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(BathroomSensorIds)), BathroomSensorIds, sensors, required: true, SensorKind.Motion, SensorKind.DoorContact);
        OptionChecks.Positive(errors, at.Field(nameof(DayLimit)), DayLimit);
        OptionChecks.Positive(errors, at.Field(nameof(NightLimit)), NightLimit);
        return errors;
    }
}
