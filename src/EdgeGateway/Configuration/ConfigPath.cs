using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeGateway.Configuration;

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
