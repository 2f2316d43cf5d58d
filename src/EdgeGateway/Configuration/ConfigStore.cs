using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>
/// The gateway's configuration file, versioned and audited. Transport-neutral: the console and the centre's
/// remote config commands both edit through <see cref="ConfigDraft"/> and <see cref="Apply"/>.
/// </summary>
/// <remarks>
/// Write order of an apply, each step durable before the next (temp file, fsync, rename, fsync directory):
/// 1. the new version file config.json.vN; 2. its entry in config.json.history (who/when/diff);
/// 3. config.json itself. A crash after 2 is rolled forward on the next open (config.json is rewritten from vN);
/// a failure before 3 in-process removes the history entry again, so nothing is half-applied.
/// </remarks>
public sealed class ConfigStore
{
    private readonly string _path;
    private readonly string _historyPath;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ConfigValidator> _validators;
    private readonly IReadOnlyList<ConfigChangeCheck> _trials;
    private readonly IReadOnlyList<ConfigChangeCheck> _risks;
    private readonly ConfigSecrets _secrets;
    private readonly int _keepVersions;
    private readonly Lock _lock = new();
    private readonly List<ConfigVersion> _history;
    private JsonObject _current;

    private ConfigStore(string path, TimeProvider time, IReadOnlyList<ConfigValidator> validators, ConfigSecrets secrets, int keepVersions, List<ConfigVersion> history, JsonObject current, ConfigChecks checks)
    {
        _trials = checks.Trials;
        _risks = checks.Risks;
        _path = path;
        _historyPath = path + ".history";
        _time = time;
        _validators = validators;
        _secrets = secrets;
        _keepVersions = keepVersions;
        _history = history;
        _current = current;
    }

    /// <summary>Raised after a new version has been applied (the host reloads what changed).</summary>
    public event Action<ConfigVersion>? Applied;

    /// <summary>The applied version number.</summary>
    public int Version
    {
        get
        {
            lock (_lock)
            {
                return _history[^1].Version;
            }
        }
    }

    /// <summary>The keys whose values are never shown; every diff this store makes (drafts, history) has them masked.</summary>
    public ConfigSecrets Secrets => _secrets;

    /// <summary>A copy of the applied configuration, secrets included: for the gateway's own use, never for display.</summary>
    public JsonObject Current
    {
        get
        {
            lock (_lock)
            {
                return (JsonObject)_current.DeepClone();
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> (a JSON object), starting the history at version 1 when there is none and
    /// finishing an apply that a crash interrupted. Throws <see cref="InvalidDataException"/> naming the file and problem.
    /// The values of <paramref name="secrets"/> never appear in a diff or the history it keeps.
    /// </summary>
    public static ConfigStore Open(string path, TimeProvider time, IEnumerable<ConfigValidator>? validators = null, int keepVersions = 20, ConfigSecrets? secrets = null, ConfigChecks? checks = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepVersions, 2);
        path = Path.GetFullPath(path);
        var history = ReadHistory(path + ".history");
        JsonObject current;
        if (history.Count == 0)
        {
            current = ReadObject(path);
            var initial = new ConfigVersion { Version = 1, Time = time.GetUtcNow(), Actor = "system", Action = "initial", Changes = [] };
            AtomicFile.Write(VersionPath(path, 1), Serialize(current));
            AtomicFile.Append(path + ".history", JsonSerializer.Serialize(initial, ConfigHistoryJson.Default.ConfigVersion) + "\n");
            history.Add(initial);
        }
        else
        {
            var latest = VersionPath(path, history[^1].Version);
            current = ReadObject(latest);
            var onDisk = File.Exists(path) ? File.ReadAllText(path) : null;
            if (onDisk != Serialize(current))
            {
                // The last apply reached its history entry but not config.json: finish it.
                AtomicFile.Write(path, Serialize(current));
            }
        }

        secrets ??= ConfigSecrets.None;

        // Entries written before a key was listed as secret may hold its value: never hand those out either.
        history = [.. history.Select(v => v with { Changes = [.. v.Changes.Select(c => Masked(c, secrets))] })];
        return new ConfigStore(path, time, (validators ?? []).ToList(), secrets, keepVersions, history, current, checks ?? new ConfigChecks());
    }

    /// <summary>The applied version and its configuration with secrets masked, read together.</summary>
    public (int Version, JsonObject Shown) Snapshot()
    {
        lock (_lock)
        {
            return (_history[^1].Version, (JsonObject)_secrets.Mask(_current)!);
        }
    }

    /// <summary>Starts staging edits on the applied version.</summary>
    public ConfigDraft CreateDraft()
    {
        lock (_lock)
        {
            return new ConfigDraft(_history[^1].Version, (JsonObject)_current.DeepClone(), _secrets);
        }
    }

    /// <summary>All validation problems of <paramref name="candidate"/>; empty when it may be applied.</summary>
    public IReadOnlyList<ConfigIssue> Validate(JsonObject candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var errors = new List<ConfigIssue>();
        foreach (var validator in _validators)
        {
            try
            {
                errors.AddRange(validator(candidate));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                errors.Add(new ConfigIssue(ConfigKey.Of("(validator)"), $"a validator failed: {ex.Message}"));
            }
        }

        return errors;
    }

    /// <summary>
    /// Validates and applies <paramref name="draft"/> as a new version, audited as <paramref name="actor"/> (through <paramref name="via"/>, for <paramref name="reason"/>);
    /// throws <see cref="ConfigRejectedException"/> and changes nothing when it cannot. A change that takes a safety function away is refused
    /// (<see cref="ConfigRejection.Unsafe"/>) unless <paramref name="knowingly"/>; then what it takes away is recorded in its history entry.
    /// </summary>
    public ConfigVersion Apply(ConfigDraft draft, string actor, string? via = null, string? reason = null, bool knowingly = false)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        lock (_lock)
        {
            var latest = _history[^1];
            if (draft.BaseVersion != latest.Version)
            {
                throw new ConfigRejectedException([new ConfigIssue(ConfigKey.Of("(version)"), $"version {latest.Version} was applied by {latest.Author} after these edits began on version {draft.BaseVersion}: discard and edit again")], ConfigRejection.Stale);
            }

            var changes = ConfigDiff.Compare(_current, draft.Candidate, _secrets);
            if (changes.Count == 0)
            {
                throw new ConfigRejectedException([new ConfigIssue(ConfigKey.Of("(draft)"), "nothing staged: expected at least one change")], ConfigRejection.NothingStaged);
            }

            return Commit(draft.Candidate, (actor, via, reason, knowingly), "apply", latest.Version, changes);
        }
    }

    /// <summary>Restores <paramref name="version"/> (default: the one the applied version replaced) as a new version, audited and guarded like <see cref="Apply"/>.</summary>
    public ConfigVersion Rollback(string actor, int? version = null, string? via = null, string? reason = null, bool knowingly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        lock (_lock)
        {
            var latest = _history[^1];
            var target = version ?? latest.Previous
                ?? throw new ConfigRejectedException([new ConfigIssue(ConfigKey.Of("(version)"), $"version {latest.Version} is the first: nothing to roll back to")], ConfigRejection.NothingToRollBack);
            if (target == latest.Version)
            {
                throw new ConfigRejectedException([new ConfigIssue(ConfigKey.Of("(version)"), $"version {target} is already applied")], ConfigRejection.AlreadyApplied);
            }

            var file = VersionPath(_path, target);
            if (!File.Exists(file))
            {
                throw new ConfigRejectedException([new ConfigIssue(ConfigKey.Of("(version)"), $"version {target} is not kept (only the last {_keepVersions} are): expected one of {string.Join(", ", KeptVersions())}")], ConfigRejection.UnknownVersion);
            }

            var restored = ReadObject(file);
            var previous = _history.FirstOrDefault(h => h.Version == target)?.Previous;
            return Commit(restored, (actor, via, reason, knowingly), $"rollback to v{target}", previous, ConfigDiff.Compare(_current, restored, _secrets));
        }
    }

    /// <summary>The most recent <paramref name="count"/> versions, newest first.</summary>
    public IReadOnlyList<ConfigVersion> History(int count)
    {
        lock (_lock)
        {
            return _history.AsEnumerable().Reverse().Take(count).ToList();
        }
    }

    private static ConfigChange Masked(ConfigChange change, ConfigSecrets secrets) =>
        secrets.IsSecret(change.Key)
            ? change with { Before = change.Before is null ? null : ConfigSecrets.Shown, After = change.After is null ? null : ConfigSecrets.Shown }
            : change;

    private IEnumerable<int> KeptVersions() =>
        _history.Select(h => h.Version).Where(v => File.Exists(VersionPath(_path, v)));

    /// <summary>The file of a kept <paramref name="version"/> (secrets included: for the gateway's own use); null when it is not kept.</summary>
    public string? KeptFile(int version)
    {
        var file = VersionPath(_path, version);
        return File.Exists(file) ? file : null;
    }

    /// <summary>Records that the version in force has started (the home armed on it), so a later start that fails can fall back to it.</summary>
    public void MarkStarted()
    {
        var version = Version;
        if (StartedVersions() is not [var newest, ..] || newest != version)
        {
            AtomicFile.Append(_path + ".started", string.Create(CultureInfo.InvariantCulture, $"{version}\n"));
        }
    }

    /// <summary>The versions that have started, newest first (each once); the fallbacks of a start that fails.</summary>
    public IReadOnlyList<int> StartedVersions()
    {
        var file = _path + ".started";
        if (!File.Exists(file))
        {
            return [];
        }

        // A torn last line (a crash mid-append) is not a number and is skipped.
        return [.. File.ReadLines(file)
            .Select(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .Where(v => v > 0)
            .Reverse()
            .Distinct()];
    }

    private ConfigVersion Commit(JsonObject candidate, (string Actor, string? Via, string? Reason, bool Knowingly) audit, string action, int? previous, IReadOnlyList<ConfigChange> changes)
    {
        var errors = Validate(candidate);
        if (errors.Count > 0)
        {
            throw new ConfigRejectedException(errors);
        }

        // Only a valid candidate is tried (a new data directory is created and written): nothing is tried for a typo.
        errors = [.. Check(_trials, candidate)];
        if (errors.Count > 0)
        {
            throw new ConfigRejectedException(errors);
        }

        var risks = Check(_risks, candidate);
        if (risks.Count > 0 && !audit.Knowingly)
        {
            throw new ConfigRejectedException(
                [.. risks.Select(r => r with { Problem = $"{r.Problem}; refused: say it knowingly to apply it anyway (console: config apply knowingly; centre: \"knowingly\": true)" })],
                ConfigRejection.Unsafe);
        }

        var entry = new ConfigVersion
        {
            Version = _history[^1].Version + 1,
            Previous = previous,
            Time = _time.GetUtcNow(),
            Actor = audit.Actor,
            Via = audit.Via,
            Reason = audit.Reason,
            Knowingly = risks.Count > 0 ? [.. risks.Select(r => r.ToString())] : null,
            Action = action,
            Changes = changes,
        };
        var text = Serialize(candidate);
        var versionFile = VersionPath(_path, entry.Version);
        var historyLength = new FileInfo(_historyPath).Length;
        try
        {
            AtomicFile.Write(versionFile, text);
            AtomicFile.Append(_historyPath, JsonSerializer.Serialize(entry, ConfigHistoryJson.Default.ConfigVersion) + "\n");
            AtomicFile.Write(_path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AtomicFile.TryTruncate(_historyPath, historyLength);
            AtomicFile.TryDelete(versionFile);
            throw new ConfigRejectedException([new ConfigIssue(ConfigKey.Of("(file)"), $"could not write {_path}: {ex.Message}; the configuration is unchanged")], ConfigRejection.Storage);
        }

        _history.Add(entry);
        _current = (JsonObject)candidate.DeepClone();
        Prune();
        Applied?.Invoke(entry);
        return entry;
    }

    private List<ConfigIssue> Check(IReadOnlyList<ConfigChangeCheck> checks, JsonObject candidate)
    {
        var issues = new List<ConfigIssue>();
        foreach (var check in checks)
        {
            try
            {
                issues.AddRange(check(_current, candidate));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                issues.Add(new ConfigIssue(ConfigKey.Of("(check)"), $"a check failed: {ex.Message}"));
            }
        }

        return issues;
    }

    private void Prune()
    {
        foreach (var old in _history.Take(Math.Max(0, _history.Count - _keepVersions)))
        {
            AtomicFile.TryDelete(VersionPath(_path, old.Version));
        }
    }

    private static string VersionPath(string path, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}.v{version}");

    private static string Serialize(JsonObject config) =>
        config.ToJsonString(ConfigJsonContext.Default.Options) + "\n";

    private static JsonObject ReadObject(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"config {path}: cannot read: {ex.Message}", ex);
        }

        try
        {
            // Hand-written files may carry comments (the shipped example does); an apply rewrites them without.
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new InvalidDataException($"config {path}: expected a JSON object at the top level");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"config {path}: invalid JSON at line {ex.LineNumber + 1}: {ex.Message}", ex);
        }
    }

    private static List<ConfigVersion> ReadHistory(string path)
    {
        var history = new List<ConfigVersion>();
        if (!File.Exists(path))
        {
            return history;
        }

        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                history.Add(JsonSerializer.Deserialize(line, ConfigHistoryJson.Default.ConfigVersion)
                    ?? throw new InvalidDataException($"config history {path} line {lineNumber}: empty entry"));
            }
            catch (JsonException) when (File.ReadLines(path).Skip(lineNumber).All(l => l.Length == 0))
            {
                // A torn last line from a crash mid-append: that apply never reached config.json; ignore it.
            }
        }

        return history;
    }
}
