using EdgeGateway.Uplink.Contract;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hosting;

/// <summary>
/// Hosts the gateway under Microsoft.Extensions.Hosting: StartAsync returns once the alarm loop is armed, so systemd's
/// READY=1 (sent by AddSystemd's lifetime after all StartAsync calls) means "armed"; the watchdog is petted only while
/// the loop answers probes.
/// </summary>
internal sealed class GatewayService(
    GatewayConfig config,
    MqttEndpoint broker,
    string dataDir,
    ILoggerFactory loggers,
    ISystemdNotifier notifier,
    IHostApplicationLifetime lifetime) : IHostedService, IAsyncDisposable
{
    private Gateway? _gateway;
    private LoopWatchdog? _watchdog;

    public Gateway? Gateway => _gateway;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _gateway = Gateway.Create(config, broker, dataDir, new LinuxClockSyncStatus(TimeProvider.System), loggers, TimeProvider.System);
        await _gateway.StartAsync(cancellationToken).ConfigureAwait(false);
        if (notifier.IsEnabled && LoopWatchdog.IntervalFromEnvironment() is { } interval)
        {
            _watchdog = new LoopWatchdog(_gateway.Home.Loop, notifier, TimeProvider.System, interval);
        }

        // A part that stops on its own (it should not) stops the process, so systemd restarts it.
        _ = _gateway.Completion.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _watchdog?.Dispose();
        _watchdog = null;
        if (_gateway is { } gateway)
        {
            _gateway = null;
            await gateway.DisposeAsync().ConfigureAwait(false);
        }
    }
}
