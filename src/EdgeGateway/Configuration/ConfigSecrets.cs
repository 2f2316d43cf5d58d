using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeGateway.Configuration;

/// <summary>
/// Which dotted keys of a configuration hold secrets, and how they are shown: as <see cref="Shown"/>, never their value.
/// The gateway's list is <c>GatewayConfig.Secrets</c>, next to the model; the store, the console and the centre's commands
/// all mask through this one instance.
/// </summary>
public sealed class ConfigSecrets
{
    /// <summary>What is shown instead of a secret value.</summary>
    public const string Shown = "\"(secret)\"";

    private readonly string[] _keys;

    /// <summary>Secrets at <paramref name="keys"/> (exact dotted keys, e.g. console.pin_hash).</summary>
    public ConfigSecrets(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [.. keys];
    }

    /// <summary>No secrets (a store opened without a list).</summary>
    public static ConfigSecrets None { get; } = new([]);

    /// <summary>The secret keys.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>True when <paramref name="key"/> is a secret key or lies inside one (a secret set to an object is still secret).</summary>
    public bool IsSecret(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var secret in _keys)
        {
            if (key == secret || (key.StartsWith(secret, StringComparison.Ordinal) && key.Length > secret.Length && key[secret.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="key"/> is a section holding a secret (console holds console.pin_hash).</summary>
    public bool HoldsSecrets(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == 0 || _keys.Any(s => s.StartsWith(key + ".", StringComparison.Ordinal));
    }

    /// <summary>A copy of <paramref name="node"/> (found at <paramref name="key"/>, "" for the root) with every secret value replaced by <see cref="Shown"/>.</summary>
    public JsonNode? Mask(JsonNode? node, string key = "")
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IsSecret(key) && key.Length > 0)
        {
            return node is null ? null : JsonNode.Parse(Shown);
        }

        switch (node)
        {
            case JsonObject obj when HoldsSecrets(key):
                var masked = new JsonObject();
                foreach (var (name, child) in obj)
                {
                    masked[name] = Mask(child, key.Length == 0 ? name : $"{key}.{name}");
                }

                return masked;
            case JsonArray array when HoldsSecrets(key):
                var items = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    items.Add(Mask(array[i], string.Create(CultureInfo.InvariantCulture, $"{key}.{i}")));
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>The JSON text of <paramref name="node"/> at <paramref name="key"/>, secrets masked.</summary>
    public string Show(JsonNode? node, string key) => Mask(node, key)?.ToJsonString() ?? "null";
}
