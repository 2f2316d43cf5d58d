using System.CommandLine;
using EdgeGateway.Adapters;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway run --config FILE</c>: the whole gateway (home, alarm loop, outbox, uplink) as a systemd service.</summary>
internal static class GatewayRunner
{
    /// <summary>Loads the config (command-line --broker/--data-dir win over it), then runs until stopped; 2 on a bad config, 3 on storage.</summary>
    public static async Task<int> RunAsync(string configPath, string? console, ParseResult result, UplinkCliOptionSet shared, CancellationToken cancellationToken)
    {
        // The command line wins over the file for --broker, --data-dir and --plain-loopback-demo; then the whole is
        // validated. A config applied later (console, centre) is loaded the same way when the home is rebuilt.
        GatewayConfig Load(string path) => GatewayConfig.Load(path, c =>
        {
            if (result.GetResult(shared.Broker) is { Implicit: false })
            {
                c.Uplink.Broker = result.GetValue(shared.Broker);
            }

            if (result.GetResult(shared.DataDir) is { Implicit: false })
            {
                c.DataDirectory = result.GetValue(shared.DataDir)!;
            }

            c.Uplink.PlainLoopbackDemo |= result.GetValue(shared.PlainLoopbackDemo);
        });

        GatewayConfig config;
        try
        {
            config = Load(configPath);
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        foreach (var warning in config.Warnings)
        {
            await Console.Error.WriteLineAsync($"warning: {configPath}: {warning}").ConfigureAwait(false);
        }

        var dataDir = config.DataDirectory;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSystemd();

        // AddSystemd registers the notifier only under systemd; outside it the watchdog simply stays off.
        builder.Services.TryAddSingleton<ISystemdNotifier, SystemdNotifier>();
        var logTail = new LogTail(TimeProvider.System);

        // With the console on stdin, logs go to stderr so they do not garble the technician's screen.
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddProvider(logTail).AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = console == "-" ? LogLevel.Trace : LogLevel.None);
        builder.Services.AddSingleton(sp => new GatewayService(
            config,
            Load,
            new GatewayRunOptions(dataDir, configPath, console),
            sp.GetRequiredService<ILoggerFactory>(),
            logTail,
            sp.GetRequiredService<ISystemdNotifier>(),
            sp.GetRequiredService<IHostApplicationLifetime>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayService>());
        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OutboxStorageException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"data dir {dataDir}: {ex.Message}").ConfigureAwait(false);
            return 3;
        }

        return 0;
    }
}
