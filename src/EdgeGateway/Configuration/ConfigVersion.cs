using System.Text.Json.Serialization;

namespace EdgeGateway.Configuration;

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
