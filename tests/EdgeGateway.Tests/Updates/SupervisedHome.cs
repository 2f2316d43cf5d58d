using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway.Configuration;
using EdgeGateway.Demo;

namespace EdgeGateway.Tests.Updates;

/// <summary>
/// One simulated home installed as deploy/install.sh lays it out (its own <c>opt/releases/*</c>, the <c>current</c> link,
/// the start guard, trusted keys, config and data dir), run by a small supervisor that does what systemd's unit does:
/// the guard before every start, then <c>current/app/edgegateway run</c>, restarted 1 s after any exit (Restart=always).
/// </summary>
internal sealed class SupervisedHome : IAsyncDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Run> _runs = [];
    private readonly StringBuilder _log = new();
    private readonly string? _console;
    private Task _supervisor = Task.CompletedTask;

    private SupervisedHome(string id, string root, string? console)
    {
        Id = id;
        Root = root;
        _console = console;
    }

    /// <summary>One start of the service: which release it ran and how it ended.</summary>
    public sealed record Run(string Version, DateTimeOffset Started, int? ExitCode);

    /// <summary>The gateway id.</summary>
    public string Id { get; }

    /// <summary>The home's folder (opt/, data/, keys/, config.json).</summary>
    public string Root { get; }

    /// <summary>Where its releases and the <c>current</c> link live.</summary>
    public string Opt => Path.Combine(Root, "opt");

    /// <summary>Its data dir (outbox, update state).</summary>
    public string Data => Path.Combine(Root, "data");

    /// <summary>The release <c>current</c> points at now.</summary>
    public string CurrentVersion => File.ReadAllText(Path.Combine(Opt, "current", "VERSION")).Trim();

    /// <summary>Every start so far, oldest first.</summary>
    public IReadOnlyList<Run> Runs
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>Everything its processes wrote (stdout and stderr), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Installs <paramref name="releaseFolder"/> as the home's only release and writes its config; does not start it. With <paramref name="console"/> every start offers the technician console on that tty.</summary>
    public static SupervisedHome Install(string root, string id, string releaseFolder, string brokerUrl, string publicKeyPem, int gateSeconds, string? console = null)
    {
        var home = new SupervisedHome(id, root, console);
        var version = File.ReadAllText(Path.Combine(releaseFolder, "VERSION")).Trim();
        Directory.CreateDirectory(Path.Combine(home.Opt, "releases"));
        CopyTree(releaseFolder, Path.Combine(home.Opt, "releases", version));
        File.CreateSymbolicLink(Path.Combine(home.Opt, "current"), $"releases/{version}");
        File.Copy(Path.Combine(releaseFolder, "update-guard.sh"), Path.Combine(home.Opt, "update-guard.sh"));
        var keys = Path.Combine(root, "keys");
        Directory.CreateDirectory(keys);
        File.WriteAllText(Path.Combine(keys, "release.pub"), publicKeyPem);

        var simulated = SimulatedHome.Config(Oslo, home.Data);
        var config = new GatewayConfig
        {
            GatewayId = id,
            Simulated = true,
            DataDirectory = home.Data,
            Devices = simulated.Devices,
            Rules = simulated.Rules,
            Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 5, KeepAliveSeconds = 5, PlainLoopbackDemo = true },
        };
        var json = JsonNode.Parse(config.ToJson())!.AsObject();
        json["update"] = new JsonObject
        {
            ["install_dir"] = home.Opt,
            ["keys_dir"] = keys,
            ["gate_seconds"] = gateSeconds,
            ["max_starts"] = 3,
        };
        File.WriteAllText(Path.Combine(root, "config.json"), json.ToJsonString());
        return home;
    }

    /// <summary>Starts supervising: guard, start, restart after every exit until disposed.</summary>
    public void Start() => _supervisor = Task.Run(() => SuperviseAsync(_stop.Token));

    private async Task SuperviseAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await RunToEndAsync("bash", [Path.Combine(Opt, "update-guard.sh"), Opt, Data], ct).ConfigureAwait(false);
            var version = CurrentVersion;
            var run = new Run(version, DateTimeOffset.UtcNow, null);
            lock (_runs)
            {
                _runs.Add(run);
            }

            var psi = new ProcessStartInfo(Path.Combine(Opt, "current", "app", "edgegateway"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "run", "--config", Path.Combine(Root, "config.json"), "--data-dir", Data })
            {
                psi.ArgumentList.Add(a);
            }

            if (_console is not null)
            {
                psi.ArgumentList.Add("--console");
                psi.ArgumentList.Add(_console);
            }

            using var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped as systemd stops the service: SIGTERM, then SIGKILL if it does not end.
                Signal(process.Id, "TERM");
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            lock (_runs)
            {
                _runs[^1] = run with { ExitCode = process.HasExited ? process.ExitCode : null };
            }

            Append($"[supervisor] {version} exited with {(process.HasExited ? process.ExitCode : -1)}");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task RunToEndAsync(string file, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false) + await process.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (output.Length > 0)
        {
            Append($"[guard] {output.Trim()}");
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(false);
        _stop.Dispose();
    }
}
