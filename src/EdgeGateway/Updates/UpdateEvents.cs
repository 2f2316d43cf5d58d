using System.Globalization;

namespace EdgeGateway.Updates;

/// <summary>The data of <c>technical.update-completed</c> and <c>technical.update-failed</c> (docs/events.md); rollout only when the command named one.</summary>
internal static class UpdateEvents
{
    /// <summary>update-completed: version, from, gateSeconds (switch → gate passed), downloadedBytes, rollout.</summary>
    public static Dictionary<string, string> Completed(UpdateState state, long gateSeconds) =>
        WithRollout(state.Rollout, new(StringComparer.Ordinal)
        {
            ["version"] = state.Version,
            ["from"] = state.FromVersion,
            ["gateSeconds"] = gateSeconds.ToString(CultureInfo.InvariantCulture),
            ["downloadedBytes"] = state.DownloadedBytes.ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>update-failed: version, from, stage, reason, rollout.</summary>
    public static Dictionary<string, string> Failed(string version, string from, string stage, string reason, string? rollout) =>
        WithRollout(rollout, new(StringComparer.Ordinal)
        {
            ["version"] = version,
            ["from"] = from,
            ["stage"] = stage,
            ["reason"] = reason,
        });

    private static Dictionary<string, string> WithRollout(string? rollout, Dictionary<string, string> data)
    {
        if (!string.IsNullOrEmpty(rollout))
        {
            data["rollout"] = rollout;
        }

        return data;
    }
}
