using System.Globalization;

namespace EdgeGateway.Core.Configuration;

/// <summary>One problem of a configuration: which key, what is wrong, and where in the file when it came from one.</summary>
/// <param name="Key">The key the problem is about; <see cref="ConfigKey.Root"/> for the whole file.</param>
/// <param name="Problem">What was expected and what was found, in the technician's words (no .NET type names).</param>
public sealed record ConfigIssue(ConfigKey Key, string Problem)
{
    /// <summary>The other key the problem names, e.g. the pin's first user in "GPIO 17 is already used by devices.contacts.0.pin"; null when none.</summary>
    public ConfigKey? Other { get; init; }

    /// <summary>The 1-based line in the file, when known.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column (characters) in that line, when known.</summary>
    public int? Column { get; init; }

    /// <summary>The key as the file spells it (devices.contacts.0.pin); "" for the whole file.</summary>
    public string Path => Key.ToString();

    /// <summary>A problem at <paramref name="key"/> that names <paramref name="other"/>, e.g. the key already holding a pin.</summary>
    /// <param name="key">The key the problem is about.</param>
    /// <param name="other">The key it names.</param>
    /// <param name="problem">The text, given <paramref name="other"/> as the file spells it.</param>
    public static ConfigIssue Naming(ConfigKey key, ConfigKey other, Func<string, string> problem)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(problem);
        return new(key, problem(other.ToString())) { Other = other };
    }

    /// <summary>"line 3, column 5: devices.contacts.0.pin: problem", leaving out what is not known.</summary>
    public override string ToString() =>
        (Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {Column ?? 1}: ") : "")
        + (Key.IsRoot ? "" : $"{Key}: ")
        + Problem;
}
