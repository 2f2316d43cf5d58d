using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Uplink.Commands;

namespace EdgeGateway.Adapters;

/// <summary>
/// The centre's config commands over the gateway's one <see cref="ConfigStore"/>: the same drafts, validation, versions and
/// history as the console, with every secret value shown as <see cref="ConfigSecrets.Shown"/>.
/// </summary>
/// <remarks>A null value is refused: the store has no per-key defaults to restore, and a key removed by accident could silence a rule.</remarks>
public sealed class RemoteConfigCommands(ConfigStore store) : IRemoteConfiguration
{
    /// <inheritdoc />
    public ConfigSnapshot Current()
    {
        // Version and values from one read: another apply may land between two property reads.
        var (version, shown) = store.Snapshot();
        return new ConfigSnapshot(version, ConfigDiff.Flatten(shown));
    }

    /// <inheritdoc />
    public ConfigChangeResult Apply(IReadOnlyDictionary<string, string?> changes, long? ifVersion, ConfigAudit audit)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(audit);
        var draft = store.CreateDraft();
        var current = draft.BaseVersion;
        if (ifVersion is { } expected && expected != current)
        {
            return ConfigChangeResult.Conflict(current, expected);
        }

        var problems = new List<ConfigIssue>();
        foreach (var (key, value) in changes)
        {
            try
            {
                if (value is null)
                {
                    problems.Add(new ConfigIssue(ConfigKey.Parse(key), "removing a key is not supported; set it to the value you want instead"));
                    continue;
                }

                draft.Set(key, value);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or FormatException or ArgumentException or InvalidOperationException)
            {
                problems.Add(new ConfigIssue(ConfigKey.Parse(key), ex.Message));
            }
        }

        if (problems.Count > 0)
        {
            return ConfigChangeResult.Rejected(current, problems);
        }

        try
        {
            var applied = store.Apply(draft, audit.By, audit.Via, audit.Reason, audit.Knowingly);
            return ConfigChangeResult.Ok(applied.Version, applied.Previous ?? current);
        }
        catch (ConfigRejectedException ex) when (ex.Reason == ConfigRejection.Stale)
        {
            // Another apply landed between the draft and its commit: the centre's ifversion is as stale as it can be.
            return ConfigChangeResult.Conflict(store.Version, ifVersion ?? current);
        }
        catch (ConfigRejectedException ex)
        {
            return ConfigChangeResult.Rejected(current, ex.Issues);
        }
    }

    /// <inheritdoc />
    public ConfigChangeResult Rollback(long version, ConfigAudit audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var current = store.Version;
        if (version is < 1 or > int.MaxValue)
        {
            return ConfigChangeResult.UnknownVersion(current, version);
        }

        try
        {
            var applied = store.Rollback(audit.By, (int)version, audit.Via, audit.Reason, audit.Knowingly);
            return ConfigChangeResult.Ok(applied.Version, applied.Previous ?? current);
        }
        catch (ConfigRejectedException ex) when (ex.Reason == ConfigRejection.UnknownVersion)
        {
            return ConfigChangeResult.UnknownVersion(current, version);
        }
        catch (ConfigRejectedException ex)
        {
            return ConfigChangeResult.Rejected(current, ex.Issues);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<ConfigHistoryEntry> History(int limit) =>
        [.. store.History(limit).Select(v => new ConfigHistoryEntry(
            v.Version,
            new ConfigAudit(v.Actor, v.Time, v.Via ?? v.Action, v.Reason) { Knowingly = v.Knowingly is not null },
            v.Changes.ToDictionary(c => c.Key, c => new ConfigValueChange(c.Before, c.After)))
        {
            Knowingly = v.Knowingly ?? [],
        })];
}
