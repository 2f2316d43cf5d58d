using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>Checks a whole candidate configuration before it is applied (the host registers devices, rules, uplink validators).</summary>
public delegate IEnumerable<ConfigIssue> ConfigValidator(JsonObject candidate);

/// <summary>Checks a change from the <paramref name="applied"/> configuration to <paramref name="candidate"/>: what only the pair shows (a help input taken away, a new data directory to try).</summary>
public delegate IEnumerable<ConfigIssue> ConfigChangeCheck(JsonObject applied, JsonObject candidate);

/// <summary>One line of a configuration diff.</summary>
/// <param name="Key">The dotted key.</param>
/// <param name="Before">The JSON value before; null when added.</param>
/// <param name="After">The JSON value after; null when removed.</param>
public sealed record ConfigChange(string Key, string? Before, string? After)
{
    /// <inheritdoc />
    public override string ToString() => (Before, After) switch
    {
        (null, _) => $"+ {Key} = {After}",
        (_, null) => $"- {Key} (was {Before})",
        _ => $"~ {Key}: {Before} -> {After}",
    };
}

/// <summary>One applied version: who, when, what.</summary>
public sealed record ConfigVersion
{
    /// <summary>The version number, from 1.</summary>
    public required int Version { get; init; }

    /// <summary>The version whose content this one replaced; rollback returns to it.</summary>
    public int? Previous { get; init; }

    /// <summary>When it was applied.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Who applied it, e.g. "technician@/dev/ttyS0" or "centre".</summary>
    public required string Actor { get; init; }

    /// <summary>initial, apply or rollback.</summary>
    public required string Action { get; init; }

    /// <summary>The channel it came through, e.g. "centre command 7f3c…"; null when <see cref="Actor"/> says it (the console's line).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Via { get; init; }

    /// <summary>The operator's reason, if given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary>The safety losses the author accepted knowingly (the last help input, a safety rule, a fire input); null when the change took none away.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Knowingly { get; init; }

    /// <summary>Who, through what and why, as one line for a person: "nurse-1 via centre command 7f3c (new PIN)".</summary>
    [JsonIgnore]
    public string Author =>
        Actor + (Via is { Length: > 0 } via ? $" via {via}" : "") + (Reason is { Length: > 0 } reason ? $" ({reason})" : "");

    /// <summary>The changes against <see cref="Previous"/>.</summary>
    public required IReadOnlyList<ConfigChange> Changes { get; init; }
}

/// <summary>Why the store refused a change, so callers tell refusals apart without reading their text.</summary>
public enum ConfigRejection
{
    /// <summary>The resulting configuration failed validation.</summary>
    Invalid,

    /// <summary>Another version was applied after the edits began.</summary>
    Stale,

    /// <summary>The draft holds no change.</summary>
    NothingStaged,

    /// <summary>There is no earlier version to roll back to.</summary>
    NothingToRollBack,

    /// <summary>The version to roll back to is the one in force.</summary>
    AlreadyApplied,

    /// <summary>The version to roll back to is not kept (or never existed).</summary>
    UnknownVersion,

    /// <summary>The files could not be written.</summary>
    Storage,

    /// <summary>The change takes away a safety function (the last help input, a safety rule, a fire input) and was not made knowingly.</summary>
    Unsafe,
}

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

/// <summary>Staged edits on a copy of one configuration version; apply with <see cref="ConfigStore.Apply"/>.</summary>
public sealed class ConfigDraft
{
    internal ConfigDraft(int baseVersion, JsonObject applied, ConfigSecrets secrets)
    {
        BaseVersion = baseVersion;
        Applied = applied;
        Secrets = secrets;
        Candidate = (JsonObject)applied.DeepClone();
    }

    /// <summary>The version the edits were made on; apply refuses when another version was applied since.</summary>
    public int BaseVersion { get; }

    internal JsonObject Applied { get; }

    internal JsonObject Candidate { get; }

    internal ConfigSecrets Secrets { get; }

    /// <summary>The staged changes, secret values masked.</summary>
    public IReadOnlyList<ConfigChange> Changes => ConfigDiff.Compare(Applied, Candidate, Secrets);

    /// <summary>The staged value at <paramref name="key"/> as JSON, secrets masked; throws <see cref="KeyNotFoundException"/> naming the key.</summary>
    public string Get(string key) => Secrets.Show(ConfigPath.Get(Candidate, key), key);

    /// <summary>Stages <paramref name="key"/> = <paramref name="value"/>; the value is JSON or else plain text.</summary>
    public void Set(string key, string value) => ConfigPath.Set(Candidate, key, value);
}

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

/// <summary>The checks of a change beyond validation: <see cref="Trials"/> must pass; <see cref="Risks"/> pass only when the change is made knowingly.</summary>
public sealed record ConfigChecks
{
    /// <summary>Tries what the candidate needs of the machine (its data directory) before it is accepted.</summary>
    public IReadOnlyList<ConfigChangeCheck> Trials { get; init; } = [];

    /// <summary>Names each safety function the change takes away; such a change needs the author's "knowingly".</summary>
    public IReadOnlyList<ConfigChangeCheck> Risks { get; init; } = [];
}

/// <summary>Dotted keys into a JSON object: "uplink.primary.host", "sensors.0.pin".</summary>
public static class ConfigPath
{
    /// <summary>The node at <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> naming the key.</summary>
    public static JsonNode Get(JsonObject root, string key)
    {
        ArgumentNullException.ThrowIfNull(root);
        JsonNode? node = root;
        foreach (var segment in Split(key))
        {
            node = Child(node, segment) ?? throw new KeyNotFoundException($"{key}: no such key (config show lists them)");
        }

        return node!;
    }

    /// <summary>Sets <paramref name="key"/>; the parent must exist. The value is JSON, else text; an existing text value stays text.</summary>
    public static void Set(JsonObject root, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(value);
        var segments = Split(key);
        JsonNode? parent = root;
        foreach (var segment in segments[..^1])
        {
            parent = Child(parent, segment) ?? throw new KeyNotFoundException($"{key}: '{segment}' does not exist: expected an existing section (config show lists them)");
        }

        var last = segments[^1];
        var existing = Child(parent, last);
        var node = ParseValue(value, existing);
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = node;
                break;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= array.Count:
                if (index == array.Count)
                {
                    array.Add(node);
                }
                else
                {
                    array[index] = node;
                }

                break;
            default:
                throw new KeyNotFoundException($"{key}: '{last}' cannot be set there: expected an object member or an array index up to its length");
        }
    }

    private static JsonNode? ParseValue(string value, JsonNode? existing)
    {
        if (existing is JsonValue v && v.GetValueKind() == JsonValueKind.String && !value.StartsWith('"'))
        {
            return JsonValue.Create(value);
        }

        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    private static string[] Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split('.');
        if (key.Length == 0 || segments.Any(s => s.Length == 0))
        {
            throw new KeyNotFoundException($"'{key}': expected a dotted key such as uplink.primary.host");
        }

        return segments;
    }

    private static JsonNode? Child(JsonNode? node, string segment) => node switch
    {
        JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
        JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
        _ => null,
    };
}

/// <summary>Flattens two configurations to dotted keys and lists what differs.</summary>
public static class ConfigDiff
{
    /// <summary>Changes from <paramref name="before"/> to <paramref name="after"/>, sorted by key; a changed secret is listed with its values masked.</summary>
    public static IReadOnlyList<ConfigChange> Compare(JsonObject before, JsonObject after, ConfigSecrets? secrets = null)
    {
        secrets ??= ConfigSecrets.None;
        var a = Flatten(before);
        var b = Flatten(after);
        var changes = new List<ConfigChange>();
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            a.TryGetValue(key, out var x);
            b.TryGetValue(key, out var y);
            if (x != y)
            {
                // The audit still says that a secret changed, and who changed it; never from what or to what.
                changes.Add(secrets.IsSecret(key)
                    ? new ConfigChange(key, x is null ? null : ConfigSecrets.Shown, y is null ? null : ConfigSecrets.Shown)
                    : new ConfigChange(key, x, y));
            }
        }

        return changes;
    }

    /// <summary>
    /// Dotted keys to JSON values, as the file spells them (devices.contacts.0.pin): the one flattening of a config, used
    /// by the diff and by the centre's <c>config.get</c>. An empty object or array is a value ("[]"), so emptying a list shows.
    /// </summary>
    public static Dictionary<string, string> Flatten(JsonObject root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(root, string.Empty, result);
        return result;
    }

    private static void Walk(JsonNode? node, string prefix, Dictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, child) in obj)
                {
                    Walk(child, prefix.Length == 0 ? name : $"{prefix}.{name}", into);
                }

                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], string.Create(CultureInfo.InvariantCulture, $"{prefix}.{i}"), into);
                }

                break;
            default:
                into[prefix] = node?.ToJsonString() ?? "null";
                break;
        }
    }
}

/// <summary>Durable file writes: temp file, fsync, rename, fsync of the directory.</summary>
internal static class AtomicFile
{
    public static void Write(string path, string text)
    {
        var tmp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }

        SyncDirectory(path);
    }

    public static void Append(string path, string text)
    {
        var existed = File.Exists(path);
        using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        if (!existed)
        {
            SyncDirectory(path);
        }
    }

    public static void TryTruncate(string path, long length)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(length);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a torn history line is ignored on open.
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An orphan temp or version file does no harm; the next write replaces it.
        }
    }

    private static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        var fd = NativeMethods.open(Encoding.UTF8.GetBytes(dir + "\0"), NativeMethods.ORdOnly | NativeMethods.ODirectory);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {dir} to sync it (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (NativeMethods.fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {dir} failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }
}

/// <summary>The source-generated JSON contract of the store, so it trims.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigVersion))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;

/// <summary>The history file is JSON lines: one compact entry per line, so it is appended and read line by line.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigVersion))]
internal sealed partial class ConfigHistoryJson : JsonSerializerContext;
