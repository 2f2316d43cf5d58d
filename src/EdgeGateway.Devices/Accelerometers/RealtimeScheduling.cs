using System.Runtime.InteropServices;

namespace EdgeGateway.Devices.Accelerometers;

/// <summary>
/// Puts the calling thread under Linux's SCHED_FIFO where the process may (RLIMIT_RTPRIO, systemd <c>LimitRTPRIO=</c>, or
/// CAP_SYS_NICE): .NET's <see cref="ThreadPriority"/> does nothing on Linux, and a reader at normal priority waits
/// behind every runnable thread on a loaded machine, once per I2C transfer.
/// </summary>
internal static class RealtimeScheduling
{
    private const int SchedFifo = 1;

    /// <summary>Tries SCHED_FIFO at <paramref name="priority"/> (1–99) for the calling thread; <paramref name="outcome"/> says what it runs at.</summary>
    public static bool TryRaiseCurrentThread(int priority, out string outcome)
    {
        if (!OperatingSystem.IsLinux())
        {
            outcome = "normal priority (real-time scheduling is only tried on Linux)";
            return false;
        }

        var param = new SchedParam { Priority = priority };

        // pid 0 is the calling thread: Linux schedules threads, not processes.
        if (NativeMethods.SchedSetScheduler(0, SchedFifo, ref param) == 0)
        {
            outcome = $"SCHED_FIFO priority {priority}";
            return true;
        }

        outcome = $"normal priority (SCHED_FIFO {priority} refused, errno {Marshal.GetLastPInvokeError()}; allow it with LimitRTPRIO={priority} in the unit)";
        return false;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SchedSetScheduler(int pid, int policy, ref SchedParam param);
    }
}
