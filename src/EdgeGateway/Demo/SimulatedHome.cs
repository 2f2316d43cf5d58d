using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;

namespace EdgeGateway.Demo;

/// <summary>The demo's home: simulated GPIO with real drivers on top, the alarm loop and its outputs.</summary>
internal sealed class SimulatedHome : IDisposable
{
    public const string GatewayId = "demo-home";
    public const string FrontDoor = "front-door";
    public const int FrontDoorPin = 17;

    private readonly GpioController _gpio;
    private readonly ContactInput _frontDoor;

    public SimulatedHome(TimeProvider time, TimeZoneInfo zone)
    {
        Time = time;
        Events = new CareEventFactory(GatewayId, time, new FixedClockSyncStatus(true));
        Gpio = new SimulatedGpioDriver();
        _gpio = new GpioController(Gpio);
        Buzzer = new SimulatedBuzzer();
        Led = new SimulatedLed();
        var night = new NightWindow(new TimeOnly(23, 0), new TimeOnly(6, 0), zone);
        Loop = new AlarmLoop(Events, time, [new NightDoorRule(FrontDoor, night)], Buzzer, Led);

        // The front door's reed switch is normally closed (held by the magnet) and pulls to ground.
        Gpio.SetInputLevel(FrontDoorPin, PinValue.Low);
        _frontDoor = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = FrontDoor, Kind = SensorKind.DoorContact, Pin = FrontDoorPin, Wiring = ContactWiring.NormallyClosed },
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

    /// <summary>Opens (true) or closes the front door: the magnet leaves the reed switch and the pull-up wins.</summary>
    public void SetFrontDoorOpen(bool open) => Gpio.SetInputLevel(FrontDoorPin, open ? PinValue.High : PinValue.Low);

    public void Dispose()
    {
        _frontDoor.Dispose();
        _gpio.Dispose();
    }
}
