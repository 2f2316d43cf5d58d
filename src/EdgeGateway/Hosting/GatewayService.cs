using EdgeGateway.Cli;
using EdgeGateway.Configuration;
using EdgeGateway.TechnicianConsole;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TechnicianConsole.Services;
using EdgeGateway.TechnicianConsole.Transport;
using EdgeGateway.Uplink.Contract;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hosting;

/// <summary>How <c>run</c> was asked to run: data dir (config or command line), config path, optional console.</summary>
internal sealed record GatewayRunOptions(string DataDir, string ConfigPath, string? Console);

/// <summary>
/// Hosts the gateway under Microsoft.Extensions.Hosting: StartAsync returns once the alarm loop is armed, so systemd's
/// READY=1 (sent by AddSystemd's lifetime after all StartAsync calls) means "armed"; the watchdog is petted only while
/// the loop answers probes.
/// </summary>
internal sealed partial class GatewayService(
    GatewayConfig config,
    GatewayRunOptions run,
    ILoggerFactory loggers,
    LogTail logTail,
    ISystemdNotifier notifier,
    IHostApplicationLifetime lifetime) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Gateway? _gateway;
    private LoopWatchdog? _watchdog;
    private Task _console = Task.CompletedTask;

    public Gateway? Gateway => _gateway;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = new LinuxClockSyncStatus(TimeProvider.System);
        _gateway = Gateway.Create(config, run.DataDir, clock, loggers, TimeProvider.System);
        await _gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        ConfigStore store;
        try
        {
            store = ConsoleBridge.OpenStore(run.ConfigPath, TimeProvider.System);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // The home is armed and delivering; only editing the config is impossible. Say so, keep protecting.
            LogConfigStoreUnusable(loggers.CreateLogger("gateway"), run.ConfigPath, ex.Message);
            return;
        }

        CentreCommands.Attach(_gateway, clock, store, run.DataDir, loggers.CreateLogger("commands"), TimeProvider.System);
        if (run.Console is { } consoleArg)
        {
            var services = new ConsoleBridge(_gateway, clock).Services(store, run.DataDir, logTail);
            _console = OfferConsoleAsync(consoleArg, services, _stop.Token);
        }

        if (notifier.IsEnabled && LoopWatchdog.IntervalFromEnvironment() is { } interval)
        {
            _watchdog = new LoopWatchdog(_gateway.Home.Loop, notifier, TimeProvider.System, interval);
        }

        // A part that stops on its own (it should not) stops the process, so systemd restarts it.
        _ = _gateway.Completion.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    /// <summary>Offers the console on a serial line again and again (a technician unplugs and replugs); on stdin once.</summary>
    private async Task OfferConsoleAsync(string consoleArg, ConsoleServices services, CancellationToken cancellationToken)
    {
        var pinHash = config.Console.PinHash ?? PinHash.Create(PinPolicy.DemoPin).ToString();
        var options = new ConsoleOptions
        {
            PinHash = pinHash,
            IdleTimeout = TimeSpan.FromMinutes(config.Console.IdleLogoutMinutes),
            Banner = $"EdgeGateway {config.GatewayId} technician console ({VersionInfo.Text})",
        };
        var logger = loggers.CreateLogger<ConsoleServer>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var server = new ConsoleServer(ConsoleTransports.Open(consoleArg), services, TimeProvider.System, options, logger);
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
        await _console.ConfigureAwait(false);
        _watchdog?.Dispose();
        _watchdog = null;
        if (_gateway is { } gateway)
        {
            _gateway = null;
            await gateway.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Config store {Path} is unusable ({Reason}): the console and the centre cannot change the config until it is repaired; the home stays armed")]
    private static partial void LogConfigStoreUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Console on {Console} unavailable: {Reason}; retrying in 5 s")]
    private static partial void LogConsoleUnavailable(ILogger logger, string console, string reason);
}
