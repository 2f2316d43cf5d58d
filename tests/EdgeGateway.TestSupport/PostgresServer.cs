using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A real PostgreSQL owned by one test class: <c>initdb</c> into a temp dir, <c>postgres</c> on a free loopback port with its
/// unix socket in that dir, stopped and removed at dispose. PostgreSQL refuses to run as root, so as root it runs as <c>nobody</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Process _process;
    private int _databases;

    private PostgresServer(string dir, int port, Process process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The connection string of the server's default database (superuser <c>postgres</c>, trust auth on loopback).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The server's log so far (for failure messages).</summary>
    public string Log => File.Exists(Path.Combine(_dir, "postgres.log")) ? File.ReadAllText(Path.Combine(_dir, "postgres.log")) : "";

    /// <summary>Creates an empty database and returns its connection string, so each test starts from nothing.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..24];
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Initialises a cluster in a temp dir and starts it; waits until it accepts queries.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDir();
        var dir = Directory.CreateTempSubdirectory("postgres-").FullName;
        var asUser = Environment.IsPrivilegedProcess ? "nobody" : null;
        if (asUser is not null)
        {
            await RunAsync("chown", asUser, dir);
        }

        var data = Path.Combine(dir, "data");
        var init = await RunAsync(Path.Combine(bin, "initdb"), asUser, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions");
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed ({init.ExitCode}): {init.Output}");
        }

        var port = MosquittoBroker.FreePort();
        var psi = Start(Path.Combine(bin, "postgres"), asUser,
            "-D", data, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", dir, "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
            "-c", "logging_collector=off", "-c", "log_min_messages=warning");
        psi.RedirectStandardError = true;
        psi.RedirectStandardOutput = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start postgres");
        var log = File.CreateText(Path.Combine(dir, "postgres.log"));
        log.AutoFlush = true;
        var logLock = new Lock();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (logLock)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PostgresServer(dir, port, process);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"postgres exited with code {process.ExitCode}: {server.Log}");
            }

            try
            {
                await using var conn = new NpgsqlConnection(server.ConnectionString);
                await conn.OpenAsync();
                return server;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Fast shutdown of the postmaster itself (runuser in between does not pass signals on), then the whole tree if it lingers.
        var pidFile = Path.Combine(_dir, "data", "postmaster.pid");
        if (!_process.HasExited && File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
        {
            using var kill = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static ProcessStartInfo Start(string file, string? asUser, params string[] args)
    {
        var psi = new ProcessStartInfo(asUser is null ? file : "runuser") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (asUser is not null)
        {
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(asUser);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string? asUser, params string[] args)
    {
        var psi = file == "chown" ? new ProcessStartInfo("chown", [asUser!, args[0]]) { RedirectStandardError = true, RedirectStandardOutput = true } : Start(file, asUser, args);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output + await error);
    }

    private static string FindBinDir()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending())
            {
                if (File.Exists(Path.Combine(dir, "bin", "initdb")))
                {
                    return Path.Combine(dir, "bin");
                }
            }
        }

        throw new InvalidOperationException("PostgreSQL is not installed: run ./test.sh, which installs it (apt-get install postgresql)");
    }
}
