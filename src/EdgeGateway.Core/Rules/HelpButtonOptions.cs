using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Rules;

/// <summary>Help button / pull cord.</summary>
public sealed record HelpButtonOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "HelpButton";

    /// <summary>A press that cancels a local warning still calls help when held this long.</summary>
    public TimeSpan LongPress { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.Positive(errors, at.Field(nameof(LongPress)), LongPress);
        return errors;
    }
}
