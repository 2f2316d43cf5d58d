using System.Threading.Channels;
using EdgeGateway.Adapters;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Platform;
using EdgeGateway.Runtime;
using EdgeGateway.TechnicianConsole;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.Updates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Composition;

/// <summary>
/// Hosts the gateway under Microsoft.Extensions.Hosting: StartAsync returns once the alarm loop is armed, so systemd's
/// READY=1 (sent by AddSystemd's lifetime after all StartAsync calls) means "armed"; the watchdog is petted only while
/// the loop answers probes. A config applied from the console or the centre is put in force by rebuilding the home
/// (never while an alarm is active); the process, the console session and the store stay. A config that cannot start
/// (its data directory gone, its hardware not answering) is not the end: the last version that started is started
/// instead, made the version in force (audited), and the reason is logged, shown on the console and sent in every heartbeat.
/// </summary>
internal sealed partial class GatewayService(
    GatewayConfig config,
    Func<string, GatewayConfig> loadConfig,
    GatewayRunOptions run,
    ILoggerFactory loggers,
    LogTail logTail,
    ISystemdNotifier notifier,
    IHostApplicationLifetime lifetime) : IHostedService, IAsyncDisposable
{
    /// <summary>What the console says after an apply or rollback: when the new version is in force.</summary>
    internal const string ReloadNotice = "the home restarts with it in about a second (after any active alarm is cleared)";

    // Long enough for the reply to the centre's config command (or the console's answer) to go out first.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AlarmRecheck = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ConfigVersion> _applied = Channel.CreateUnbounded<ConfigVersion>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger = loggers.CreateLogger("gateway");
    private readonly GatewayBuilder _builder = new(new LinuxClockSyncStatus(TimeProvider.System), loggers, TimeProvider.System);
    private volatile Gateway? _gateway;
    private volatile GatewayConfig _config = config;
    private ConfigStore? _store;
    private ConsoleBridge? _bridge;
    private LoopWatchdog? _watchdog;
    private string _dataDir = run.DataDir;
    private string? _fallback;
    private Task _console = Task.CompletedTask;
    private Task _reloads = Task.CompletedTask;
    private Task _healthGate = Task.CompletedTask;
    private Updater? _updater;
    private HttpClient? _updateHttp;

    public Gateway? Gateway => _gateway;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The release that runs is the one current points at: the heartbeat and health.json tell the centre and update.sh.
        var install = new ReleaseInstall(_config.Update.InstallDir);
        VersionInfo.UseInstalled(install.CurrentVersion());
        Gateway gateway;
        try
        {
            gateway = await StartGatewayAsync(_config, _dataDir, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var fallback = await StartFallbackAsync(ex, cancellationToken).ConfigureAwait(false);
            if (fallback is null)
            {
                // Nothing to fall back to: the start fails as it would have (exit 3 on storage), for systemd to retry.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
            }

            gateway = fallback;
        }

        if (ConfigGuards.NoHelpInput(_config) is { } noHelp)
        {
            LogNoHelpInput(_logger, noHelp.ToString());
        }

        // The gate runs whatever becomes of the config store: a release on trial must be judged even if the store is broken.
        var updateHost = new GatewayUpdateHost(() => _gateway, lifetime);
        var updateLogger = loggers.CreateLogger("update");
        _healthGate = RunHealthGateAsync(new HealthGate(_dataDir, install, VersionInfo.Running, updateHost, TimeProvider.System, updateLogger), _stop.Token);
        _updateHttp = UpdateHttp.Create(_config.Update.CaFile, out var caProblem);
        if (caProblem is not null)
        {
            LogUpdateCaUnreadable(_logger, caProblem);
        }
        _updater = new Updater(_config.Update, _dataDir, VersionInfo.Running, updateHost, _updateHttp, TimeProvider.System, updateLogger);

        try
        {
            _store ??= _builder.OpenConfigStore(run.ConfigPath);
            _store.MarkStarted();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // The home is armed and delivering; only editing the config is impossible. Say so, keep protecting.
            LogConfigStoreUnusable(_logger, run.ConfigPath, ex.Message);
            return;
        }

        _builder.AttachRemoteCommands(gateway, _store, _dataDir, _updater);
        _store.Applied += version => _applied.Writer.TryWrite(version);
        _reloads = ReloadOnApplyAsync(_stop.Token);
        if (run.Console is { } consoleArg)
        {
            _bridge = _builder.ConsoleBridge(gateway);
            _bridge.ConfigNotice = _fallback;
            var services = _bridge.Services(_store, _dataDir, logTail, ReloadNotice);
            _console = OfferConsoleAsync(consoleArg, services, _stop.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    /// <summary>Runs the health gate of an update on trial (or reports a rollback); a failure of its own is logged, never stops the home.</summary>
    private async Task RunHealthGateAsync(HealthGate gate, CancellationToken cancellationToken)
    {
        try
        {
            await gate.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The start guard rolls back a release that never commits; the home keeps protecting meanwhile.
            LogHealthGateFailed(_logger, ex.Message);
        }
    }

    /// <summary>
    /// The start of the version in force failed with <paramref name="failure"/>: starts the newest other version that has
    /// started before, makes it the version in force as a rollback by "system" (audited with the reason), and keeps the reason
    /// for the log, the console and the heartbeat. Null when there is none, or none starts.
    /// </summary>
    private async Task<Gateway?> StartFallbackAsync(Exception failure, CancellationToken cancellationToken)
    {
        ConfigStore store;
        try
        {
            store = _builder.OpenConfigStore(run.ConfigPath);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            LogConfigStoreUnusable(_logger, run.ConfigPath, ex.Message);
            return null;
        }

        var failed = store.Version;
        var why = failure.Message.ReplaceLineEndings(" ");
        LogStartFailed(_logger, failure, failed);
        foreach (var version in store.StartedVersions().Where(v => v != failed))
        {
            if (store.KeptFile(version) is not { } file)
            {
                continue;
            }

            Gateway gateway;
            GatewayConfig candidate;
            try
            {
                candidate = loadConfig(file);
                gateway = await StartGatewayAsync(candidate, candidate.DataDirectory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFallbackFailed(_logger, version, ex.Message.ReplaceLineEndings(" "));
                continue;
            }

            _config = candidate;
            _dataDir = candidate.DataDirectory;
            _store = store;
            var now = version;
            try
            {
                // What runs is what the store says is in force: the console and config.get show it, and the next start starts it.
                now = store.Rollback("system", version, via: "start-up fallback", reason: $"version {failed} could not start: {why}", knowingly: true).Version;
            }
            catch (Configuration.ConfigRejectedException ex)
            {
                LogConfigStoreUnusable(_logger, run.ConfigPath, ex.Message.ReplaceLineEndings(" "));
            }

            _fallback = $"version {failed} could not start ({why}); running version {version} again as version {now}";
            _builder.ConfigNotice = _fallback;
            LogFellBack(_logger, failed, version, now, why);
            return gateway;
        }

        return null;
    }

    /// <summary>Builds and arms a gateway for <paramref name="gatewayConfig"/> on <paramref name="dataDir"/>, with its watchdog; the process stops if it ever ends on its own.</summary>
    private async Task<Gateway> StartGatewayAsync(GatewayConfig gatewayConfig, string dataDir, CancellationToken cancellationToken)
    {
        var gateway = _builder.Build(gatewayConfig, dataDir);
        try
        {
            await gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _gateway = gateway;
        _watchdog = _builder.Watchdog(gateway, notifier);

        // A part that stops on its own (it should not) stops the process, so systemd restarts it; a replaced one does not.
        _ = gateway.Completion.ContinueWith(
            _ =>
            {
                if (ReferenceEquals(_gateway, gateway) && !_stop.IsCancellationRequested)
                {
                    lifetime.StopApplication();
                }
            },
            TaskScheduler.Default);
        return gateway;
    }

    /// <summary>Puts each applied config version in force: waits for quiet (no active alarm), then rebuilds the home from the file.</summary>
    private async Task ReloadOnApplyAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _applied.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(Settle, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                var version = 0;
                while (_applied.Reader.TryRead(out var applied))
                {
                    version = applied.Version;
                }

                // A rebuild resets the outputs and the loop: never while an alarm sounds or waits for its acknowledgement.
                var deferred = false;
                while (_gateway is { } current && current.Home.Loop.ActiveAlarms.Count > 0)
                {
                    if (!deferred)
                    {
                        LogReloadDeferred(_logger, version, current.Home.Loop.ActiveAlarms.Count);
                        deferred = true;
                    }

                    await Task.Delay(AlarmRecheck, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                }

                await ReloadAsync(version, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReloadAsync(int version, CancellationToken cancellationToken)
    {
        GatewayConfig next;
        try
        {
            next = loadConfig(run.ConfigPath);
        }
        catch (Exception ex) when (ex is ConfigurationException or IOException or UnauthorizedAccessException)
        {
            // The store validated it; a file changed behind its back is refused here, and the running home stays.
            LogReloadRefused(_logger, version, ex.Message);
            return;
        }

        var started = TimeProvider.System.GetTimestamp();
        await StopGatewayAsync().ConfigureAwait(false);
        Gateway gateway;
        var inForce = false;
        try
        {
            // The data directory stays the one this process started on (the outbox in it may hold undelivered events); a new one takes effect at the next start.
            gateway = await StartGatewayAsync(next, _dataDir, cancellationToken).ConfigureAwait(false);
            _config = next;
            inForce = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // New hardware that does not answer (a chip not fitted, a pin in use): go back to the home that worked.
            LogReloadFailed(_logger, ex, version);
            try
            {
                gateway = await StartGatewayAsync(_config, _dataDir, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception again) when (again is not OperationCanceledException)
            {
                LogRestoreFailed(_logger, again);
                lifetime.StopApplication();
                return;
            }
        }

        _builder.AttachRemoteCommands(gateway, _store!, _dataDir, _updater);
        _bridge?.Rebind(gateway);
        if (inForce)
        {
            // A version put in force after a fallback is the technician's answer to it: the notice has done its work.
            _fallback = null;
            _builder.ConfigNotice = null;
            if (_bridge is not null)
            {
                _bridge.ConfigNotice = null;
            }

            if (next.DataDirectory == _dataDir)
            {
                _store?.MarkStarted();
            }

            var took = (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
            LogReloaded(_logger, version, took);
        }
    }

    private async Task StopGatewayAsync()
    {
        _watchdog?.Dispose();
        _watchdog = null;
        if (_gateway is { } gateway)
        {
            _gateway = null;
            await gateway.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Offers the console on a serial line again and again (a technician unplugs and replugs); on stdin once.</summary>
    private async Task OfferConsoleAsync(string consoleArg, ConsoleServices services, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger<ConsoleServer>();

        // One lockout for the life of the process (the first server's): replugging the cable must not buy more PIN guesses.
        LoginGuard? guard = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Each session takes the console settings in force when it starts (a reload may have changed the PIN).
            var current = _config;
            var options = new ConsoleOptions
            {
                PinHash = current.Console.PinHash ?? PinHash.Create(PinPolicy.DemoPin).ToString(),
                IdleTimeout = TimeSpan.FromMinutes(current.Console.IdleLogoutMinutes),
                Banner = $"EdgeGateway {current.GatewayId} technician console ({VersionInfo.Text})",
            };
            try
            {
                await using var server = new ConsoleServer(ConsoleTransports.Open(consoleArg), services, TimeProvider.System, options, logger, guard);
                guard ??= server.Guard;
                server.Start();
                await server.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // A missing or busy tty must not stop the gateway: say so and try again shortly.
                LogConsoleUnavailable(logger, consoleArg, ex.Message);
            }

            if (consoleArg == "-")
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _healthGate.ConfigureAwait(false);
        // The host stops and then disposes this service: the second call finds the updater gone.
        if (Interlocked.Exchange(ref _updater, null) is { } updater)
        {
            await updater.DisposeAsync().ConfigureAwait(false);
        }

        _updateHttp?.Dispose();
        await _reloads.ConfigureAwait(false);
        await _console.ConfigureAwait(false);
        await StopGatewayAsync().ConfigureAwait(false);
        _bridge?.Dispose();
    }

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Config store {Path} is unusable ({Reason}): the console and the centre cannot change the config until it is repaired; the home stays armed")]
    private static partial void LogConfigStoreUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Config version {Version} is in force: home rebuilt and armed in {Milliseconds} ms")]
    private static partial void LogReloaded(ILogger logger, int version, long milliseconds);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Config version {Version} waits for {Alarms} active alarm(s) to be cleared before the home is rebuilt")]
    private static partial void LogReloadDeferred(ILogger logger, int version, int alarms);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "Config version {Version} not put in force: {Reason}; the running home stays as it is")]
    private static partial void LogReloadRefused(ILogger logger, int version, string reason);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Error, Message = "Config version {Version} could not be started; going back to the previous config")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, int version);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Critical, Message = "The previous config could not be restarted either; stopping so that systemd restarts the gateway")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "No help input: {Problem}")]
    private static partial void LogNoHelpInput(ILogger logger, string problem);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Critical, Message = "Config version {Version} could not start; trying the last version that did")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, int version);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Error, Message = "Config version {Version} did not start either: {Reason}")]
    private static partial void LogFallbackFailed(ILogger logger, int version, string reason);

    [LoggerMessage(EventId = 1025, Level = LogLevel.Critical, Message = "Config version {Failed} could not start ({Reason}); fell back to version {Started}, now in force as version {Now}: fix the cause, then apply a corrected config")]
    private static partial void LogFellBack(ILogger logger, int failed, int started, int now, string reason);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Error, Message = "The update health gate could not finish ({Reason}); the start guard rolls back a release that never commits")]
    private static partial void LogHealthGateFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1116, Level = LogLevel.Error, Message = "{Problem}")]
    private static partial void LogUpdateCaUnreadable(ILogger logger, string problem);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Console on {Console} unavailable: {Reason}; retrying in 5 s")]
    private static partial void LogConsoleUnavailable(ILogger logger, string console, string reason);
}
