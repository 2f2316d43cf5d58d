using System.Reflection;

namespace EdgeGateway.Runtime;

/// <summary>The build's version and commit, from the informational version stamped at build time.</summary>
internal static class VersionInfo
{
    /// <summary>"0.1.0+0123456789ab": the form the release archive's VERSION file and health.json carry.</summary>
    public static string Informational { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>"edgegateway 0.1.0 (commit 0123456789ab)" for humans.</summary>
    public static string Text
    {
        get
        {
            var plus = Informational.IndexOf('+', StringComparison.Ordinal);
            var version = plus < 0 ? Informational : Informational[..plus];
            var commit = plus < 0 ? "unknown" : Informational[(plus + 1)..];
            return $"edgegateway {version} (commit {commit})";
        }
    }
}
