using System.Text.Json.Nodes;

namespace EdgeGateway.Configuration;

/// <summary>Staged edits on a copy of one configuration version; apply with <see cref="ConfigStore.Apply"/>.</summary>
public sealed class ConfigDraft
{
    internal ConfigDraft(int baseVersion, JsonObject applied, ConfigSecrets secrets)
    {
        BaseVersion = baseVersion;
        Applied = applied;
        Secrets = secrets;
        Candidate = (JsonObject)applied.DeepClone();
    }

    /// <summary>The version the edits were made on; apply refuses when another version was applied since.</summary>
    public int BaseVersion { get; }

    internal JsonObject Applied { get; }

    internal JsonObject Candidate { get; }

    internal ConfigSecrets Secrets { get; }

    /// <summary>The staged changes, secret values masked.</summary>
    public IReadOnlyList<ConfigChange> Changes => ConfigDiff.Compare(Applied, Candidate, Secrets);

    /// <summary>The staged value at <paramref name="key"/> as JSON, secrets masked; throws <see cref="KeyNotFoundException"/> naming the key.</summary>
    public string Get(string key) => Secrets.Show(ConfigPath.Get(Candidate, key), key);

    /// <summary>Stages <paramref name="key"/> = <paramref name="value"/>; the value is JSON or else plain text.</summary>
    public void Set(string key, string value) => ConfigPath.Set(Candidate, key, value);
}
