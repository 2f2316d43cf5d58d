using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeGateway.Demo;

/// <summary>
/// A <see cref="TimeProvider"/> for the demo that starts at a chosen local time and runs <see cref="Speed"/> times faster
/// than real time, timers included, so a night in a home plays out in seconds on the real code paths. The speed can
/// change mid-scenario (a fall is replayed in real time, so the accelerometer's FIFO is polled as on a Pi).
/// </summary>
internal sealed class ScenarioClock : TimeProvider
{
    private readonly DateTimeOffset _start;
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly TimeZoneInfo _zone;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<ScaledTimer, byte> _timers = new();
    private long _realAnchor;
    private long _scenarioAnchorTicks;
    private double _speed;
    private long _skippedTicks;

    public ScenarioClock(DateTimeOffset start, double speed, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _start = start;
        _speed = speed;
        _zone = zone;
        _realAnchor = _origin;
    }

    /// <summary>How many scenario seconds pass per real second; changing it reschedules every running timer.</summary>
    public double Speed
    {
        get
        {
            lock (_lock)
            {
                return _speed;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            lock (_lock)
            {
                var now = Stopwatch.GetTimestamp();
                _scenarioAnchorTicks = ElapsedTicksAt(now);
                _realAnchor = now;
                _speed = value;
            }

            foreach (var timer in _timers.Keys)
            {
                timer.Reschedule();
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => _zone;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Elapsed().Ticks;

    public override DateTimeOffset GetUtcNow() =>
        _start.ToUniversalTime() + Elapsed() + TimeSpan.FromTicks(Interlocked.Read(ref _skippedTicks));

    /// <summary>
    /// Moves the wall clock forward to <paramref name="at"/> without waiting, to skip quiet hours. Monotonic time and running
    /// timers do not move, exactly as when NTP steps a real clock, so this also exercises the rules' immunity to wall-clock jumps.
    /// </summary>
    public void SkipTo(DateTimeOffset at)
    {
        var by = at - GetUtcNow();
        if (by > TimeSpan.Zero)
        {
            Interlocked.Add(ref _skippedTicks, by.Ticks);
        }
    }

    /// <summary>The real time until scenario time <paramref name="at"/> at the current speed.</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset at) => Scale(at - GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ScaledTimer(this, callback, state);
        _timers.TryAdd(timer, 0);
        timer.Change(dueTime, period);
        return timer;
    }

    private TimeSpan Elapsed()
    {
        lock (_lock)
        {
            return TimeSpan.FromTicks(ElapsedTicksAt(Stopwatch.GetTimestamp()));
        }
    }

    private long ElapsedTicksAt(long realTimestamp) =>
        _scenarioAnchorTicks + (long)(Stopwatch.GetElapsedTime(_realAnchor, realTimestamp).Ticks * _speed);

    private TimeSpan Scale(TimeSpan t)
    {
        if (t == Timeout.InfiniteTimeSpan)
        {
            return t;
        }

        var speed = Speed;
        return t <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(1, (long)(t.Ticks / speed)));
    }

    /// <summary>A timer whose due time and period are in scenario time; it remembers when it is due so a speed change can move it.</summary>
    private sealed class ScaledTimer : ITimer
    {
        private readonly ScenarioClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;
        private readonly Lock _lock = new();
        private TimeSpan _dueAt = Timeout.InfiniteTimeSpan;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ScaledTimer(ScenarioClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _inner = System.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                _period = period;
                _dueAt = dueTime == Timeout.InfiniteTimeSpan ? dueTime : _clock.Elapsed() + dueTime;
                return Arm();
            }
        }

        public void Reschedule()
        {
            lock (_lock)
            {
                Arm();
            }
        }

        private bool Arm() => _dueAt == Timeout.InfiniteTimeSpan
            ? _inner.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)
            : _inner.Change(_clock.Scale(_dueAt - _clock.Elapsed()), Timeout.InfiniteTimeSpan);

        private void Fire()
        {
            lock (_lock)
            {
                // Periodic timers re-arm from their own schedule, so a period keeps its scenario length across speed changes.
                _dueAt = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : _dueAt + _period;
                Arm();
            }

            _callback(_state);
        }

        public void Dispose()
        {
            _clock._timers.TryRemove(this, out _);
            _inner.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            _clock._timers.TryRemove(this, out _);
            await _inner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
