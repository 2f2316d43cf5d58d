namespace EdgeGateway.Core.Time;

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
