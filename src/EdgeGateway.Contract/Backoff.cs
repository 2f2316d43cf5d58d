namespace EdgeGateway.Contract;

/// <summary>Exponential back-off with full jitter, so a fleet of gateways does not reconnect in lock-step after a broker restart.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    private int _attempt;

    /// <summary>The delay before the next attempt; grows with each call until <see cref="Reset"/>.</summary>
    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 20)));
        _attempt++;
#pragma warning disable CA5394 // jitter needs no cryptographic randomness
        var ms = (ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Starts over after a success.</summary>
    public void Reset() => _attempt = 0;
}
