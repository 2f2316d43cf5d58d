namespace EdgeGateway.Core.Rules;

/// <summary>One pending check of a rule. Tokens are unique per process, so a stale callback queued before a re-arm or cancel is recognised and ignored.</summary>
internal sealed class TimerSlot
{
    private static long s_lastToken;
    private long _token;
    private IDisposable? _timer;

    public bool IsArmed => _timer is not null;

    public void Arm(ICareRule rule, IRuleContext context, TimeSpan delay)
    {
        Cancel();
        _token = Interlocked.Increment(ref s_lastToken);
        _timer = context.Schedule(rule, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, _token);
    }

    /// <summary>True (and disarms) if <paramref name="token"/> is this slot's current, armed token.</summary>
    public bool Fired(long token)
    {
        if (_timer is null || token != _token)
        {
            return false;
        }

        _timer.Dispose();
        _timer = null;
        return true;
    }

    public void Cancel()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
