using System.Diagnostics;
using System.Globalization;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Stopwatch runner (<c>-- idle [edgegateway.dll] [seconds] [extra run args...]</c>): an idle <c>edgegateway run</c> process
/// connected to mosquitto with the default 60 s heartbeat; CPU (share of one core, from /proc) and RSS after a warm-up.
/// </summary>
internal static class UplinkIdleRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var dll = args.Length > 1 ? Path.GetFullPath(args[1]) : DefaultDll();
        var seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 60;
        var extra = args.Length > 3 ? args[3..] : ["--plain-loopback-demo"];
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"{dll} not found: dotnet build -c Release src/EdgeGateway first, or pass the path");
            return 2;
        }

        await using var broker = await MosquittoBroker.StartAsync("set_tcp_nodelay true");
        var dir = Directory.CreateTempSubdirectory("bench-idle-").FullName;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "run", "--broker", broker.Url, "--data-dir", dir, "--gateway-id", "idle" }.Concat(extra))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10)); // start-up, JIT and the first heartbeat are not idle
            var (t0, cpu0) = (Stopwatch.GetTimestamp(), CpuTicks(process.Id));
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var cpu = (CpuTicks(process.Id) - cpu0) / 100.0; // USER_HZ is 100 on Linux
            Console.WriteLine($"idle 'edgegateway run' ({Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(dll))))}, args {string.Join(' ', extra)}): CPU {100 * cpu / elapsed:F2}% of one core over {elapsed:F0} s, RSS {Rss(process.Id)} MB");
            return 0;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long CpuTicks(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 (utime, stime) after the parenthesised command name.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static long Rss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is { } kb ? long.Parse(kb, CultureInfo.InvariantCulture) / 1024 : 0;

    private static string DefaultDll()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EdgeGateway.sln")))
            {
                return Path.Combine(d.FullName, "src", "EdgeGateway", "bin", "Release", "net10.0", "edgegateway.dll");
            }
        }

        return "edgegateway.dll";
    }
}
