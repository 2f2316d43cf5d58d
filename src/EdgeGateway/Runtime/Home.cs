using EdgeGateway.Configuration;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Power;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Accelerometers;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.FlowMeters;
using EdgeGateway.Devices.Modem;
using EdgeGateway.Devices.Outputs;
using EdgeGateway.Devices.Supervision;
using EdgeGateway.Devices.Wearable;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Runtime;

/// <summary>
/// A home assembled from its config: outputs first (safe state), then the alarm loop and its rules, then the inputs
/// that feed it. The demo and a real installation build their home through this same code.
/// </summary>
internal sealed class Home : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly List<Accelerometer> _accelerometers = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SensorReading> _lastReadings = new(StringComparer.Ordinal);

    private Home(GatewayConfig config, HomeHardware hardware, TimeProvider time, IClockSyncStatus clock, string dataDir, ILoggerFactory loggers)
    {
        Config = config;
        Hardware = hardware;
        Events = new CareEventFactory(config.GatewayId, time, clock);
        var outputs = config.Devices.Outputs;
        Buzzer = new NotifyingBuzzer(Own(new GpioBuzzer(hardware.Gpio, outputs.BuzzerPin!.Value, time)));
        Led = new NotifyingLed(Own(new GpioStatusLed(hardware.Gpio, outputs.LedPin!.Value, time)));
        if (outputs.ValveRelayPin is { } valvePin)
        {
            Valve = Own(new RelayShutOffValve(hardware.Gpio, valvePin, outputs.ValveRelayActiveHigh));
        }

        Loop = new AlarmLoop(Events, time, config.EffectiveRules.BuildRules(Valve), Buzzer, Led);

        // Remember every sensor's latest reading from the very first (initial states arrive before anyone asks).
        Loop.Happened += h =>
        {
            if (h.Reading is { } reading)
            {
                _lastReadings[reading.SensorId] = reading;
            }
        };

        foreach (var contact in config.Devices.Contacts)
        {
            Own(new ContactInput(hardware.Gpio, contact.ToOptions(), time, Events.Now, r => Loop.TryPost(r), Supervise, loggers.CreateLogger("contacts")));
        }

        foreach (var meter in config.Devices.FlowMeters)
        {
            var options = new FlowMeterOptions { SensorId = meter.SensorId!, Pin = meter.Pin!.Value, PulsesPerLitre = meter.PulsesPerLitre!.Value, Debounce = meter.Debounce };
            FlowMeters.Add(Own(new FlowMeter(hardware.Gpio, options, dataDir, time, Events.Now, r => Loop.TryPost(r), Supervise, loggers.CreateLogger("flow-meters"))));
        }

        if (config.Devices.Power is { } power)
        {
            // Power events go through the loop like every technical event (LED, outbox); judging them never blocks it.
            Power = Own(new PowerMonitor(hardware.OpenPower(power), power.ToMonitorOptions(), time, (kind, text) => Loop.TryPostTechnical(kind, "power", text)));
        }

        foreach (var accel in config.Devices.Accelerometers)
        {
            var chip = hardware.OpenAccelerometer(accel);
            var sensorId = accel.SensorId!;
            var feed = new WearableFeed(sensorId, new FallDetector(new FallDetectorOptions(), chip.SampleRateHz), new WearerMonitor(new WearerMonitorOptions()), Loop);
            var accelerometer = Own(new Accelerometer(
                chip,
                new AccelerometerOptions { SensorId = sensorId },
                time,
                Events.Now,
                sample => feed.Process(sample),
                Supervise,
                loggers.CreateLogger("accelerometer")));
            _accelerometers.Add(accelerometer);
        }

        if (config.Devices.Wearable is { } wearable)
        {
            // The same detector and monitor as a wired accelerometer, at the wearable's 50 Hz (Falls/README.md validates it there).
            var feed = new WearableFeed(wearable.SensorId!, new FallDetector(new FallDetectorOptions(), WearableProtocol.SampleRateHz), new WearerMonitor(new WearerMonitorOptions()), Loop);
            var button = wearable.ButtonSensorId;
            var logger = loggers.CreateLogger("wearable");
            Wearable = Own(new WearableInput(
                hardware.OpenWearable(wearable, logger),
                wearable.ToOptions(),
                time,
                sample => feed.Process(sample),
                _ =>
                {
                    // A pendant's press is a press and a release at once: the help rule raises the alarm on the press
                    // (or, during a pre-alarm, takes it as "I am fine", as it does for the pull cord).
                    var now = Events.Now();
                    Loop.TryPost(SensorReading.Contact(button, SensorKind.HelpButton, true, now));
                    Loop.TryPost(SensorReading.Contact(button, SensorKind.HelpButton, false, now));
                },
                (kind, text) => Loop.TryPostTechnical(kind, wearable.SensorId, text),
                logger));
        }

        if (config.Devices.Modem is { } modem)
        {
            var reader = hardware.Modem ?? new MmcliModem(time);
            Modem = Own(new ModemCheck(reader, modem.ToOptions(), time, c => Loop.TryPostTechnical(c.Event, ModemSensorId, $"4G modem (secondary path): {c.Verdict.Reason}"), loggers.CreateLogger("modem")));
        }

        if (config.Devices.Board is { } board)
        {
            var cpu = hardware.CpuTemperature;
            if (cpu is null)
            {
                var binding = Own(new Devices.Board.CpuTemperatureSource());
                cpu = binding.Read;
            }

            Board = Own(new Devices.Board.BoardCheck(
                cpu,
                new Devices.Board.PiThrottling(time),
                () => Devices.Board.BoardCheck.FreeSpaceOf(dataDir),
                board.ToOptions(),
                time,
                c => Loop.TryPostTechnical(c.Event, "board." + c.Part, $"board: {c.Reason}"),
                loggers.CreateLogger("board")));
        }
    }

    /// <summary>The wearable (samples, button, supervision), when the config has a <c>devices.wearable</c>.</summary>
    public WearableInput? Wearable { get; }

    /// <summary>The Pi's own health check, when the config has a <c>devices.board</c>.</summary>
    public Devices.Board.BoardCheck? Board { get; }

    /// <summary>The subject of the modem's events.</summary>
    public const string ModemSensorId = "modem";

    public GatewayConfig Config { get; }

    public HomeHardware Hardware { get; }

    public CareEventFactory Events { get; }

    public AlarmLoop Loop { get; }

    public NotifyingBuzzer Buzzer { get; }

    public NotifyingLed Led { get; }

    public IShutOffValve? Valve { get; }

    public List<FlowMeter> FlowMeters { get; } = [];

    /// <summary>The power monitor, when the config names a power source.</summary>
    public PowerMonitor? Power { get; }

    /// <summary>The periodic 4G modem check, when the config has a <c>devices.modem</c>.</summary>
    public ModemCheck? Modem { get; }

    /// <summary>The latest reading of each sensor that has reported (contacts report their state at start).</summary>
    public IReadOnlyDictionary<string, SensorReading> LastReadings => _lastReadings;

    /// <summary>Builds the home; the config must be valid (see <see cref="GatewayConfig.Validate"/>).</summary>
    public static Home Build(GatewayConfig config, HomeHardware hardware, TimeProvider time, IClockSyncStatus clock, string dataDir, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = config.Validate();
        return errors.Count == 0
            ? new Home(config, hardware, time, clock, dataDir, loggers)
            : throw new ConfigurationException(errors);
    }

    /// <summary>Starts sampling the accelerometers and the wearable; call once the loop runs, so the first fall finds it armed.</summary>
    public void StartSampling()
    {
        foreach (var a in _accelerometers)
        {
            a.Start();
        }

        Wearable?.Start();
        Wearable?.Resume();
        Hardware.SimulatedWearable?.ResumeSampling();
    }

    /// <summary>Stops sampling the accelerometers and the wearable (the demo pauses them while its clock runs faster than a FIFO can be polled).</summary>
    public void StopSampling()
    {
        foreach (var a in _accelerometers)
        {
            a.Stop();
        }

        // Held back on purpose: not a lost wearable.
        Wearable?.Pause();
        Hardware.SimulatedWearable?.PauseSampling();
    }

    private void Supervise(SupervisionChange change) => Loop.TryPostTechnical(change.Event, change.SensorId, change.Reason);

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        // Inputs first, outputs last: the buzzer and valve reach their safe state after nothing can drive them.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        Hardware.Gpio.Dispose();
    }
}
