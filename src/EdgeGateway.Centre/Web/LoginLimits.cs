namespace EdgeGateway.Centre.Web;

/// <summary>The limits on guessing (defaults: 5 free failures, then 1 s doubling to 15 min, forgotten after an hour without one).</summary>
public sealed record LoginLimits
{
    /// <summary>Failures (per name and per address) before each further one locks out.</summary>
    public int FreeFailures { get; init; } = 5;

    /// <summary>The first lockout; each further failure doubles it.</summary>
    public TimeSpan FirstLockout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest lockout.</summary>
    public TimeSpan MaxLockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A name's or address's failures are forgotten after this long without one.</summary>
    public TimeSpan Forget { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the accounts file is read again for changes.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);
}
