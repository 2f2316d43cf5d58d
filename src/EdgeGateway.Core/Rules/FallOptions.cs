using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Rules;

/// <summary>Fall: a detection starts a local pre-alarm the resident can cancel with the button; otherwise it becomes an alarm.</summary>
public sealed record FallOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "Fall";

    /// <summary>How long the resident has to cancel the pre-alarm.</summary>
    public TimeSpan CancelWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Detections below this confidence (0–1) are ignored.</summary>
    public double MinimumConfidence { get; set; }

    /// <summary>After a fall alarm, a wearer still down this long after the detection raises a long lie; zero switches the check off.</summary>
    public TimeSpan LongLieAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.NotNegative(errors, at.Field(nameof(CancelWindow)), CancelWindow);
        OptionChecks.NotNegative(errors, at.Field(nameof(LongLieAfter)), LongLieAfter);
        if (LongLieAfter > TimeSpan.Zero && LongLieAfter <= CancelWindow)
        {
            errors.Add(new(at.Field(nameof(LongLieAfter)), OptionChecks.Invariant($"must be longer than cancel_window ({CancelWindow}) or zero for off (was {LongLieAfter})")));
        }
        if (!(MinimumConfidence is >= 0 and <= 1))
        {
            errors.Add(new(at.Field(nameof(MinimumConfidence)), OptionChecks.Invariant($"must be between 0 and 1 (was {MinimumConfidence})")));
        }

        return errors;
    }
}
