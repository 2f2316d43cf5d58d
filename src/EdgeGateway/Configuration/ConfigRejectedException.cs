using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>Thrown when a configuration cannot be applied; nothing was changed. <see cref="Reason"/> says why, the issues what.</summary>
public sealed class ConfigRejectedException : ConfigurationException
{
    /// <summary>Refuses a change for <paramref name="issues"/>.</summary>
    public ConfigRejectedException(IReadOnlyList<ConfigIssue> issues, ConfigRejection reason = ConfigRejection.Invalid)
        : base("configuration not applied", issues)
    {
        Reason = reason;
    }

    /// <summary>Refuses a change for one problem of the whole configuration.</summary>
    public ConfigRejectedException(string message)
        : this([new ConfigIssue(ConfigKey.Root, message)])
    {
    }

    /// <summary>Refuses a change for one problem, caused by <paramref name="inner"/>.</summary>
    public ConfigRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Refuses a change without naming a problem (for serializers; prefer the list).</summary>
    public ConfigRejectedException()
        : this([])
    {
    }

    /// <summary>What kind of refusal it is.</summary>
    public ConfigRejection Reason { get; }
}
