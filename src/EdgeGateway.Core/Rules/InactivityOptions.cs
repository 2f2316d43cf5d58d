using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Rules;

/// <summary>Inactivity: no activity for a time counted only inside the day window → local warning, then alarm.</summary>
public sealed record InactivityOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "Inactivity";

    /// <summary>Sensors whose readings count as activity; empty: every sensor except help buttons.</summary>
    public IReadOnlyList<string> ActivitySensorIds { get; set; } = [];

    /// <summary>Day-window time without activity before the local warning.</summary>
    public TimeSpan Limit { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long the local warning sounds before the alarm goes to the centre.</summary>
    public TimeSpan WarningDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the quiet time is counted; alarms at window edges may be this late.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(ActivitySensorIds)), ActivitySensorIds, sensors, required: false);
        OptionChecks.Positive(errors, at.Field(nameof(Limit)), Limit);
        OptionChecks.NotNegative(errors, at.Field(nameof(WarningDuration)), WarningDuration);
        OptionChecks.Positive(errors, at.Field(nameof(CheckInterval)), CheckInterval);
        return errors;
    }
}
