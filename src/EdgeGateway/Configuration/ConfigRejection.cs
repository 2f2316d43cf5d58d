namespace EdgeGateway.Configuration;

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
