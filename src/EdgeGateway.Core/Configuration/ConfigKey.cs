using System.Globalization;
using System.Text.Json;

namespace EdgeGateway.Core.Configuration;

/// <summary>
/// A key of the gateway's config file as its segments, spelled as the file spells them (snake_case names, list indices):
/// devices.contacts.0.pin, rules.night_exit.grace_period. The one place a key becomes text, so every message, the console
/// and the centre's commands name a key alike.
/// </summary>
public sealed class ConfigKey : IEquatable<ConfigKey>
{
    private readonly string[] _segments;

    private ConfigKey(string[] segments) => _segments = segments;

    /// <summary>The whole file (no segment); rendered as "".</summary>
    public static ConfigKey Root { get; } = new([]);

    /// <summary>The segments, outermost first.</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>True for <see cref="Root"/>.</summary>
    public bool IsRoot => _segments.Length == 0;

    /// <summary>The key made of <paramref name="segments"/>, each as the file spells it.</summary>
    public static ConfigKey Of(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        foreach (var segment in segments)
        {
            Check(segment);
        }

        return segments.Length == 0 ? Root : new([.. segments]);
    }

    /// <summary>The key of dotted text as the file spells it ("devices.contacts.0.pin"); "" is <see cref="Root"/>.</summary>
    public static ConfigKey Parse(string dotted)
    {
        ArgumentNullException.ThrowIfNull(dotted);
        return dotted.Length == 0 ? Root : Of(dotted.Split('.'));
    }

    /// <summary>The key one level down, <paramref name="segment"/> spelled as in the file.</summary>
    public ConfigKey Then(string segment)
    {
        Check(segment);
        return new([.. _segments, segment]);
    }

    /// <summary>The list item <paramref name="index"/> under this key.</summary>
    public ConfigKey Then(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new([.. _segments, index.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>The member for the .NET property <paramref name="propertyName"/> (pass <c>nameof</c>), named as the file's snake_case policy names it.</summary>
    public ConfigKey Field(string propertyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(propertyName);

        // The same policy the config's JSON context uses, so the key cannot drift from the file's spelling.
        return Then(JsonNamingPolicy.SnakeCaseLower.ConvertName(propertyName));
    }

    /// <summary>True when this key is <paramref name="other"/> or lies inside it.</summary>
    public bool IsWithin(ConfigKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other._segments.Length <= _segments.Length
            && _segments.AsSpan(0, other._segments.Length).SequenceEqual(other._segments);
    }

    /// <summary>The enclosing key; <see cref="Root"/> for a top-level key and for the root itself.</summary>
    public ConfigKey Parent => _segments.Length <= 1 ? Root : new(_segments[..^1]);

    /// <summary>The key as the file spells it: segments joined by dots.</summary>
    public override string ToString() => string.Join('.', _segments);

    /// <inheritdoc />
    public bool Equals(ConfigKey? other) =>
        other is not null && _segments.AsSpan().SequenceEqual(other._segments);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ConfigKey);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var segment in _segments)
        {
            hash.Add(segment, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>Equal when the segments are.</summary>
    public static bool operator ==(ConfigKey? left, ConfigKey? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Unequal when the segments differ.</summary>
    public static bool operator !=(ConfigKey? left, ConfigKey? right) => !(left == right);

    // Any text is a segment: a file may spell an unknown key with a dot or as "", and its problem must still name it.
    private static void Check(string segment) => ArgumentNullException.ThrowIfNull(segment);
}
