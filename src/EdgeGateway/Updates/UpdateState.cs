using System.Globalization;
using System.Text;
using EdgeGateway.Configuration;

namespace EdgeGateway.Updates;

/// <summary>Where an update stands: the switched release on trial, committed after its health gate, or rolled back.</summary>
internal enum UpdatePhase
{
    /// <summary>Switched to the new release; its health gate has not passed yet.</summary>
    Trial,

    /// <summary>The new release passed its health gate and stays.</summary>
    Committed,

    /// <summary>The new release failed its gate (or crash-looped); <c>current</c> points at the previous one again.</summary>
    RolledBack,
}

/// <summary>
/// The state file <c>DATA_DIR/update/state</c>: key=value lines, read by this code and by <c>deploy/update-guard.sh</c>
/// before every start, so its keys and values are plain (no quoting, one line each) and it is written atomically.
/// </summary>
/// <param name="Phase">trial, committed or rolled-back.</param>
/// <param name="Version">The new release's version.</param>
/// <param name="FromVersion">The version that ran before the switch.</param>
/// <param name="To">The new release's link target (<c>releases/VERSION</c>).</param>
/// <param name="From">The previous link target, restored on rollback.</param>
/// <param name="SwitchedAt">When <c>current</c> was switched, unix seconds.</param>
/// <param name="GateSeconds">How long the new release has to pass its gate.</param>
/// <param name="Starts">Starts of the new release counted by the guard.</param>
/// <param name="MaxStarts">More starts than this without passing the gate is a crash loop.</param>
/// <param name="Rollout">The centre's rollout id, or empty.</param>
/// <param name="DownloadedBytes">Bytes actually received for the archive (a resumed download counts each byte once).</param>
/// <param name="Stage">Where a rollback came from (gate, start); empty otherwise.</param>
/// <param name="Reason">Why it was rolled back; empty otherwise.</param>
/// <param name="Reported">True once the outcome was sent to the centre as an event.</param>
internal sealed record UpdateState(
    UpdatePhase Phase,
    string Version,
    string FromVersion,
    string To,
    string From,
    long SwitchedAt,
    int GateSeconds,
    int Starts,
    int MaxStarts,
    string Rollout,
    long DownloadedBytes,
    string Stage,
    string Reason,
    bool Reported)
{
    /// <summary>The state file's path under the data directory.</summary>
    public static string PathIn(string dataDir) => Path.Combine(dataDir, "update", "state");

    /// <summary>The wire names of <see cref="UpdatePhase"/>, as the guard script reads them.</summary>
    public static string PhaseName(UpdatePhase phase) => phase switch
    {
        UpdatePhase.Trial => "trial",
        UpdatePhase.Committed => "committed",
        _ => "rolled-back",
    };

    /// <summary>Reads the state file; null when there is none or it cannot be understood (then no update is under trial).</summary>
    public static UpdateState? Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        string Get(string key) => values.TryGetValue(key, out var v) ? v : "";
        UpdatePhase? phase = Get("state") switch
        {
            "trial" => UpdatePhase.Trial,
            "committed" => UpdatePhase.Committed,
            "rolled-back" => UpdatePhase.RolledBack,
            _ => null,
        };
        if (phase is null
            || Get("version").Length == 0
            || !long.TryParse(Get("switched_at"), NumberStyles.None, CultureInfo.InvariantCulture, out var switchedAt)
            || !int.TryParse(Get("gate_seconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var gate)
            || !int.TryParse(Get("starts"), NumberStyles.None, CultureInfo.InvariantCulture, out var starts)
            || !int.TryParse(Get("max_starts"), NumberStyles.None, CultureInfo.InvariantCulture, out var maxStarts))
        {
            return null;
        }

        _ = long.TryParse(Get("downloaded_bytes"), NumberStyles.None, CultureInfo.InvariantCulture, out var downloaded);
        return new UpdateState(phase.Value, Get("version"), Get("from_version"), Get("to"), Get("from"), switchedAt, gate, starts, maxStarts, Get("rollout"), downloaded, Get("stage"), Get("reason"), Get("reported") == "1");
    }

    /// <summary>Writes the state file atomically (temp file, fsync, rename), creating its folder.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new StringBuilder()
            .Append("state=").Append(PhaseName(Phase)).Append('\n')
            .Append("version=").Append(OneLine(Version)).Append('\n')
            .Append("from_version=").Append(OneLine(FromVersion)).Append('\n')
            .Append("to=").Append(OneLine(To)).Append('\n')
            .Append("from=").Append(OneLine(From)).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"switched_at={SwitchedAt}\n")
            .Append(CultureInfo.InvariantCulture, $"gate_seconds={GateSeconds}\n")
            .Append(CultureInfo.InvariantCulture, $"starts={Starts}\n")
            .Append(CultureInfo.InvariantCulture, $"max_starts={MaxStarts}\n")
            .Append("rollout=").Append(OneLine(Rollout)).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"downloaded_bytes={DownloadedBytes}\n")
            .Append("stage=").Append(OneLine(Stage)).Append('\n')
            .Append("reason=").Append(OneLine(Reason)).Append('\n')
            .Append("reported=").Append(Reported ? '1' : '0').Append('\n');
        AtomicFile.Write(path, text.ToString());
    }

    // The guard reads the file line by line: a newline inside a value would forge a key.
    private static string OneLine(string value) => value.ReplaceLineEndings(" ").Replace('\0', ' ');
}
