using System.Runtime.InteropServices;

namespace EdgeGateway.Devices;

/// <summary>
/// Raises the calling thread's Linux scheduling priority where the process may: .NET's <see cref="ThreadPriority"/>
/// does nothing on Linux. Two levels: a nice value (RLIMIT_NICE, systemd <c>LimitNICE=</c>, or CAP_SYS_NICE), the
/// fallback, and SCHED_FIFO (RLIMIT_RTPRIO, systemd <c>LimitRTPRIO=</c>) for the few threads that sleep between short
/// bursts and must run the moment they wake: the threads between a press and the buzzer, and the accelerometer's FIFO
/// reader. Under EEVDF a woken nice -10 thread still waits for a busy task's slice (about 3 ms; bench/README.md).
/// </summary>
public static class ThreadPriorities
{
    /// <summary>The real-time priority of the alarm path's threads (debounce, loop): low among RT, above every normal task.</summary>
    public const int AlarmPathRealtime = 10;

    /// <summary>
    /// The real-time priority of the accelerometer's FIFO reader: below the press path, above every normal task. It wakes
    /// every few tens of ms for a short burst read; late by more than the FIFO's 165 ms, it loses samples that may hold a fall.
    /// </summary>
    public const int FallPathRealtime = 5;

    /// <summary>The nice value a thread falls back to when real time is refused.</summary>
    public const int RaisedNice = -10;

    private const int PrioProcess = 0;
    private const int SchedFifo = 1;

    /// <summary>Tries nice <paramref name="nice"/> (-20–19) for the calling thread; <paramref name="outcome"/> says what it runs at.</summary>
    public static bool TryNice(int nice, out string outcome)
    {
        if (!OperatingSystem.IsLinux())
        {
            outcome = "normal priority (nice is only tried on Linux)";
            return false;
        }

        // With PRIO_PROCESS and a thread id, Linux sets the nice value of that one thread.
        if (NativeMethods.SetPriority(PrioProcess, NativeMethods.GetTid(), nice) == 0)
        {
            outcome = $"nice {nice}";
            return true;
        }

        outcome = $"normal priority (nice {nice} refused, errno {Marshal.GetLastPInvokeError()}; allow it with LimitNICE={nice} in the unit)";
        return false;
    }

    /// <summary>
    /// Tries SCHED_FIFO at <paramref name="priority"/> for the calling thread, else nice <see cref="RaisedNice"/>;
    /// <paramref name="outcome"/> says what it runs at. Only for threads that sleep between short bursts of work: a
    /// real-time thread that spins starves what shares its core.
    /// </summary>
    public static bool TryRealtime(int priority, out string outcome)
    {
        if (OperatingSystem.IsLinux())
        {
            var param = priority;
            if (NativeMethods.SchedSetScheduler(NativeMethods.GetTid(), SchedFifo, ref param) == 0)
            {
                outcome = $"SCHED_FIFO {priority}";
                return true;
            }

            var errno = Marshal.GetLastPInvokeError();
            TryNice(RaisedNice, out var fallback);
            outcome = $"{fallback} (SCHED_FIFO {priority} refused, errno {errno}; allow it with LimitRTPRIO={priority} in the unit)";
            return false;
        }

        outcome = "normal priority (real time is only tried on Linux)";
        return false;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetPriority(int which, int who, int prio);

        // struct sched_param is one int (sched_priority) on Linux, on every architecture.
        [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SchedSetScheduler(int pid, int policy, ref int param);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int GetTid();
    }
}
