using System.Globalization;
using System.Text;

namespace EdgeGateway.Uplink.Commands;

/// <summary>Why <see cref="CommandReplayWindow.TryRemember(string, DateTimeOffset, DateTimeOffset, out CommandReplayRefusal, out string?)"/> refused an id.</summary>
public enum CommandReplayRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>The id was already accepted: a replay.</summary>
    Replayed,

    /// <summary>The window holds its capacity of unexpired ids.</summary>
    WindowFull,
}

/// <summary>
/// Remembers the ids of accepted commands until their expiry, so a replayed command is refused; optionally kept in a file so
/// a restart does not reopen the window.
/// </summary>
/// <remarks>
/// The bound: an id is needed only until its command expires (after that the expiry check refuses it anyway), and
/// <see cref="CommandProcessor"/> refuses expiries more than <see cref="CommandProcessorOptions.MaxLifetime"/> ahead of a
/// synchronised clock, so the window holds at most the commands of the last hour. When it holds <c>capacity</c> unexpired
/// ids it refuses new commands rather than forget one (forgetting would let that one be replayed).
/// The file is rewritten (temp file + rename) on each accepted command: commands are rare, a few lines each.
/// </remarks>
public sealed class CommandReplayWindow
{
    private readonly Dictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly string? _path;

    /// <summary>Creates a window of at most <paramref name="capacity"/> ids, loading and persisting <paramref name="path"/> when given.</summary>
    public CommandReplayWindow(int capacity = 4096, string? path = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _path = path;
        if (path is not null && File.Exists(path))
        {
            Load(path);
        }
    }

    /// <summary>Ids currently remembered.</summary>
    public int Count => _until.Count;

    /// <summary>The last error writing the file (the window still works in memory), or null.</summary>
    public string? LastPersistError { get; private set; }

    /// <summary>Lines of the file that could not be read at load (skipped).</summary>
    public int SkippedLines { get; private set; }

    /// <summary>Whether <paramref name="id"/> is remembered and not yet expired at <paramref name="now"/>.</summary>
    public bool Contains(string id, DateTimeOffset now) => _until.TryGetValue(id, out var until) && until >= now;

    /// <summary>Remembers <paramref name="id"/> until <paramref name="until"/>; false with the reason when it is a replay or the window is full.</summary>
    public bool TryRemember(string id, DateTimeOffset until, DateTimeOffset now, out string? refusal) =>
        TryRemember(id, until, now, out _, out refusal);

    /// <summary>Remembers <paramref name="id"/> until <paramref name="until"/>; false with the kind of refusal and its reason when it is a replay or the window is full.</summary>
    public bool TryRemember(string id, DateTimeOffset until, DateTimeOffset now, out CommandReplayRefusal reason, out string? refusal)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Prune(now);
        if (_until.ContainsKey(id))
        {
            reason = CommandReplayRefusal.Replayed;
            refusal = $"command id '{id}' was already accepted; a command is carried out at most once";
            return false;
        }

        if (_until.Count >= _capacity)
        {
            reason = CommandReplayRefusal.WindowFull;
            refusal = $"the replay window is full ({_capacity} unexpired command ids); retry after the oldest expire";
            return false;
        }

        _until[id] = until;
        Persist();
        reason = CommandReplayRefusal.None;
        refusal = null;
        return true;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var stale in _until.Where(p => p.Value < now).Select(p => p.Key).ToList())
        {
            _until.Remove(stale);
        }
    }

    private void Load(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0
                && long.TryParse(line.AsSpan(tab + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
                && ms is >= -62135596800000 and <= 253402300799999
                && _until.Count < _capacity)
            {
                _until[line[..tab]] = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
            else
            {
                SkippedLines++;
            }
        }
    }

    private void Persist()
    {
        if (_path is null)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var (id, until) in _until)
        {
            text.Append(id).Append('\t').Append(until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        var temp = _path + ".tmp";
        try
        {
            File.WriteAllText(temp, text.ToString());
            File.Move(temp, _path, overwrite: true);
            LastPersistError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastPersistError = $"cannot write {_path}: {ex.Message}";
        }
    }
}
