namespace EdgeGateway.TechnicianConsole.Security;

/// <summary>
/// Slows PIN guessing: a few free tries, then a delay that doubles with each further wrong PIN, capped.
/// Shared by all sessions of a console, so reconnecting the cable does not reset it.
/// </summary>
public sealed class LoginGuard(TimeProvider time, int freeAttempts = 3, TimeSpan? maxDelay = null)
{
    private readonly TimeSpan _maxDelay = maxDelay ?? TimeSpan.FromMinutes(15);
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;

    /// <summary>Consecutive wrong PINs so far.</summary>
    public int Failures
    {
        get
        {
            lock (_lock)
            {
                return _failures;
            }
        }
    }

    /// <summary>How long the console stays locked; zero when a PIN may be tried now.</summary>
    public TimeSpan RemainingLockout()
    {
        lock (_lock)
        {
            var left = _lockedUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Records a wrong PIN; returns the lockout it starts (zero while tries are still free).</summary>
    public TimeSpan RecordFailure()
    {
        lock (_lock)
        {
            _failures++;
            var over = _failures - freeAttempts;
            if (over <= 0)
            {
                return TimeSpan.Zero;
            }

            var seconds = over >= 30 ? _maxDelay.TotalSeconds : Math.Min(Math.Pow(2, over), _maxDelay.TotalSeconds);
            var delay = TimeSpan.FromSeconds(seconds);
            _lockedUntil = time.GetUtcNow() + delay;
            return delay;
        }
    }

    /// <summary>Records a correct PIN: the count starts again.</summary>
    public void RecordSuccess()
    {
        lock (_lock)
        {
            _failures = 0;
            _lockedUntil = DateTimeOffset.MinValue;
        }
    }
}
