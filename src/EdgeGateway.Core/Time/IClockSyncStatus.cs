namespace EdgeGateway.Core.Time;

/// <summary>Tells whether the system wall clock is known to be synchronised (NTP, GNSS or a trusted RTC).</summary>
public interface IClockSyncStatus
{
    /// <summary>True once the wall clock is known to be right.</summary>
    bool IsSynchronised { get; }

    /// <summary>Where the wall clock's time came from; a status that cannot tell says ntp when synchronised.</summary>
    TimeSource Source => IsSynchronised ? TimeSource.Ntp : TimeSource.None;
}
