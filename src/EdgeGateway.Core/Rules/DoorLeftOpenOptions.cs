using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Door left open longer than a limit, with separate limits by day and at night.</summary>
public sealed record DoorLeftOpenOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "DoorLeftOpen";

    /// <summary>The doors watched.</summary>
    public IReadOnlyList<string> DoorSensorIds { get; set; } = [];

    /// <summary>Limit outside the night window.</summary>
    public TimeSpan DayLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Limit inside the night window.</summary>
    public TimeSpan NightLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(DoorSensorIds)), DoorSensorIds, sensors, required: true, SensorKind.DoorContact);
        OptionChecks.NotNegative(errors, at.Field(nameof(DayLimit)), DayLimit);
        OptionChecks.NotNegative(errors, at.Field(nameof(NightLimit)), NightLimit);
        return errors;
    }
}
