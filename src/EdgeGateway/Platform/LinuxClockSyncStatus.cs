using System.Runtime.InteropServices;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Platform;

/// <summary>
/// Whether the Linux wall clock is synchronised, for the <c>clocksynced</c> attribute of every event: true when
/// systemd-timesyncd's marker file exists or the kernel's NTP state is not TIME_ERROR (adjtimex, so chrony and ntpd count too).
/// </summary>
/// <remarks>
/// systemd-timesyncd touches <c>/run/systemd/timesync/synchronized</c> after each successful synchronisation; /run is a
/// tmpfs, so the marker never survives a reboot (a Pi without RTC boots near 1970 or at the last saved time).
/// The kernel clears STA_UNSYNC only while a daemon disciplines the clock, and sets it again after about 16 minutes without
/// one. The answer is cached for <c>recheck</c> (default 1 s) because the alarm loop asks for every reading.
/// </remarks>
public sealed class LinuxClockSyncStatus : IClockSyncStatus
{
    /// <summary>Where systemd-timesyncd keeps its marker.</summary>
    public const string TimesyncdMarker = "/run/systemd/timesync/synchronized";

    private const int TimeError = 5;
    private readonly string _markerPath;
    private readonly bool _askKernel;
    private readonly TimeProvider _time;
    private readonly TimeSpan _recheck;
    private readonly Lock _gate = new();
    private long _checkedAt;
    private bool _hasChecked;
    private bool _synced;

    /// <summary>Creates the status; <paramref name="askKernel"/> false uses the marker file only (tests).</summary>
    public LinuxClockSyncStatus(TimeProvider time, string markerPath = TimesyncdMarker, bool askKernel = true, TimeSpan? recheck = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(markerPath);
        _time = time;
        _markerPath = markerPath;
        _askKernel = askKernel && OperatingSystem.IsLinux();
        _recheck = recheck ?? TimeSpan.FromSeconds(1);
    }

    /// <inheritdoc />
    public bool IsSynchronised
    {
        get
        {
            lock (_gate)
            {
                if (!_hasChecked || _time.GetElapsedTime(_checkedAt) >= _recheck)
                {
                    _synced = File.Exists(_markerPath) || (_askKernel && KernelState() is >= 0 and not TimeError);
                    _checkedAt = _time.GetTimestamp();
                    _hasChecked = true;
                }

                return _synced;
            }
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
