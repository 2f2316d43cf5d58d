using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Rules;

/// <summary>The daily end-to-end test: one silent test alarm a day at a local time of day.</summary>
public sealed record DailyTestOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "DailyTest";

    /// <summary>Local time of day (the home's time zone) at which the test alarm is sent, e.g. 10:00.</summary>
    public TimeOnly Time { get; set; } = new(10, 0);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        if (Time.Second != 0 || Time.Millisecond != 0)
        {
            errors.Add(new(at.Field(nameof(Time)), $"expected a whole minute such as 10:00, found {Time:HH\\:mm\\:ss.fff}"));
        }

        return errors;
    }
}
