using System.Reflection;

namespace EdgeGateway.Cli;

/// <summary>The build's version and commit, from the informational version stamped at build time.</summary>
internal static class VersionInfo
{
    public static string Text
    {
        get
        {
            var informational = typeof(VersionInfo).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            var version = plus < 0 ? informational : informational[..plus];
            var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
            return $"edgegateway {version} (commit {commit})";
        }
    }
}
