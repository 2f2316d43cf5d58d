using System.Reflection;

namespace EdgeGateway.Runtime;

/// <summary>The build's version and commit, from the informational version stamped at build time.</summary>
internal static class VersionInfo
{
    /// <summary>"0.1.0+0123456789ab": the form the release archive's VERSION file and health.json carry.</summary>
    public static string Informational { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The release that runs: <c>install_dir/current/VERSION</c> when installed from a release (read at start), else <see cref="Informational"/>; the heartbeat, health.json and the console show it.</summary>
    public static string Running { get; private set; } = Informational;

    /// <summary>Takes the installed release's VERSION as the running version; null keeps the build's own.</summary>
    public static void UseInstalled(string? version) => Running = string.IsNullOrWhiteSpace(version) ? Informational : version.Trim();

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
