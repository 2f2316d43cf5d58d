using System.Device.Gpio;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Demo;

/// <summary>
/// The demo's home: the same <see cref="Home"/> a Pi runs, built from a config, on a simulated GPIO driver and the
/// simulated wearable (its Bluetooth protocol's bytes through the same stream the radio feeds). The scenario acts only on
/// the outside world: pin levels, water pulses, the wearer's body and the wearable's button and cell.
/// </summary>
internal sealed class SimulatedHome : IDisposable
{
    public const string GatewayId = "demo-home";
    public const string FrontDoor = "front-door";
    public const string PullCord = "pull-cord";
    public const string KitchenTap = "kitchen-flow";
    public const string Wearable = "wearable";
    public const string KitchenSmoke = "kitchen-smoke";
    public const string PillDispenser = "pill-dispenser";
    public const string StoveGuard = "stove-guard";
    public const string HallPir = "hall-pir";
    public const string BathroomPir = "bathroom-pir";
    public const int KitchenSmokePin = 5;
    public const int KitchenSmokeSupervisionPin = 6;
    public const int PillDispenserPin = 13;
    public const int StoveGuardPin = 16;
    public const int HallPirPin = 12;
    public const int BathroomPirPin = 21;
    public const int FrontDoorPin = 17;
    public const int PullCordPin = 27;
    public const int KitchenMeterPin = 22;
    public const double KitchenPulsesPerLitre = 10;

    /// <summary>The DC-UPS's AC-OK signal (hardware/README.md: GPIO26, low while mains is present).</summary>
    public const int AcOkPin = 26;
    private const int BuzzerPin = 18;
    private const int LedPin = 23;
    private const int ValvePin = 24;

    private readonly Home _home;
    private readonly bool _owned;
    private readonly TimeProvider _time;
    private ITimer? _tap;

    /// <summary>Builds the demo home alone (no outbox, no uplink) on the builder's simulated hardware; it is disposed with this.</summary>
    public SimulatedHome(TimeProvider time, TimeZoneInfo zone, string dataDir, ILoggerFactory loggers)
        : this(new GatewayBuilder(new FixedClockSyncStatus(true), loggers, time).BuildHome(Config(zone, dataDir), dataDir), time, owned: true)
    {
    }

    /// <summary>The scenario's hands on <paramref name="home"/>, a home built on simulated hardware (a running gateway's: it stays the gateway's).</summary>
    public SimulatedHome(Home home, TimeProvider time)
        : this(home, time, owned: false)
    {
    }

    private SimulatedHome(Home home, TimeProvider time, bool owned)
    {
        _home = home;
        _owned = owned;
        _time = time;
        Gpio = home.Hardware.SimulatedGpio ?? throw new ArgumentException("the home does not run on simulated hardware (simulated: true)", nameof(home));
        Wearer = home.Hardware.SimulatedWearable ?? throw new ArgumentException($"the home has no simulated wearable '{Wearable}'", nameof(home));
    }

    public SimulatedGpioDriver Gpio { get; }

    /// <summary>The simulated 4G modem, when the home checks one (the demo's does).</summary>
    public SimulatedModem? Modem => _home.Hardware.Modem as SimulatedModem;

    /// <summary>The home as the gateway runs it (for the technician console).</summary>
    public Home Home => _home;

    /// <summary>The resident's wearable on its belt clip.</summary>
    public SimulatedWearable Wearer { get; }

    public CareEventFactory Events => _home.Events;

    public AlarmLoop Loop => _home.Loop;

    /// <summary>The buzzer as the resident hears it.</summary>
    public NotifyingBuzzer Buzzer => _home.Buzzer;

    /// <summary>The status LED.</summary>
    public NotifyingLed Led => _home.Led;

    /// <summary>The demo home's config: what a technician would write for this flat, with short limits so a day fits in seconds.</summary>
    public static GatewayConfig Config(TimeZoneInfo zone, string dataDir) => new()
    {
        GatewayId = GatewayId,
        Simulated = true,
        DataDirectory = dataDir,
        // Routine reports spread within a scenario minute after the power cut, not ten: the story goes on to 11:00 at 08:11.
        Uplink = new UplinkConfig { Broker = "mqtt://127.0.0.1:1883", PlainLoopbackDemo = true, RoutineSpreadSeconds = 60 },
        Devices = new DevicesConfig
        {
            Contacts =
            [
                new() { SensorId = FrontDoor, Kind = nameof(SensorKind.DoorContact), Pin = FrontDoorPin, Wiring = ContactWiring.NormallyClosed },
                new() { SensorId = PullCord, Kind = nameof(SensorKind.HelpButton), Pin = PullCordPin, Wiring = ContactWiring.NormallyOpen },
                new() { SensorId = KitchenSmoke, Kind = nameof(SensorKind.SmokeDetector), Pin = KitchenSmokePin, Wiring = ContactWiring.NormallyOpen, SupervisionPin = KitchenSmokeSupervisionPin },
                new() { SensorId = PillDispenser, Kind = nameof(SensorKind.MedicationDispenser), Pin = PillDispenserPin, Wiring = ContactWiring.NormallyOpen },
                new() { SensorId = StoveGuard, Kind = nameof(SensorKind.StoveGuard), Pin = StoveGuardPin, Wiring = ContactWiring.NormallyOpen },
                new() { SensorId = HallPir, Kind = nameof(SensorKind.Motion), Pin = HallPirPin, Pull = ContactPull.Down, Debounce = TimeSpan.FromMilliseconds(20) },
                new() { SensorId = BathroomPir, Kind = nameof(SensorKind.Motion), Pin = BathroomPirPin, Pull = ContactPull.Down, Debounce = TimeSpan.FromMilliseconds(20) },
            ],
            FlowMeters = [new() { SensorId = KitchenTap, Pin = KitchenMeterPin, PulsesPerLitre = KitchenPulsesPerLitre }],
            Wearable = new() { SensorId = Wearable },
            Outputs = new OutputsConfig { BuzzerPin = BuzzerPin, LedPin = LedPin, ValveRelayPin = ValvePin },
        },
        Rules = new HomeRulesConfig
        {
            TimeZone = zone.Id,
            NightExit = new() { DoorSensorId = FrontDoor, GracePeriod = TimeSpan.FromMinutes(2) },
            TapLeftRunning = new() { FlowSensorIds = [KitchenTap], Limit = TimeSpan.FromMinutes(5) },
            BathroomTooLong = new() { BathroomSensorIds = [BathroomPir] },

            // Longer than the 30 s default so the scripted press lands in the window even on a busy machine.
            Fall = new() { CancelWindow = TimeSpan.FromSeconds(60) },
        },
    };

    /// <summary>Starts the wearable streaming: only in real time, as a wearable streams (and is supervised) in real time.</summary>
    public void StartSampling() => _home.StartSampling();

    /// <summary>Pauses the wearable (and its lost-time supervision) while the demo clock runs fast.</summary>
    public void StopSampling() => _home.StopSampling();

    /// <summary>Opens (true) or closes the front door: the magnet leaves the reed switch and the pull-up wins.</summary>
    public void SetFrontDoorOpen(bool open) => Gpio.SetInputLevel(FrontDoorPin, open ? PinValue.High : PinValue.Low);

    /// <summary>Mains present (true) or cut: the DC-UPS's AC-OK optocoupler pulls its pin low only while mains is there.</summary>
    public void SetMains(bool present) => Gpio.SetInputLevel(AcOkPin, present ? PinValue.Low : PinValue.High);

    /// <summary>The power supply as the gateway has judged it (mains settled or battery); unknown without a power source.</summary>
    public Core.Power.PowerSupply PowerSupply => _home.Power?.State.Supply ?? Core.Power.PowerSupply.Unknown;

    /// <summary>Pulls (true) or lets go of the pull cord.</summary>
    public void SetPullCord(bool pulled) => Gpio.SetInputLevel(PullCordPin, pulled ? PinValue.Low : PinValue.High);

    /// <summary>The smoke detector's relay switches: its NO contact closes (true) or opens, its NC contact the other way.</summary>
    public void SetSmoke(bool smoke)
    {
        Gpio.SetInputLevel(KitchenSmokePin, smoke ? PinValue.Low : PinValue.High);
        Gpio.SetInputLevel(KitchenSmokeSupervisionPin, smoke ? PinValue.High : PinValue.Low);
    }

    /// <summary>The pill dispenser's alarm output closes (true: a dose not taken in its window) or releases.</summary>
    public void SetDoseMissed(bool missed) => Gpio.SetInputLevel(PillDispenserPin, missed ? PinValue.Low : PinValue.High);

    /// <summary>The stove guard's alarm output closes (true: it has switched the stove off) or releases.</summary>
    public void SetStoveSwitchedOff(bool off) => Gpio.SetInputLevel(StoveGuardPin, off ? PinValue.Low : PinValue.High);

    /// <summary>A PIR drives its output high while it sees motion (then for its hold time).</summary>
    public void SetMotion(string pir, bool motion) => Gpio.SetInputLevel(pir == BathroomPir ? BathroomPirPin : HallPirPin, motion ? PinValue.High : PinValue.Low);

    /// <summary>Runs the kitchen tap: the meter's reed closes once per 1/K litre, on the scenario clock. 0 turns it off.</summary>
    public void SetKitchenTap(double litresPerMinute)
    {
        _tap?.Dispose();
        _tap = null;
        if (litresPerMinute <= 0)
        {
            return;
        }

        var period = TimeSpan.FromMinutes(1 / (litresPerMinute * KitchenPulsesPerLitre));
        _tap = _time.CreateTimer(
            _ =>
            {
                Gpio.SetInputLevel(KitchenMeterPin, PinValue.Low);
                Gpio.SetInputLevel(KitchenMeterPin, null);
            },
            null,
            period,
            period);
    }

    /// <summary>The wearer's body plays a recorded SisFall trial (200 Hz) through the wearable at its 50 Hz, then lies on in that posture.</summary>
    public void PlayRecording(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Demo", "Data", fileName);
        using var reader = File.OpenText(path);
        var recording = SimulatedWearable.At50Hz(AccelerationTrace.FromSisFall(reader, loop: false));

        // A body lying on the floor is still, but a real sensor never returns identical readings: the wearable holds its
        // last sample with noise (SimulatedWearable), so the recording ends in that posture, breathing.
        Wearer.Play(recording);
    }

    /// <summary>The wearer is up and about again (at rest, upright).</summary>
    public void StandUp() => Wearer.Play(AccelerationTrace.AtRest());

    /// <summary>She presses the wearable's button (a pendant's help button).</summary>
    public void PressWearableButton() => Wearer.PressHelp();

    /// <summary>The wearable's cell reads <paramref name="percent"/> at its next report.</summary>
    public void SetWearableBattery(int percent) => Wearer.SetBattery(percent);

    public void Dispose()
    {
        _tap?.Dispose();
        if (_owned)
        {
            _home.Dispose();
        }
    }
}
