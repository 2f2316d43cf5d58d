namespace EdgeGateway.Core.Time;

/// <summary>When something happened: wall-clock time, whether that clock was synchronised, and monotonic time since boot.</summary>
/// <remarks>
/// Wall time can jump (NTP, a dead RTC battery gives 1970); monotonic time cannot, so it orders events within a boot.
/// Consumers must treat <see cref="Wall"/> as untrustworthy when <see cref="ClockSynchronised"/> is false.
/// </remarks>
public readonly record struct EventTime(DateTimeOffset Wall, bool ClockSynchronised, TimeSpan SinceBoot)
{
    /// <summary>Where <see cref="Wall"/> came from; null when not known (an event from a gateway that does not say).</summary>
    public TimeSource? Source { get; init; }
}
