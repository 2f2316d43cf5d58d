namespace EdgeGateway.Core.Time;

/// <summary>Tells whether the system wall clock is known to be synchronised (NTP, GNSS or a trusted RTC).</summary>
public interface IClockSyncStatus
{
    /// <summary>True once the wall clock is known to be right.</summary>
    bool IsSynchronised { get; }

    /// <summary>Where the wall clock's time came from; a status that cannot tell says ntp when synchronised.</summary>
    TimeSource Source => IsSynchronised ? TimeSource.Ntp : TimeSource.None;
}

/// <summary>Where the wall clock's time came from, as events carry it in <c>timesource</c>.</summary>
public enum TimeSource
{
    /// <summary>Neither synchronised nor set from a trusted RTC: do not trust the wall time.</summary>
    None,

    /// <summary>Synchronised over the network (NTP: systemd-timesyncd, chrony, ntpd).</summary>
    Ntp,

    /// <summary>Set at boot from a battery-backed RTC whose oscillator kept running, not (yet) synchronised over the network.</summary>
    Rtc,
}

/// <summary>A clock-sync status with a fixed answer (tests, the demo).</summary>
public sealed class FixedClockSyncStatus(bool synchronised) : IClockSyncStatus
{
    /// <inheritdoc />
    public bool IsSynchronised { get; set; } = synchronised;

    /// <summary>The source to report; null for ntp when synchronised, none otherwise.</summary>
    public TimeSource? FixedSource { get; set; }

    /// <inheritdoc />
    public TimeSource Source => FixedSource ?? (IsSynchronised ? TimeSource.Ntp : TimeSource.None);
}
