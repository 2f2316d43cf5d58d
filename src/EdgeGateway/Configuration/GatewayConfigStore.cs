using System.Text.Json.Nodes;
using EdgeGateway.Core.Configuration;

namespace EdgeGateway.Configuration;

/// <summary>Opens the gateway's one config store (console and centre edit through it) with the gateway's own checks.</summary>
internal static class GatewayConfigStore
{
    // The key an edit's problem of the whole config is reported at, so the console and the centre have a key to name.
    private static readonly ConfigKey WholeConfig = ConfigKey.Of("config");

    /// <summary>The store over <paramref name="configPath"/>, validating every edit as start-up would, trying a new data directory, and guarding the home's safety functions.</summary>
    public static ConfigStore Open(string configPath, TimeProvider time) => ConfigStore.Open(configPath, time, [ValidateWholeConfig], secrets: GatewayConfig.Secrets, checks: ConfigGuards.Checks);

    /// <summary>An edit is validated as the whole gateway config, exactly as start-up would, before anything is written.</summary>
    /// <remarks>Lines and columns are left out: the candidate is the edited config, not the file the technician sees.</remarks>
    private static IEnumerable<ConfigIssue> ValidateWholeConfig(JsonObject candidate) =>
        GatewayConfig.Check(candidate.ToJsonString(), null, out _)
            .Select(i => i with { Key = i.Key.IsRoot ? WholeConfig : i.Key, Line = null, Column = null });
}
