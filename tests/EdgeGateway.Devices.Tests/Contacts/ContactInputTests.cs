using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Contacts;

public sealed class ContactInputTests : IDisposable
{
    private const int Pin = 17;
    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;
    private readonly CareEventFactory _events;
    private readonly List<SensorReading> _readings = [];

    public ContactInputTests()
    {
        _gpio = new GpioController(_driver);
        _events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
    }

    private ContactInput Open(ContactWiring wiring, ContactPull pull = ContactPull.Up) => new(
        _gpio,
        new ContactInputOptions { SensorId = "door", Kind = SensorKind.DoorContact, Pin = Pin, Wiring = wiring, Pull = pull },
        _time,
        _events.Now,
        r =>
        {
            lock (_readings)
            {
                _readings.Add(r);
            }
        });

    [Fact]
    public void Pull_up_pin_reads_high_until_driven_and_edges_reach_the_controller()
    {
        _gpio.OpenPin(Pin, PinMode.InputPullUp);
        Assert.Equal(PinValue.High, _gpio.Read(Pin));
        var edges = new List<PinEventTypes>();
        _gpio.RegisterCallbackForPinValueChangedEvent(Pin, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => edges.Add(e.ChangeType));
        _driver.SetInputLevel(Pin, PinValue.Low);
        _driver.SetInputLevel(Pin, PinValue.Low);
        _driver.SetInputLevel(Pin, null);
        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Rising], edges);
    }

    [Fact]
    public void Normally_closed_door_reports_initial_state_then_one_reading_per_settled_change_despite_bounce()
    {
        _driver.SetInputLevel(Pin, PinValue.Low); // magnet holds the reed closed: door shut
        using var input = Open(ContactWiring.NormallyClosed);
        Assert.False(Assert.Single(_readings).Active);

        // The door opens: the reed chatters for 8 ms before it settles open.
        foreach (var level in new[] { PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High })
        {
            _driver.SetInputLevel(Pin, level);
            _time.Advance(TimeSpan.FromMilliseconds(2));
        }

        Assert.Single(_readings);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(2, _readings.Count);
        Assert.True(_readings[1].Active);
        Assert.True(input.Active);
    }

    [Fact]
    public void A_glitch_shorter_than_the_debounce_time_is_not_reported()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        using var input = Open(ContactWiring.NormallyClosed);
        _driver.SetInputLevel(Pin, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        _driver.SetInputLevel(Pin, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Single(_readings);
    }

    [Theory]
    [InlineData(ContactWiring.NormallyOpen, ContactPull.Up, 0, true)]
    [InlineData(ContactWiring.NormallyOpen, ContactPull.Up, 1, false)]
    [InlineData(ContactWiring.NormallyClosed, ContactPull.Up, 0, false)]
    [InlineData(ContactWiring.NormallyOpen, ContactPull.Down, 1, true)]
    [InlineData(ContactWiring.NormallyClosed, ContactPull.Down, 1, false)]
    public void Wiring_and_pull_decide_what_active_means(ContactWiring wiring, ContactPull pull, int level, bool active)
    {
        _driver.SetInputLevel(Pin, level == 1 ? PinValue.High : PinValue.Low);
        using var input = Open(wiring, pull);
        Assert.Equal(active, input.Active);
    }

    [Fact]
    public void Dispose_releases_the_pin()
    {
        var input = Open(ContactWiring.NormallyOpen);
        Assert.True(_driver.IsOpen(Pin));
        input.Dispose();
        Assert.False(_driver.IsOpen(Pin));
    }

    public void Dispose() => _gpio.Dispose();
}
