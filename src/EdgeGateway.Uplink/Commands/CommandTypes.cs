namespace EdgeGateway.Uplink.Commands;

/// <summary>The command types the centre may send (the <c>type</c> field; see docs/schemas/command.schema.json).</summary>
public static class CommandTypes
{
    /// <summary>The centre has taken an alarm on.</summary>
    public const string AlarmAcknowledge = "alarm.acknowledge";

    /// <summary>The centre closes an alarm.</summary>
    public const string AlarmClear = "alarm.clear";

    /// <summary>Raise a test alarm end to end.</summary>
    public const string AlarmTest = "alarm.test";

    /// <summary>Reply with the gateway's current status.</summary>
    public const string StatusRequest = "status.request";

    /// <summary>Read configuration values.</summary>
    public const string ConfigGet = "config.get";

    /// <summary>Change configuration values, all or none.</summary>
    public const string ConfigSet = "config.set";

    /// <summary>Restore an earlier configuration version (as a new version).</summary>
    public const string ConfigRollback = "config.rollback";

    /// <summary>Read the configuration audit trail.</summary>
    public const string ConfigHistory = "config.history";

    /// <summary>Download, verify and switch to a signed release, behind a health gate that rolls back on failure.</summary>
    public const string Update = "update";

    /// <summary>Every type, for validation and documentation.</summary>
    public static IReadOnlyList<string> All { get; } =
        [AlarmAcknowledge, AlarmClear, AlarmTest, StatusRequest, ConfigGet, ConfigSet, ConfigRollback, ConfigHistory, Update];
}

/// <summary>The <c>error.code</c> values of a command reply.</summary>
public static class CommandErrorCodes
{
    /// <summary>The payload exceeds the size limit; it was not parsed.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The payload is not JSON (or nests too deeply).</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>A field is missing, of the wrong type or out of range; <c>field</c> names it.</summary>
    public const string Invalid = "invalid";

    /// <summary>The <c>type</c> is not a command this gateway knows.</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>The command's <c>expires</c> has passed.</summary>
    public const string Expired = "expired";

    /// <summary>A command with this id was already accepted.</summary>
    public const string Replayed = "replayed";

    /// <summary>The alarm (or configuration version) named does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>The action is not allowed now (e.g. clearing an alarm already cleared, a full queue).</summary>
    public const string Refused = "refused";

    /// <summary>A configuration change failed validation; nothing was applied.</summary>
    public const string Rejected = "rejected";

    /// <summary>A configuration change named an <c>ifversion</c> that is no longer current; nothing was applied.</summary>
    public const string Conflict = "conflict";

    /// <summary>The action threw; the gateway carried on.</summary>
    public const string Failed = "failed";
}
