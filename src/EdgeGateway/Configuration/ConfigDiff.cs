using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeGateway.Configuration;

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
