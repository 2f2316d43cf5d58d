namespace EdgeGateway.Core.Time;

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
