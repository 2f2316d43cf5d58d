using System.Diagnostics;
using System.Globalization;

namespace EdgeGateway.Benchmarks;

/// <summary>What /proc says about a process: memory, CPU time, file descriptors and their limit (Linux only).</summary>
internal static class ProcStat
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the gateway and the centre run on.

    /// <summary>A /proc/PID/status field in kB (VmRSS, VmHWM), or 0 when the process is gone.</summary>
    public static long StatusKb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>User + system CPU seconds so far.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            // The command name may hold spaces and parentheses: fields are counted after its closing one.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>File descriptors open now.</summary>
    public static int Fds(int pid)
    {
        try
        {
            return Directory.GetFiles($"/proc/{pid}/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The soft and hard RLIMIT_NOFILE of the process.</summary>
    public static (long Soft, long Hard) FdLimit(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        static long Value(string v) => v == "unlimited" ? long.MaxValue : long.Parse(v, CultureInfo.InvariantCulture);
        return (Value(parts[0]), Value(parts[1]));
    }

    /// <summary>
    /// Raises this process's RLIMIT_NOFILE to <paramref name="wanted"/> with util-linux prlimit (children started later inherit
    /// it: mosquitto and the centrals); null when done, else why not.
    /// </summary>
    public static string? TryRaiseOwnFdLimit(long wanted)
    {
        var pid = Environment.ProcessId;
        if (FdLimit(pid).Soft >= wanted)
        {
            return null;
        }

        var n = wanted.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("prlimit", ["--pid", pid.ToString(CultureInfo.InvariantCulture), $"--nofile={n}:{n}"]) { RedirectStandardError = true, UseShellExecute = false })!;
            var error = p.StandardError.ReadToEnd().Trim();
            p.WaitForExit();
            return FdLimit(pid).Soft >= wanted ? null : $"prlimit --nofile={n}:{n} refused: {error}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"prlimit (util-linux) could not run: {ex.Message}";
        }
    }

    /// <summary>
    /// One descriptor per connection on each side: this process and mosquitto (which inherits our limit) need N plus their
    /// own. Raises the limit, or says why not and what to run; the run goes on with the gateways that fit.
    /// </summary>
    public static void RaiseFdLimitFor(int gateways)
    {
        var wanted = gateways + 1024L;
        if (TryRaiseOwnFdLimit(wanted) is { } refused)
        {
            var (soft, hard) = FdLimit(Environment.ProcessId);
            Console.WriteLine($"file descriptors: RLIMIT_NOFILE is {soft} (hard {hard}), {gateways} connections need {wanted} in this process and in mosquitto; raising it was refused ({refused}). " +
                $"Raising the hard limit needs root with CAP_SYS_RESOURCE: run `prlimit --pid $$ --nofile={wanted}:{wanted}` (or `ulimit -Hn {wanted}; ulimit -n {wanted}`) in that shell first. Going on with the gateways that fit.");
        }
    }

    /// <summary>How many of <paramref name="gateways"/> fit: the smaller room of the two processes that hold one descriptor per gateway (printed when fewer).</summary>
    public static int GatewaysThatFit(int gateways, int brokerPid)
    {
        var self = Environment.ProcessId;
        // Room for what this process opens later (HTTP to the page, the runtime's own): out of descriptors, .NET aborts with "Out of memory".
        var room = Math.Min(FdLimit(self).Soft - Fds(self) - 200, FdLimit(brokerPid).Soft - Fds(brokerPid) - 8);
        var n = (int)Math.Min(gateways, room);
        if (n < gateways)
        {
            Console.WriteLine($"file descriptors: only {n} of {gateways} gateways fit (this process: {Fds(self)} open of {FdLimit(self).Soft}; mosquitto: {Fds(brokerPid)} open of {FdLimit(brokerPid).Soft})");
        }

        return n;
    }
}
