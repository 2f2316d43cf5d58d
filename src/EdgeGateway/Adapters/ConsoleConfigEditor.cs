using System.Globalization;
using EdgeGateway.Configuration;
using EdgeGateway.TechnicianConsole.Services;

namespace EdgeGateway.Adapters;

/// <summary>
/// The technician console's <see cref="IConfigEditor"/> over the versioned <see cref="ConfigStore"/>; one draft at a time.
/// <paramref name="applyNotice"/>, when given, follows every apply and rollback: when the new version is in force.
/// </summary>
public sealed class ConsoleConfigEditor(ConfigStore store, string? applyNotice = null) : IConfigEditor
{
    private readonly Lock _lock = new();
    private ConfigDraft? _draft;

    /// <inheritdoc />
    public bool HasStagedChanges
    {
        get
        {
            lock (_lock)
            {
                return _draft is { Changes.Count: > 0 };
            }
        }
    }

    /// <inheritdoc />
    public ConfigResult Show()
    {
        var (version, shown) = store.Snapshot();
        return ConfigResult.Success([string.Create(CultureInfo.InvariantCulture, $"# version {version}"), .. shown.ToJsonString(ConfigJsonContext.Default.Options).Split('\n')]);
    }

    /// <inheritdoc />
    public ConfigResult Get(string key)
    {
        lock (_lock)
        {
            try
            {
                var value = _draft is not null ? _draft.Get(key) : store.Secrets.Show(ConfigPath.Get(store.Current, key), key);
                return ConfigResult.Success($"{key} = {value}");
            }
            catch (KeyNotFoundException ex)
            {
                return ConfigResult.Failure(ex.Message);
            }
        }
    }

    /// <inheritdoc />
    public ConfigResult Set(string key, string value, string actor)
    {
        lock (_lock)
        {
            _draft ??= store.CreateDraft();
            try
            {
                _draft.Set(key, value);
                return ConfigResult.Success($"staged {key} = {_draft.Get(key)} (config diff to review, config apply to apply)");
            }
            catch (KeyNotFoundException ex)
            {
                return ConfigResult.Failure(ex.Message);
            }
        }
    }

    /// <inheritdoc />
    public ConfigResult Diff()
    {
        lock (_lock)
        {
            var changes = _draft?.Changes ?? [];
            return changes.Count == 0
                ? ConfigResult.Success("nothing staged")
                : ConfigResult.Success([.. changes.Select(c => c.ToString())]);
        }
    }

    /// <inheritdoc />
    public ConfigResult Apply(string actor, bool knowingly = false)
    {
        lock (_lock)
        {
            if (_draft is null)
            {
                return ConfigResult.Failure("nothing staged: expected config set KEY VALUE first");
            }

            try
            {
                var version = store.Apply(_draft, actor, knowingly: knowingly);
                _draft = null;
                return ConfigResult.Success([.. Accepted(version), WithNotice(string.Create(CultureInfo.InvariantCulture, $"applied as version {version.Version} ({version.Changes.Count} change(s))"))]);
            }
            catch (ConfigRejectedException ex)
            {
                return ConfigResult.Failure([.. ex.Issues.Select(e => $"not applied: {e}")]);
            }
        }
    }

    /// <inheritdoc />
    public ConfigResult Discard(string actor)
    {
        lock (_lock)
        {
            var count = _draft?.Changes.Count ?? 0;
            _draft = null;
            return ConfigResult.Success(string.Create(CultureInfo.InvariantCulture, $"discarded {count} staged change(s)"));
        }
    }

    /// <inheritdoc />
    public ConfigResult Rollback(string actor, int? version, bool knowingly = false)
    {
        lock (_lock)
        {
            if (_draft is { Changes.Count: > 0 })
            {
                return ConfigResult.Failure("staged changes pending: expected config apply or config discard before a rollback");
            }

            try
            {
                var applied = store.Rollback(actor, version, knowingly: knowingly);
                _draft = null;
                return ConfigResult.Success([.. Accepted(applied), WithNotice(string.Create(CultureInfo.InvariantCulture, $"{applied.Action}: now version {applied.Version}"))]);
            }
            catch (ConfigRejectedException ex)
            {
                return ConfigResult.Failure([.. ex.Issues.Select(e => $"not rolled back: {e}")]);
            }
        }
    }

    // Said again on the screen and so in the audit log: what the technician took away knowingly.
    private static IEnumerable<string> Accepted(ConfigVersion version) =>
        (version.Knowingly ?? []).Select(k => $"knowingly: {k}");

    private string WithNotice(string line) => applyNotice is null ? line : $"{line}; {applyNotice}";

    /// <inheritdoc />
    public ConfigResult History(int count)
    {
        var lines = new List<string>();
        foreach (var v in store.History(count))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"v{v.Version}  {v.Time:yyyy-MM-dd HH:mm:ss}Z  {v.Author}  {v.Action}"));
            lines.AddRange((v.Knowingly ?? []).Select(k => $"    knowingly: {k}"));
            lines.AddRange(v.Changes.Select(c => $"    {c}"));
        }

        return ConfigResult.Success([.. lines]);
    }
}
