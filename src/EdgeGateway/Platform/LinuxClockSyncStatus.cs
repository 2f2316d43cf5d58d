using System.Runtime.InteropServices;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Platform;

/// <summary>
/// Whether the Linux wall clock can be trusted, for the <c>clocksynced</c> and <c>timesource</c> attributes of every event:
/// ntp when systemd-timesyncd's marker file exists or the kernel's NTP state is not TIME_ERROR (adjtimex, so chrony and
/// ntpd count too); else rtc when the kernel set the clock at boot from a battery-backed RTC that still reads; else none.
/// </summary>
/// <remarks>
/// systemd-timesyncd touches <c>/run/systemd/timesync/synchronized</c> after each successful synchronisation; /run is a
/// tmpfs, so the marker never survives a reboot (a Pi without RTC boots near 1970 or at the last saved time).
/// The kernel clears STA_UNSYNC only while a daemon disciplines the clock, and sets it again after about 16 minutes without
/// one. The answer is cached for <c>recheck</c> (default 1 s) because the alarm loop asks for every reading.
/// <para>
/// The RTC (a DS3231 under the kernel's rtc-ds1307 driver, <c>dtoverlay=i2c-rtc,ds3231</c>) is trusted when
/// <c>{rtc}/hctosys</c> is 1 (the kernel set the system clock from it at boot) and <c>{rtc}/since_epoch</c> reads as a
/// number: the driver refuses every read while the chip's oscillator-stop flag (OSF) is set, i.e. after its battery ran
/// flat, so an RTC that lost time is never trusted. The flag is cleared only when the time is written (hwclock -w,
/// done by timesyncd/chrony's rtcsync or our unit after NTP sync).
/// </para>
/// </remarks>
public sealed class LinuxClockSyncStatus : IClockSyncStatus
{
    /// <summary>Where systemd-timesyncd keeps its marker.</summary>
    public const string TimesyncdMarker = "/run/systemd/timesync/synchronized";

    /// <summary>The first RTC's sysfs directory.</summary>
    public const string Rtc0 = "/sys/class/rtc/rtc0";

    private const int TimeError = 5;
    private readonly string _markerPath;
    private readonly string? _rtcDirectory;
    private readonly bool _askKernel;
    private readonly TimeProvider _time;
    private readonly TimeSpan _recheck;
    private readonly Lock _gate = new();
    private long _checkedAt;
    private bool _hasChecked;
    private TimeSource _source;

    /// <summary>Creates the status; <paramref name="askKernel"/> false uses the marker file only (tests); <paramref name="rtcDirectory"/> is the RTC's sysfs directory (a fake tree in tests, null for no RTC).</summary>
    public LinuxClockSyncStatus(TimeProvider time, string markerPath = TimesyncdMarker, bool askKernel = true, TimeSpan? recheck = null, string? rtcDirectory = Rtc0)
    {
        _rtcDirectory = rtcDirectory;
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(markerPath);
        _time = time;
        _markerPath = markerPath;
        _askKernel = askKernel && OperatingSystem.IsLinux();
        _recheck = recheck ?? TimeSpan.FromSeconds(1);
    }

    /// <inheritdoc />
    public bool IsSynchronised => Source != TimeSource.None;

    /// <inheritdoc />
    public TimeSource Source
    {
        get
        {
            lock (_gate)
            {
                if (!_hasChecked || _time.GetElapsedTime(_checkedAt) >= _recheck)
                {
                    _source = File.Exists(_markerPath) || (_askKernel && KernelState() is >= 0 and not TimeError) ? TimeSource.Ntp
                        : _rtcDirectory is not null && RtcTrusted(_rtcDirectory) ? TimeSource.Rtc
                        : TimeSource.None;
                    _checkedAt = _time.GetTimestamp();
                    _hasChecked = true;
                }

                return _source;
            }
        }
    }

    /// <summary>True when the kernel set the clock at boot from the RTC in <paramref name="rtcDirectory"/> and the RTC still reads (its driver refuses while the oscillator-stop flag is set).</summary>
    public static bool RtcTrusted(string rtcDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(rtcDirectory, "hctosys")).Trim() == "1"
                && long.TryParse(File.ReadAllText(Path.Combine(rtcDirectory, "since_epoch")).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                && seconds > 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No RTC, or the driver refused the read (EINVAL while OSF is set): not trusted.
            return false;
        }
    }

    /// <summary>The kernel's clock state from adjtimex(2) (0 TIME_OK … 5 TIME_ERROR = unsynchronised), or -1 when it cannot be read.</summary>
    public static int KernelState()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        // struct timex is 208 bytes on 64-bit Linux; a zeroed buffer means modes = 0, i.e. read only, no privilege needed.
        var timex = new byte[512];
        try
        {
            return Adjtimex(ref timex[0]);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return -1;
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable, so no marshalling stub (and no unsafe code) is needed.
    [DllImport("libc", EntryPoint = "adjtimex", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Adjtimex(ref byte timex);
}
