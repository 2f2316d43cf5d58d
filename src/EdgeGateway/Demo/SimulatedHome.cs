using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Core.Units;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;

namespace EdgeGateway.Demo;

/// <summary>The demo's home: simulated GPIO with real drivers on top, the alarm loop with the home's rules, and its outputs.</summary>
internal sealed class SimulatedHome : IDisposable
{
    public const string GatewayId = "demo-home";
    public const string FrontDoor = "front-door";
    public const string PullCord = "pull-cord";
    public const string KitchenTap = "kitchen-flow";
    public const string Wristband = "wristband";
    public const int FrontDoorPin = 17;
    public const int PullCordPin = 27;

    private readonly GpioController _gpio;
    private readonly ContactInput _frontDoor;
    private readonly ContactInput _pullCord;
    private Volume _kitchenTotal = Volume.FromLitres(1234.5);

    public SimulatedHome(TimeProvider time, TimeZoneInfo zone)
    {
        Time = time;
        Events = new CareEventFactory(GatewayId, time, new FixedClockSyncStatus(true));
        Gpio = new SimulatedGpioDriver();
        _gpio = new GpioController(Gpio);
        Buzzer = new SimulatedBuzzer();
        Led = new SimulatedLed();
        Loop = new AlarmLoop(Events, time, Config(zone).BuildRules(), Buzzer, Led);

        // The front door's reed switch is normally closed (held by the magnet) and pulls to ground.
        Gpio.SetInputLevel(FrontDoorPin, PinValue.Low);
        _frontDoor = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = FrontDoor, Kind = SensorKind.DoorContact, Pin = FrontDoorPin, Wiring = ContactWiring.NormallyClosed },
            time,
            Events.Now,
            r => Loop.TryPost(r));

        // The pull cord is a normally-open switch to ground: pulling it closes the contact.
        Gpio.SetInputLevel(PullCordPin, PinValue.High);
        _pullCord = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = PullCord, Kind = SensorKind.HelpButton, Pin = PullCordPin, Wiring = ContactWiring.NormallyOpen },
            time,
            Events.Now,
            r => Loop.TryPost(r));
    }

    public TimeProvider Time { get; }

    public CareEventFactory Events { get; }

    public SimulatedGpioDriver Gpio { get; }

    public SimulatedBuzzer Buzzer { get; }

    public SimulatedLed Led { get; }

    public AlarmLoop Loop { get; }

    /// <summary>The demo home's rules: short limits so a day fits in seconds, otherwise the defaults a home would get.</summary>
    public static HomeRulesConfig Config(TimeZoneInfo zone) => new()
    {
        TimeZone = zone.Id,
        Sensors =
        [
            new() { Id = FrontDoor, Kind = SensorKind.DoorContact },
            new() { Id = PullCord, Kind = SensorKind.HelpButton },
            new() { Id = KitchenTap, Kind = SensorKind.FlowMeter },
        ],
        NightExit = new() { DoorSensorId = FrontDoor, GracePeriod = TimeSpan.FromMinutes(2) },
        TapLeftRunning = new() { FlowSensorIds = [KitchenTap], Limit = TimeSpan.FromMinutes(5) },

        // Longer than the 30 s default so the scripted press lands in the window even on a busy machine at 120× speed.
        Fall = new() { CancelWindow = TimeSpan.FromSeconds(60) },
    };

    /// <summary>Opens (true) or closes the front door: the magnet leaves the reed switch and the pull-up wins.</summary>
    public void SetFrontDoorOpen(bool open) => Gpio.SetInputLevel(FrontDoorPin, open ? PinValue.High : PinValue.Low);

    /// <summary>Pulls (true) or lets go of the pull cord.</summary>
    public void SetPullCord(bool pulled) => Gpio.SetInputLevel(PullCordPin, pulled ? PinValue.Low : PinValue.High);

    /// <summary>
    /// Scenario stand-in for the kitchen's pulse flow meter (being built in Devices): posts the reading the meter would.
    /// </summary>
    public void KitchenFlowStandIn(double litresPerMinute)
    {
        _kitchenTotal += Volume.FromLitres(0.1);
        Loop.TryPost(SensorReading.FlowMeter(KitchenTap, FlowRate.FromLitresPerMinute(litresPerMinute), _kitchenTotal, Events.Now()));
    }

    /// <summary>Scenario stand-in for the fall detector (being built in Core/Falls): posts a detection the way it will.</summary>
    public void FallDetectorStandIn(double confidence, double peakG) =>
        Loop.TryPostFall(Wristband, confidence, new Dictionary<string, string>
        {
            ["peakG"] = peakG.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
            ["source"] = "scenario-stand-in",
        });

    public void Dispose()
    {
        _pullCord.Dispose();
        _frontDoor.Dispose();
        _gpio.Dispose();
    }
}
