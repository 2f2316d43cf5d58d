using System.Runtime.InteropServices;

namespace EdgeGateway.Devices.Accelerometers;

/// <summary>
/// Raises the calling thread's Linux nice value where the process may (RLIMIT_NICE, systemd <c>LimitNICE=</c>, or
/// CAP_SYS_NICE): .NET's <see cref="ThreadPriority"/> does nothing on Linux. A nice thread still shares the CPU, unlike
/// SCHED_FIFO, which lets a managed thread spinning in a GC suspension starve the threads it waits for.
/// </summary>
internal static class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Tries nice <paramref name="nice"/> (-20–19) for the calling thread; <paramref name="outcome"/> says what it runs at.</summary>
    public static bool TryRaiseCurrentThread(int nice, out string outcome)
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

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetPriority(int which, int who, int prio);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int GetTid();
    }
}
