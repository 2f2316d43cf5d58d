using System.Globalization;
using System.Text.Json;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Why a command gets an error reply; thrown by the envelope checks, the binders and the actions, caught once by <see cref="CommandProcessor"/>.</summary>
internal sealed class CommandRejection(string code, string? field, string message, IReadOnlyList<ConfigIssue>? problems = null) : Exception(message)
{
    /// <summary>A <see cref="CommandErrorCodes"/> value.</summary>
    public string Code { get; } = code;

    /// <summary>The offending field, when one is to blame.</summary>
    public string? Field { get; } = field;

    /// <summary>The configuration problems of a refused change.</summary>
    public IReadOnlyList<ConfigIssue>? Problems { get; } = problems;
}

/// <summary>Reading and checking command JSON, with error messages that never echo more than a few characters.</summary>
internal static class CommandJson
{
    /// <summary>Longest piece of the centre's input repeated in a reply.</summary>
    public const int MaxEcho = 64;

    /// <summary>An <see cref="CommandErrorCodes.Invalid"/> rejection naming <paramref name="field"/>.</summary>
    public static CommandRejection Invalid(string field, string problem) =>
        new(CommandErrorCodes.Invalid, field, $"{field}: {problem}");

    /// <summary>Refuses any argument not in <paramref name="allowed"/>.</summary>
    public static void Only(JsonElement args, params string[] allowed)
    {
        foreach (var p in args.EnumerateObject())
        {
            if (!allowed.Contains(p.Name))
            {
                throw Invalid($"args.{Clip(p.Name)}", allowed.Length == 0
                    ? "this command takes no arguments"
                    : $"unexpected argument; expected {string.Join(", ", allowed)}");
            }
        }
    }

    /// <summary>A required string of 1–<paramref name="maxLength"/> characters.</summary>
    public static string RequiredString(JsonElement root, string name, int maxLength) =>
        root.TryGetProperty(name, out var e)
            ? e.ValueKind == JsonValueKind.String && e.GetString()!.Length is > 0 and var n && n <= maxLength
                ? e.GetString()!
                : throw Invalid(name, $"expected a string of 1–{maxLength} characters, got {Describe(e)}")
            : throw Invalid(name, "is missing");

    /// <summary>An optional string of at most <paramref name="maxLength"/> characters.</summary>
    public static string? OptionalString(JsonElement args, string name, int maxLength, string field) =>
        !args.TryGetProperty(name, out var e) ? null
        : e.ValueKind == JsonValueKind.String && e.GetString()!.Length <= maxLength ? e.GetString()
        : throw Invalid(field, $"expected a string of at most {maxLength} characters, got {Describe(e)}");

    /// <summary>A non-negative 64-bit integer.</summary>
    public static long NonNegative(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0
            ? v
            : throw Invalid(field, $"expected a non-negative integer, got {Describe(e)}");

    /// <summary>An optional RFC 3339 time.</summary>
    public static DateTimeOffset? Time(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var e))
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.String
            && e.GetString()!.Length <= 40
            && e.GetString()!.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                ? t
                : throw Invalid(name, $"expected an RFC 3339 time such as 2026-11-23T23:01:02Z, got {Describe(e)}");
    }

    /// <summary>A short description of a JSON value for an error message; never echoes more than a few characters.</summary>
    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"string \"{Clip(e.GetString()!)}\"",
        JsonValueKind.Number => $"number {Clip(e.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {e.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    /// <summary><paramref name="s"/> cut to <see cref="MaxEcho"/> characters.</summary>
    public static string Clip(string s) => s.Length <= MaxEcho ? s : string.Concat(s.AsSpan(0, MaxEcho), "…");

    /// <summary>A time as the replies write it (UTC, milliseconds).</summary>
    public static string Utc(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
