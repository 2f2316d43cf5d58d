namespace EdgeGateway.Core.Configuration;

/// <summary>A configuration cannot be used; <see cref="Issues"/> lists every problem, each with its key (and line and column when from a file).</summary>
public class ConfigurationException : Exception
{
    /// <summary>Refuses a configuration for <paramref name="issues"/>; <paramref name="origin"/> (a file path, "config") starts each line when given.</summary>
    public ConfigurationException(IReadOnlyList<ConfigIssue> issues, string? origin = null)
        : this("invalid configuration", issues, origin)
    {
    }

    /// <summary>For a refusal of another kind (e.g. a stale edit): <paramref name="headline"/> opens the message.</summary>
    protected ConfigurationException(string headline, IReadOnlyList<ConfigIssue> issues, string? origin = null)
        : base(Render(headline, issues, origin))
    {
        Issues = issues;
        Origin = origin;
    }

    /// <summary>Refuses a configuration for one problem of the whole of it.</summary>
    public ConfigurationException(string message)
        : this([new ConfigIssue(ConfigKey.Root, message)])
    {
    }

    /// <summary>Refuses a configuration for one problem of the whole of it, caused by <paramref name="inner"/>.</summary>
    public ConfigurationException(string message, Exception inner)
        : base(Render("invalid configuration", [new ConfigIssue(ConfigKey.Root, message)], null), inner)
    {
        Issues = [new ConfigIssue(ConfigKey.Root, message)];
    }

    /// <summary>Refuses a configuration without naming a problem (for serializers; prefer the list).</summary>
    public ConfigurationException()
        : this([])
    {
    }

    /// <summary>Every problem found, in the order found (a file's in file order).</summary>
    public IReadOnlyList<ConfigIssue> Issues { get; }

    /// <summary>Where the configuration came from (a file path), or null.</summary>
    public string? Origin { get; }

    /// <summary>Each problem as the line the technician reads: origin, line and column, key, what.</summary>
    public IReadOnlyList<string> Errors => [.. Issues.Select(i => Line(i, Origin))];

    /// <summary>Throws when <paramref name="issues"/> is not empty, so nothing is half-applied.</summary>
    /// <exception cref="ConfigurationException">There is at least one issue.</exception>
    public static void ThrowIfAny(IReadOnlyList<ConfigIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (issues.Count > 0)
        {
            throw new ConfigurationException(issues);
        }
    }

    private static string Line(ConfigIssue issue, string? origin) => origin is null ? issue.ToString() : $"{origin}: {issue}";

    private static string Render(string headline, IReadOnlyList<ConfigIssue> issues, string? origin)
    {
        ArgumentNullException.ThrowIfNull(issues);
        return headline + ":\n  " + string.Join("\n  ", issues.Select(i => Line(i, origin)));
    }
}
