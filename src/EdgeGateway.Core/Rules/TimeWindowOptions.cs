using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Core.Rules;

/// <summary>A daily window of local time as configured, e.g. Start 23:00, End 06:00.</summary>
public sealed record TimeWindowOptions
{
    /// <summary>Local start time (inclusive).</summary>
    public TimeOnly Start { get; set; }

    /// <summary>Local end time (exclusive); may be earlier than <see cref="Start"/> to cross midnight.</summary>
    public TimeOnly End { get; set; }

    /// <summary>Problems with this window, each naming its key under <paramref name="section"/>.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey section)
    {
        ArgumentNullException.ThrowIfNull(section);
        List<ConfigIssue> errors = [];
        if (Start == End)
        {
            errors.Add(new(section.Field(nameof(End)), $"the window {Start:HH\\:mm}–{End:HH\\:mm} has zero length (Start and End must differ)"));
        }

        return errors;
    }

    /// <summary>The window in <paramref name="zone"/>.</summary>
    public NightWindow ToWindow(TimeZoneInfo zone) => new(Start, End, zone);
}
