using System.Text.RegularExpressions;
using EdgeGateway.Adapters;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Runtime;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Composition;

/// <summary>
/// The one way a gateway is assembled: the hardware its config names (Pi or simulated), the home with its rules, the
/// outbox in the data dir and the uplink that delivers it, the centre's commands, the console's view and the watchdog. <c>run</c> (with and without a config), <c>loadgen</c>, the
/// demo and the benchmarks all build through here, so what they exercise is what a Pi runs.
/// </summary>
internal sealed partial class GatewayBuilder(IClockSyncStatus clock, ILoggerFactory loggers, TimeProvider time)
{
    /// <summary>Start the accelerometers as soon as the loop is armed (the demo starts them itself, only while its clock runs in real time).</summary>
    public bool SampleOnStart { get; init; } = true;

    /// <summary>The modem to read instead of ModemManager (the demo's simulated modem); null for mmcli.</summary>
    public Devices.Modem.IModemReader? Modem { get; init; }

    /// <summary>The hardware <paramref name="config"/> names: the real Pi, or its simulated twin at rest on <c>simulated: true</c>.</summary>
    public HomeHardware Hardware(GatewayConfig config)
    {
        var hardware = HomeHardware.For(config, time);
        return Modem is null ? hardware : hardware with { Modem = Modem };
    }

    /// <summary>Builds the home alone (outputs, loop and rules, inputs) on the hardware its config names; nothing runs yet.</summary>
    public Home BuildHome(GatewayConfig config, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(config);
        Directory.CreateDirectory(dataDir);
        return Home.Build(config, Hardware(config), time, clock, dataDir, loggers);
    }

    /// <summary>Builds the whole gateway for <paramref name="config"/>: home, outbox and uplink; nothing runs until <see cref="Gateway.StartAsync"/>.</summary>
    public Gateway Build(GatewayConfig config, string dataDir)
    {
        var home = BuildHome(config, dataDir);
        try
        {
            var options = new UplinkOptions
            {
                KeepAlive = TimeSpan.FromSeconds(config.Uplink.KeepAliveSeconds),
                HeartbeatInterval = TimeSpan.FromSeconds(config.Uplink.HeartbeatSeconds),
                FailBackHold = TimeSpan.FromSeconds(config.Uplink.FailBackHoldSeconds),
                RoutineSpread = TimeSpan.FromSeconds(config.Uplink.RoutineSpreadSeconds),
                OutageThreshold = TimeSpan.FromSeconds(config.Uplink.OutageThresholdSeconds),
                ClockSync = clock,
                States = () => WithNotice(GatewayStates.Heartbeat(home)),
            };
            var delivery = OpenDelivery(config.UplinkPaths(), config.GatewayId, home.Events, dataDir, options, loggers.CreateLogger("outbox"), loggers.CreateLogger("uplink"));
            return new Gateway(home, delivery.Outbox, delivery.Uplink, dataDir, loggers.CreateLogger("gateway"), time) { SampleOnStart = SampleOnStart };
        }
        catch
        {
            home.Dispose();
            throw;
        }
    }

    /// <summary>Why this gateway runs another config than the one it was given (a start that fell back); sent as the heartbeat's "config" state while set.</summary>
    public string? ConfigNotice { get; set; }

    private Dictionary<string, string> WithNotice(Dictionary<string, string> states)
    {
        if (ConfigNotice is { } notice)
        {
            states["config"] = notice;
        }

        return states;
    }

    /// <summary>The versioned config store over <paramref name="configPath"/>: every edit is validated as the whole config, secrets masked.</summary>
    public ConfigStore OpenConfigStore(string configPath) => GatewayConfigStore.Open(configPath, time);

    /// <summary>Subscribes <paramref name="gateway"/> to the centre's commands over <paramref name="store"/>; commands that arrived first wait for this. Without <paramref name="updates"/> every <c>update</c> is refused.</summary>
    public void AttachRemoteCommands(Gateway gateway, ConfigStore store, string dataDir, Uplink.Commands.IReleaseUpdates? updates = null) =>
        RemoteCommandHandlers.Attach(gateway, clock, store, dataDir, loggers.CreateLogger("commands"), time, updates);

    /// <summary>The technician console's view of <paramref name="gateway"/> (rebound to the new gateway after a config rebuild).</summary>
    public ConsoleBridge ConsoleBridge(IRunningGateway gateway) => new(gateway, clock, time);

    /// <summary>The systemd watchdog over <paramref name="gateway"/>'s loop, when systemd asked for one (WATCHDOG_USEC); null otherwise.</summary>
    public LoopWatchdog? Watchdog(Gateway gateway, ISystemdNotifier notifier) =>
        notifier.IsEnabled && LoopWatchdog.IntervalFromEnvironment() is { } interval
            ? new LoopWatchdog(gateway.Home.Loop, notifier, time, interval)
            : null;

    /// <summary>
    /// Builds delivery alone, for <c>run</c> without a config and <c>loadgen</c>: the outbox in the options' data dir
    /// (including what a killed process left) and its deliverer; the gateway id is the option's, else the stored one, else the host's.
    /// </summary>
    public GatewayDelivery BuildDeliveryOnly(UplinkCliOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var gatewayId = options.GatewayId ?? SqliteOutbox.StoredGatewayId(options.DataDirectory) ?? DefaultGatewayId();
        var factory = new CareEventFactory(gatewayId, time, clock);
        var logger = loggers.CreateLogger("uplink");
        return OpenDelivery(
            UplinkPath.For(options.Broker, options.SecondaryBroker, options.Security),
            gatewayId,
            factory,
            options.DataDirectory,
            new UplinkOptions { KeepAlive = options.KeepAlive, HeartbeatInterval = options.Heartbeat, AckTimeout = options.AckTimeout, FailBackHold = options.FailBackHold, ClockSync = clock },
            logger,
            logger);
    }

    /// <summary>
    /// <see cref="BuildDeliveryOnly"/> for a command: a failure is said on stderr naming the option, and the exit code is
    /// set (3 when the data dir cannot hold the outbox, 2 when the link's settings are refused); null then.
    /// </summary>
    public static GatewayDelivery? TryBuildDeliveryOnly(UplinkCliOptions options, ILoggerFactory loggers, out int exitCode)
    {
        ArgumentNullException.ThrowIfNull(options);
        exitCode = 0;
        try
        {
            return new GatewayBuilder(options.ClockSync, loggers, TimeProvider.System).BuildDeliveryOnly(options);
        }
        catch (Exception ex) when (ex is OutboxStorageException or InvalidOperationException)
        {
            Console.Error.WriteLine($"--data-dir: {ex.Message}");
            exitCode = 3;
        }
        catch (LinkSecurityException ex)
        {
            Console.Error.WriteLine($"--broker: {ex.Message}");
            exitCode = 2;
        }

        return null;
    }

    /// <summary>Opens the outbox in <paramref name="dataDir"/> and the uplink over <paramref name="paths"/>; the outbox is closed again if the uplink is refused.</summary>
    public GatewayDelivery OpenDelivery(IReadOnlyList<UplinkPath> paths, string gatewayId, CareEventFactory events, string dataDir, UplinkOptions options, ILogger outboxLogger, ILogger uplinkLogger)
    {
        var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = dataDir }, events, time, outboxLogger);
        try
        {
            return new GatewayDelivery(events, outbox, new ReliableUplink(paths, gatewayId, outbox, events, options, uplinkLogger, time));
        }
        catch
        {
            outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    private static string DefaultGatewayId()
    {
        var host = InvalidIdChars().Replace(Environment.MachineName.ToLowerInvariant(), "-");
        return host.Length is > 0 and <= 64 ? host : "edgegateway";
    }

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex InvalidIdChars();
}
