using System.Text.RegularExpressions;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hosting;

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
    public ConfigStore OpenConfigStore(string configPath) => Hosting.ConsoleBridge.OpenStore(configPath, time);

    /// <summary>Subscribes <paramref name="gateway"/> to the centre's commands over <paramref name="store"/>; commands that arrived first wait for this.</summary>
    public void AttachCentreCommands(Gateway gateway, ConfigStore store, string dataDir) =>
        CentreCommands.Attach(gateway, clock, store, dataDir, loggers.CreateLogger("commands"), time);

    /// <summary>The technician console's view of <paramref name="gateway"/> (rebound to the new gateway after a config rebuild).</summary>
    public ConsoleBridge ConsoleBridge(IRunningGateway gateway) => new(gateway, clock);

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

/// <summary>A gateway's delivery: the factory that stamps its events, the outbox that keeps them and the uplink that delivers them.</summary>
internal sealed class GatewayDelivery(CareEventFactory factory, SqliteOutbox outbox, ReliableUplink uplink) : IAsyncDisposable
{
    /// <summary>Stamps the events with this gateway's id, boot and clock sync.</summary>
    public CareEventFactory Factory { get; } = factory;

    /// <summary>The durable outbox in the data dir.</summary>
    public SqliteOutbox Outbox { get; } = outbox;

    /// <summary>Delivers the outbox to the centre and hands its acks back.</summary>
    public ReliableUplink Uplink { get; } = uplink;

    /// <summary>Closes the outbox (the uplink stops with its run's token).</summary>
    public ValueTask DisposeAsync() => Outbox.DisposeAsync();
}

/// <summary>The states a heartbeat and a status reply carry, built here only: the outputs both report, and what each adds.</summary>
internal static class GatewayStates
{
    /// <summary>The heartbeat's states: buzzer, LED, number of active alarms, and power, modem and board when the home checks them.</summary>
    public static Dictionary<string, string> Heartbeat(Home home)
    {
        var states = Outputs(home);
        states["alarms"] = home.Loop.ActiveAlarms.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // "0" is a home whose resident cannot call for help: a centre alarms on it, the gateway keeps running.
        states["help_inputs"] = ConfigGuards.HelpInputs(home.Config).ToString(System.Globalization.CultureInfo.InvariantCulture);
        AddPower(home, states);
        AddModem(home, states);
        AddBoard(home, states);
        return states;
    }

    /// <summary>The status reply's states: the uplink, then buzzer and LED.</summary>
    public static Dictionary<string, string> Status(Home home, bool uplinkUp)
    {
        var states = new Dictionary<string, string> { ["uplink"] = uplinkUp ? "up" : "down" };
        foreach (var (key, value) in Outputs(home))
        {
            states[key] = value;
        }

        AddPower(home, states);
        AddModem(home, states);
        AddBoard(home, states);
        return states;
    }

    /// <summary>The home's own health for the console's status: power, modem and board, as far as the home checks them.</summary>
    public static IReadOnlyList<TechnicianConsole.Services.HealthStatus> Health(Home home)
    {
        var lines = new List<TechnicianConsole.Services.HealthStatus>();
        var helpInputs = ConfigGuards.HelpInputs(home.Config);
        lines.Add(new("help input", helpInputs > 0, ConfigGuards.NoHelpInput(home.Config)?.ToString() ?? $"{helpInputs} help button(s) / pull cord(s)"));
        if (home.Power is { } monitor)
        {
            var power = monitor.State;
            var ok = power.Supply != Core.Power.PowerSupply.Battery && power.Battery == Core.Power.BatteryCondition.Normal && power.Reading.Fault is null;
            lines.Add(new("power", ok, $"{power}; {monitor.Description}"));
        }

        if (home.Modem is { } modem)
        {
            var verdict = modem.Verdict;
            var detail = verdict.Reason;
            if (modem.LastStatus is { LteRsrp: { } rsrp } s)
            {
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                detail += $"; {(s.AccessTechnologies.Count > 0 ? string.Join(',', s.AccessTechnologies) : "?")} RSRP {rsrp.DecibelMilliwatts.ToString("0", inv)} dBm";
                detail += s.LteRsrq is { } rsrq ? $", RSRQ {rsrq.Decibels.ToString("0", inv)} dB" : "";
                detail += s.LteSnr is { } snr ? $", SNR {snr.Decibels.ToString("0.0", inv)} dB" : "";
            }

            lines.Add(new("4G modem", verdict.Problem == Devices.Modem.ModemProblem.None, modem.HasChecked ? detail : "not checked yet"));
        }

        if (home.Board is { } board)
        {
            var states = new Dictionary<string, string>();
            AddBoard(home, states);
            var faulted = board.Faulted;
            var text = board.Last is null ? "not checked yet" : string.Join(", ", states.Where(kv => kv.Key != "board").Select(kv => $"{kv.Key["board.".Length..]} {kv.Value}"));
            lines.Add(new("board", faulted.Count == 0, faulted.Count == 0 ? text : $"{string.Join(", ", faulted)}: {text}"));
        }

        return lines;
    }

    /// <summary>The board's values: board (ok or the parts at fault), board.cpu_celsius, board.undervoltage, board.throttled, board.free_mb, board.free_percent; nothing when the home does not check its board.</summary>
    public static void AddBoard(Home home, Dictionary<string, string> states)
    {
        if (home.Board is not { } board)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var faulted = board.Faulted;
        states["board"] = board.Last is null ? "unchecked" : faulted.Count == 0 ? "ok" : string.Join(',', faulted);
        if (board.Last is not { } r)
        {
            return;
        }

        if (r.CpuTemperature is { } t)
        {
            states["board.cpu_celsius"] = t.DegreesCelsius.ToString("0.0", inv);
        }

        if (r.Throttle is { } f)
        {
            states["board.undervoltage"] = (f & Devices.Board.ThrottleState.UnderVoltageNow) != 0 ? "yes" : "no";
            states["board.throttled"] = (f & (Devices.Board.ThrottleState.ThrottledNow | Devices.Board.ThrottleState.FrequencyCappedNow)) != 0 ? "yes" : "no";
        }

        if (r.FreeSpace is { } free)
        {
            states["board.free_mb"] = free.Megabytes.ToString("0", inv);
        }

        if (r.FreeShare is { } share)
        {
            states["board.free_percent"] = share.Percent.ToString("0", inv);
        }
    }

    /// <summary>The modem's verdict, registration and signal: modem (ok or the problem's code), modem.registration, modem.signal_percent, modem.rsrp_dbm…; nothing when the home has no modem.</summary>
    public static void AddModem(Home home, Dictionary<string, string> states)
    {
        if (home.Modem is not { } modem)
        {
            return;
        }

        var verdict = modem.Verdict;
        states["modem"] = !modem.HasChecked ? "unchecked" : verdict.Problem == Devices.Modem.ModemProblem.None ? "ok" : Devices.Modem.ModemProblems.Code(verdict.Problem);
        if (modem.LastStatus is not { } s)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        states["modem.state"] = s.State;
        states["modem.registration"] = s.Registration ?? "unknown";
        if (s.Operator is { } op)
        {
            states["modem.operator"] = op;
        }

        if (s.AccessTechnologies.Count > 0)
        {
            states["modem.access_tech"] = string.Join(',', s.AccessTechnologies);
        }

        if (s.SignalQuality is { } q)
        {
            states["modem.signal_percent"] = q.Percent.ToString("0", inv);
        }

        if (s.LteRsrp is { } rsrp)
        {
            states["modem.rsrp_dbm"] = rsrp.DecibelMilliwatts.ToString("0.0", inv);
        }

        if (s.LteRsrq is { } rsrq)
        {
            states["modem.rsrq_db"] = rsrq.Decibels.ToString("0.0", inv);
        }

        if (s.LteSnr is { } snr)
        {
            states["modem.snr_db"] = snr.Decibels.ToString("0.0", inv);
        }
    }

    private static Dictionary<string, string> Outputs(Home home) => new()
    {
        ["buzzer"] = home.Buzzer.Pattern.ToString(),
        ["led"] = home.Led.Pattern.ToString(),
    };

    /// <summary>Power as a line a person reads (power), and its parts for a centre to chart or alarm on (power.supply, power.charge_percent, power.time_left_h); nothing without a power source.</summary>
    public static void AddPower(Home home, Dictionary<string, string> states)
    {
        if (home.Power?.State is not { } power)
        {
            return;
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        states["power"] = power.ToString();
        states["power.supply"] = power.Supply.ToString().ToLowerInvariant();
        if (power.Charge is { } charge)
        {
            states["power.charge_percent"] = charge.Percent.ToString("0", inv);
        }

        if (power.TimeLeft is { } left)
        {
            states["power.time_left_h"] = left.TotalHours.ToString("0.0", inv);
        }
    }
}
