using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Who changed the configuration, when, through what and why: written to the audit trail with each version.</summary>
/// <param name="By">The operator (the command's <c>by</c>).</param>
/// <param name="At">When (gateway wall clock).</param>
/// <param name="Via">The channel, e.g. <c>centre command 7f3c…</c>.</param>
/// <param name="Reason">The operator's reason, if given.</param>
public sealed record ConfigAudit(string By, DateTimeOffset At, string Via, string? Reason)
{
    /// <summary>The operator said the change knowingly (<c>args.knowingly</c>): it may take a safety function away (the last help input, a safety rule, a fire input).</summary>
    public bool Knowingly { get; init; }
}

/// <summary>The outcome of a change or a rollback: applied as a new version, or nothing applied.</summary>
/// <param name="Applied">True when the new version is in force.</param>
/// <param name="Version">The new version when applied; the version still in force otherwise.</param>
/// <param name="Previous">The version in force before.</param>
/// <param name="ErrorCode"><see cref="CommandErrorCodes.Rejected"/>, <see cref="CommandErrorCodes.Conflict"/> or <see cref="CommandErrorCodes.NotFound"/> when not applied.</param>
/// <param name="Problems">Every problem found, each naming its key (validation reports all keys, not only the first).</param>
public sealed record ConfigChangeResult(bool Applied, long Version, long Previous, string? ErrorCode, IReadOnlyList<ConfigIssue> Problems)
{
    /// <summary>Applied as <paramref name="version"/>.</summary>
    public static ConfigChangeResult Ok(long version, long previous) => new(true, version, previous, null, []);

    /// <summary>Not applied: validation failed.</summary>
    public static ConfigChangeResult Rejected(long current, IReadOnlyList<ConfigIssue> problems) =>
        new(false, current, current, CommandErrorCodes.Rejected, problems);

    /// <summary>Not applied: the caller expected another version.</summary>
    public static ConfigChangeResult Conflict(long current, long expected) =>
        new(false, current, current, CommandErrorCodes.Conflict, [new ConfigIssue(IfVersionKey, $"expected version {expected}, but {current} is in force")]);

    /// <summary>Not applied: the version to roll back to does not exist.</summary>
    public static ConfigChangeResult UnknownVersion(long current, long wanted) =>
        new(false, current, current, CommandErrorCodes.NotFound, [new ConfigIssue(VersionKey, $"version {wanted} does not exist")]);

    /// <summary>The key a conflict names: the command's expected version.</summary>
    public static ConfigKey IfVersionKey { get; } = ConfigKey.Of("ifversion");

    /// <summary>The key an unknown or refused rollback names: the version asked for.</summary>
    public static ConfigKey VersionKey { get; } = ConfigKey.Of("version");

    /// <summary>The key a refusal of the change as a whole names.</summary>
    public static ConfigKey ChangesKey { get; } = ConfigKey.Of("changes");
}

/// <summary>The configuration in force: its version and values (secrets masked by the implementation as <c>"(secret)"</c>).</summary>
/// <param name="Version">The version.</param>
/// <param name="Values">Key → value text.</param>
public sealed record ConfigSnapshot(long Version, IReadOnlyDictionary<string, string> Values);

/// <summary>A value before and after a change; null means unset (default).</summary>
/// <param name="From">Before.</param>
/// <param name="To">After.</param>
public sealed record ConfigValueChange(string? From, string? To);

/// <summary>One version in the audit trail.</summary>
/// <param name="Version">The version it created.</param>
/// <param name="Audit">Who, when, via what, why.</param>
/// <param name="Changes">Key → before/after.</param>
public sealed record ConfigHistoryEntry(long Version, ConfigAudit Audit, IReadOnlyDictionary<string, ConfigValueChange> Changes)
{
    /// <summary>The safety functions the change took away, accepted knowingly; empty when it took none.</summary>
    public IReadOnlyList<string> Knowingly { get; init; } = [];
}

/// <summary>
/// The gateway's versioned, audited configuration as the centre's commands see it; the host implements it over the
/// configuration store.
/// </summary>
/// <remarks>
/// Contract for implementers: <see cref="Apply"/> and <see cref="Rollback"/> validate the whole resulting configuration and
/// either make it the new version in one atomic step (durably, with its audit entry) or change nothing; a rollback is itself a
/// new version (history is append-only). Keys are <c>[a-z0-9_.-]{1,128}</c>; values are text (numbers and booleans as their
/// JSON text); a null value is refused with a problem naming the key (a key cannot be removed). Secret values (the PIN
/// hash) are never returned, by <see cref="Current"/> nor in <see cref="History"/>: they read <c>"(secret)"</c>.
/// A change or rollback that takes a safety function away is refused unless <see cref="ConfigAudit.Knowingly"/>; when made
/// knowingly, what it took away is kept in its history entry (<see cref="ConfigHistoryEntry.Knowingly"/>).
/// </remarks>
public interface IRemoteConfiguration
{
    /// <summary>The configuration in force, read atomically with its version.</summary>
    ConfigSnapshot Current();

    /// <summary>Validates <paramref name="changes"/> against the whole configuration and applies them atomically as a new version.</summary>
    /// <param name="changes">Key → new value text; a null value is refused.</param>
    /// <param name="ifVersion">When set, apply only if this is still the version in force.</param>
    /// <param name="audit">Who, when, via what, why.</param>
    ConfigChangeResult Apply(IReadOnlyDictionary<string, string?> changes, long? ifVersion, ConfigAudit audit);

    /// <summary>Makes the values of <paramref name="version"/> the new version (validated like any change).</summary>
    ConfigChangeResult Rollback(long version, ConfigAudit audit);

    /// <summary>The newest <paramref name="limit"/> audit entries, newest first.</summary>
    IReadOnlyList<ConfigHistoryEntry> History(int limit);
}
