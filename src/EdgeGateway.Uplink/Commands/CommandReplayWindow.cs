using System.Globalization;
using System.Text;

namespace EdgeGateway.Uplink.Commands;

/// <summary>
/// Remembers the ids of accepted commands for at most <see cref="Horizon"/> of the gateway's monotonic time, so a replayed
/// command is refused; optionally kept in a file so a restart does not reopen the window.
/// </summary>
/// <remarks>
/// What a command claims is bounded by the gateway, not believed: an id is kept until its <c>expires</c> when the wall clock
/// is synchronised (the envelope check refuses an expiry more than <see cref="Horizon"/> ahead), and for exactly
/// <see cref="Horizon"/> when it is not (a claimed year 9999 then means nothing). Deadlines are kept on
/// <see cref="TimeProvider.GetTimestamp"/>, so neither a wrong wall clock nor a step of it keeps an id longer.
/// The window never refuses a command for being full: at capacity the id closest to its deadline is forgotten (the least
/// replay exposure) — a flood of junk cannot lock out a nurse's <c>alarm.acknowledge</c>.
/// The file holds each id with its remaining milliseconds; a restart keeps it for that long again (never more than
/// <see cref="Horizon"/>), so downtime only makes the window err on the side of remembering. It is rewritten (temp file +
/// rename) on an accepted command, at most once per <see cref="PersistEvery"/>; a later write is scheduled on the timer.
/// Thread-safe.
/// </remarks>
public sealed class CommandReplayWindow : IDisposable
{
    /// <summary>The longest an id is remembered, and the furthest ahead a command may expire by a synchronised clock.</summary>
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromMinutes(15);

    /// <summary>The file is rewritten at most this often; accepted commands in between are written by a timer.</summary>
    public static readonly TimeSpan PersistEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _deadline = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, long> _byDeadline = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly string? _path;
    private readonly ITimer? _flush;
    private long _lastWrite;
    private bool _written;
    private bool _dirty;
    private bool _flushScheduled;

    /// <summary>Creates a window of at most <paramref name="capacity"/> ids kept at most <paramref name="horizon"/> (default <see cref="DefaultHorizon"/>), loading and persisting <paramref name="path"/> when given.</summary>
    public CommandReplayWindow(TimeProvider time, int capacity = 4096, string? path = null, TimeSpan? horizon = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Horizon = horizon ?? DefaultHorizon;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Horizon, TimeSpan.Zero, nameof(horizon));
        _time = time;
        _capacity = capacity;
        _path = path;
        if (path is not null)
        {
            _flush = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (File.Exists(path))
            {
                Load(path);
            }
        }
    }

    /// <summary>The longest an id is remembered; also the furthest ahead a command may expire by a synchronised clock.</summary>
    public TimeSpan Horizon { get; }

    /// <summary>Ids currently remembered (expired ones included until the next call prunes them).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _deadline.Count;
            }
        }
    }

    /// <summary>Unexpired ids forgotten early because the window was full; a non-zero count means someone sends far more commands than a centre does.</summary>
    public long Evicted { get; private set; }

    /// <summary>The last error writing the file (the window still works in memory), or null.</summary>
    public string? LastPersistError { get; private set; }

    /// <summary>Lines of the file that could not be read at load (skipped).</summary>
    public int SkippedLines { get; private set; }

    /// <summary>Whether <paramref name="id"/> is remembered and its deadline has not passed.</summary>
    public bool Contains(string id)
    {
        lock (_gate)
        {
            return _deadline.TryGetValue(id, out var deadline) && _time.GetTimestamp() <= deadline;
        }
    }

    /// <summary>
    /// Remembers <paramref name="id"/> of a command expiring at <paramref name="expires"/> (read against
    /// <paramref name="clockSynchronised"/> wall time, else ignored) for at most <see cref="Horizon"/>; false with the reason when it is a replay.
    /// </summary>
    public bool TryRemember(string id, DateTimeOffset expires, bool clockSynchronised, out string? refusal)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Prune(now);
            if (_deadline.ContainsKey(id))
            {
                refusal = $"command id '{id}' was already accepted; a command is carried out at most once";
                return false;
            }

            var keep = Horizon;
            if (clockSynchronised && expires - _time.GetUtcNow() is var left && left < keep)
            {
                keep = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            }

            while (_deadline.Count >= _capacity && _byDeadline.TryDequeue(out var oldest, out var deadline))
            {
                if (_deadline.TryGetValue(oldest, out var current) && current == deadline)
                {
                    _deadline.Remove(oldest);
                    Evicted++;
                }
            }

            Add(id, now + Ticks(keep));
            Persist(now);
            refusal = null;
            return true;
        }
    }

    /// <summary>Writes what is still unwritten and stops the timer.</summary>
    public void Dispose()
    {
        Flush();
        _flush?.Dispose();
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan Left(long deadline, long now) => TimeSpan.FromSeconds((double)(deadline - now) / _time.TimestampFrequency);

    private void Add(string id, long deadline)
    {
        _deadline[id] = deadline;
        _byDeadline.Enqueue(id, deadline);
    }

    // The heap may hold stale entries (an id pruned and accepted again); only one matching the dictionary counts.
    private void Prune(long now)
    {
        while (_byDeadline.TryPeek(out var id, out var deadline) && deadline < now)
        {
            _byDeadline.Dequeue();
            if (_deadline.TryGetValue(id, out var current) && current == deadline)
            {
                _deadline.Remove(id);
            }
        }
    }

    private void Load(string path)
    {
        var now = _time.GetTimestamp();
        foreach (var line in File.ReadLines(path))
        {
            // An older file holds the claimed expiry (Unix ms) in this column: clamped to the horizon like any other.
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0
                && long.TryParse(line.AsSpan(tab + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
                && ms >= 0
                && _deadline.Count < _capacity)
            {
                var keep = TimeSpan.FromMilliseconds(Math.Min(ms, (long)Horizon.TotalMilliseconds));
                Add(line[..tab], now + Ticks(keep));
            }
            else
            {
                SkippedLines++;
            }
        }
    }

    private void Persist(long now)
    {
        if (_path is null)
        {
            return;
        }

        _dirty = true;
        if (!_written || _time.GetElapsedTime(_lastWrite) >= PersistEvery)
        {
            Write(now);
        }
        else if (!_flushScheduled)
        {
            _flushScheduled = true;
            _flush!.Change(PersistEvery, Timeout.InfiniteTimeSpan);
        }
    }

    private void Flush()
    {
        lock (_gate)
        {
            _flushScheduled = false;
            if (_dirty)
            {
                Write(_time.GetTimestamp());
            }
        }
    }

    private void Write(long now)
    {
        Prune(now);
        var text = new StringBuilder();
        foreach (var (id, deadline) in _deadline)
        {
            text.Append(id).Append('\t').Append(((long)Left(deadline, now).TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        var temp = _path + ".tmp";
        _lastWrite = now;
        _written = true;
        _dirty = false;
        try
        {
            File.WriteAllText(temp, text.ToString());
            File.Move(temp, _path!, overwrite: true);
            LastPersistError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastPersistError = $"cannot write {_path}: {ex.Message}";
        }
    }
}
