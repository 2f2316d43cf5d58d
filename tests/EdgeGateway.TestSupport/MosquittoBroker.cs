using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A real mosquitto broker on a free loopback port, owned by one test: start, wait until it accepts connections,
/// stop, kill -9, and restart on the same port (so clients reconnect to the address they know).
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _configPath;
    private Process? _process;

    private MosquittoBroker(int port, string dir, string extraConfig, string? listener = null)
    {
        Port = port;
        _dir = dir;
        _configPath = Path.Combine(dir, "mosquitto.conf");
        listener ??= $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            """;
        File.WriteAllText(_configPath, $"""
            {listener}
            persistence true
            persistence_location {dir}/
            autosave_interval 1
            log_dest file {dir}/mosquitto.log
            log_type error
            log_type warning
            log_type notice
            {extraConfig}
            """);
    }

    /// <summary>The loopback port the broker listens on.</summary>
    public int Port { get; }

    /// <summary>The broker URL, e.g. mqtt://127.0.0.1:41234.</summary>
    public string Url => $"mqtt://127.0.0.1:{Port}";

    /// <summary>The TLS broker URL, e.g. mqtts://127.0.0.1:41234 (for a broker started with a TLS listener).</summary>
    public string TlsUrl => $"mqtts://127.0.0.1:{Port}";

    /// <summary>The broker's own directory (config, log, persistence); tests may put certificates or ACL files there.</summary>
    public string Directory => _dir;

    /// <summary>The broker's log so far (for failure messages).</summary>
    public string Log => File.Exists(Path.Combine(_dir, "mosquitto.log")) ? File.ReadAllText(Path.Combine(_dir, "mosquitto.log")) : "";

    /// <summary>The broker's process id while it runs (for its memory, CPU and file descriptors in /proc), or null.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a broker on a free loopback port and waits until it accepts connections.</summary>
    public static async Task<MosquittoBroker> StartAsync(string extraConfig = "")
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("mosquitto-").FullName;
        var broker = new MosquittoBroker(FreePort(), dir, extraConfig);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>
    /// Starts a broker whose listener section is <paramref name="listener"/>(port, broker dir) — e.g. a TLS listener with
    /// client certificates and an ACL file — instead of the default anonymous plain listener; waits until it accepts connections.
    /// </summary>
    public static async Task<MosquittoBroker> StartAsync(Func<int, string, string> listener, string extraConfig = "")
    {
        ArgumentNullException.ThrowIfNull(listener);
        var dir = System.IO.Directory.CreateTempSubdirectory("mosquitto-").FullName;
        var port = FreePort();
        var broker = new MosquittoBroker(port, dir, extraConfig, listener(port, dir));
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>Starts the broker again on the same port (after <see cref="StopAsync"/> or <see cref="Kill"/>).</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }

        var psi = new ProcessStartInfo(FindMosquitto(), ["-c", _configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start mosquitto");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with code {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {Log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException($"mosquitto did not accept connections on port {Port} within 15 s: {Log}");
    }

    /// <summary>Stops the broker gracefully (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Kills the broker with SIGKILL, as a crash or power cut would.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        await Task.Yield();
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindMosquitto()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/local/sbin"))
        {
            var candidate = Path.Combine(dir, "mosquitto");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("mosquitto is not installed: run ./test.sh, which installs it (apt-get install mosquitto)");
    }
}
