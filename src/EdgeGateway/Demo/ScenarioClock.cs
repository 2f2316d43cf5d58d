using System.Diagnostics;

namespace EdgeGateway.Demo;

/// <summary>
/// A <see cref="TimeProvider"/> for the demo that starts at a chosen local time and runs <c>speed</c> times faster
/// than real time, timers included, so a night in a home plays out in seconds on the real code paths.
/// </summary>
internal sealed class ScenarioClock : TimeProvider
{
    private readonly DateTimeOffset _start;
    private readonly double _speed;
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly TimeZoneInfo _zone;
    private long _skippedTicks;

    public ScenarioClock(DateTimeOffset start, double speed, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _start = start;
        _speed = speed;
        _zone = zone;
    }

    public double Speed => _speed;

    public override TimeZoneInfo LocalTimeZone => _zone;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => _origin + (long)((Stopwatch.GetTimestamp() - _origin) * _speed);

    public override DateTimeOffset GetUtcNow() =>
        _start.ToUniversalTime() + TimeSpan.FromTicks((long)(Stopwatch.GetElapsedTime(_origin).Ticks * _speed) + Interlocked.Read(ref _skippedTicks));

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

    /// <summary>The real time until scenario time <paramref name="at"/>.</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset at) => Scale(at - GetUtcNow());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan t) =>
        t == Timeout.InfiniteTimeSpan ? t : t <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(1, (long)(t.Ticks / _speed)));

    private sealed class ScaledTimer(ITimer inner, ScenarioClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
