namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host (over the versioned config store): staged editing of the gateway configuration.</summary>
public interface IConfigEditor
{
    /// <summary>The applied configuration, pretty-printed.</summary>
    ConfigResult Show();

    /// <summary>One value of the staged (or applied, when nothing is staged) configuration.</summary>
    ConfigResult Get(string key);

    /// <summary>Stages one change; nothing is applied yet. Every result line of this editor may be shown and audited: secret values are masked.</summary>
    ConfigResult Set(string key, string value, string actor);

    /// <summary>The staged changes against the applied configuration.</summary>
    ConfigResult Diff();

    /// <summary>Validates and applies the staged changes atomically as a new version; one that takes a safety function away only <paramref name="knowingly"/>.</summary>
    ConfigResult Apply(string actor, bool knowingly = false);

    /// <summary>Drops the staged changes.</summary>
    ConfigResult Discard(string actor);

    /// <summary>Restores the previous version (or <paramref name="version"/>) as a new version; one that takes a safety function away only <paramref name="knowingly"/>.</summary>
    ConfigResult Rollback(string actor, int? version, bool knowingly = false);

    /// <summary>The most recent <paramref name="count"/> versions: who, when, what.</summary>
    ConfigResult History(int count);

    /// <summary>True when there are staged changes that are not applied.</summary>
    bool HasStagedChanges { get; }
}
