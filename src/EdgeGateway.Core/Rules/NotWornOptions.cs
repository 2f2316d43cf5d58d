using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Rules;

/// <summary>Wearable not worn: a worn accelerometer found lifeless (see <c>WearerMonitor</c>) for <see cref="After"/>, checked in the day window only.</summary>
public sealed record NotWornOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "NotWorn";

    /// <summary>How long the wearable must stay lifeless (counted from the lifeless report) before it is reported as not worn.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Outside the day window the check is repeated this often, so a wearable left off overnight is reported when the day starts.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.Positive(errors, at.Field(nameof(After)), After);
        OptionChecks.Positive(errors, at.Field(nameof(CheckInterval)), CheckInterval);
        return errors;
    }
}
