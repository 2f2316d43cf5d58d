namespace EdgeGateway.Core.Time;

/// <summary>Tells whether the system wall clock is known to be synchronised (NTP, GNSS or a trusted RTC).</summary>
public interface IClockSyncStatus
{
    /// <summary>True once the wall clock is known to be right.</summary>
    bool IsSynchronised { get; }
}

/// <summary>A clock-sync status with a fixed answer (tests, the demo).</summary>
public sealed class FixedClockSyncStatus(bool synchronised) : IClockSyncStatus
{
    /// <inheritdoc />
    public bool IsSynchronised { get; set; } = synchronised;
}
