namespace EdgeGateway.Devices;

/// <summary>
/// Blocks the calling thread until a <see cref="TimeProvider"/> deadline without needing the thread pool, so a dedicated
/// thread keeps its timing when the pool (which runs the provider's timers) is busy or starved.
/// </summary>
internal sealed class DeadlineWait : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ManualResetEventSlim _wake = new(false);
    private volatile bool _interrupted;

    /// <summary>Waits on <paramref name="time"/>'s clock.</summary>
    public DeadlineWait(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Blocks until the provider's timestamp reaches <paramref name="deadline"/>; false once <see cref="Interrupt"/> was called.</summary>
    public bool Until(long deadline)
    {
        _wake.Reset();
        if (_interrupted)
        {
            return false;
        }

        var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
        if (remaining <= TimeSpan.Zero)
        {
            return true;
        }

        if (ReferenceEquals(_time, TimeProvider.System))
        {
            // A timed kernel wait on this thread: woken by the scheduler, not by a pool worker that may be busy.
            _wake.Wait(remaining);
            return !_interrupted;
        }

        // Another clock (a test's fake, the demo's scaled one) may not run at real speed: its own timer has the last word,
        // while the timed kernel wait keeps real-time clocks independent of the pool.
        using var timer = _time.CreateTimer(static s => ((ManualResetEventSlim)s!).Set(), _wake, remaining, Timeout.InfiniteTimeSpan);
        if (!_wake.Wait(remaining) && _time.GetTimestamp() < deadline)
        {
            _wake.Wait();
        }

        return !_interrupted;
    }

    /// <summary>Wakes a blocked <see cref="Until"/> and makes every later call return false at once.</summary>
    public void Interrupt()
    {
        _interrupted = true;
        _wake.Set();
    }

    /// <summary>Releases the wait handle.</summary>
    public void Dispose() => _wake.Dispose();
}
