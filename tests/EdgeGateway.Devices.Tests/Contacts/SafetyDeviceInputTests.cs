using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Contacts;

/// <summary>The safety devices' outputs and PIRs through the real input path: simulated pins under the real GpioController, the config's options.</summary>
public sealed class SafetyDeviceInputTests : IDisposable
{
    private const int Pin = 5;
    private const int SupervisionPin = 6;
    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;
    private readonly CareEventFactory _events;
    private readonly List<SensorReading> _readings = [];
    private readonly List<SupervisionChange> _supervision = [];

    public SafetyDeviceInputTests()
    {
        _gpio = new GpioController(_driver);
        _events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
    }

    private ContactInput Open(ContactConfig config) => new(_gpio, config.ToOptions(), _time, _events.Now, _readings.Add, _supervision.Add);

    private static ContactConfig Smoke(bool supervised = true) => new()
    {
        SensorId = "kitchen-smoke",
        Kind = "SmokeDetector",
        Pin = Pin,
        Wiring = ContactWiring.NormallyOpen,
        SupervisionPin = supervised ? SupervisionPin : null,
    };

    /// <summary>The relay switches: NO side on <see cref="Pin"/>, NC side on <see cref="SupervisionPin"/>, each to ground against its pull-up.</summary>
    private void Relay(bool alarm)
    {
        _driver.SetInputLevel(Pin, alarm ? PinValue.Low : PinValue.High);
        _driver.SetInputLevel(SupervisionPin, alarm ? PinValue.High : PinValue.Low);
    }

    private void Pass(TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void A_smoke_relay_closing_is_one_active_reading_after_its_bounce()
    {
        Relay(alarm: false);
        using var input = Open(Smoke());
        Assert.False(Assert.Single(_readings).Active);
        Assert.Equal(SensorKind.SmokeDetector, _readings[0].Kind);

        foreach (var level in new[] { PinValue.Low, PinValue.High, PinValue.Low })
        {
            _driver.SetInputLevel(Pin, level);
            _time.Advance(TimeSpan.FromMilliseconds(3));
        }

        _driver.SetInputLevel(SupervisionPin, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, _readings.Count);
        Assert.True(_readings[1].Active);
        Assert.Empty(_supervision);
    }

    [Fact]
    public void A_cut_cable_is_a_fault_and_never_reads_as_no_smoke_and_the_mended_line_reports_its_state()
    {
        Relay(alarm: true);
        using var input = Open(Smoke());
        Assert.True(Assert.Single(_readings).Active);

        // The cable is cut: both pins float to their pull-ups. One fault, and no "smoke gone" reading.
        _driver.SetInputLevel(Pin, null);
        _driver.SetInputLevel(SupervisionPin, null);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Single(_readings);
        var fault = Assert.Single(_supervision);
        Assert.Equal((SupervisionState.Faulted, CareEventKind.SensorFault), (fault.State, fault.Event));
        Assert.Contains("cut", fault.Reason, StringComparison.Ordinal);
        Assert.Equal(SupervisionState.Faulted, input.State);

        // Mended while the detector has meanwhile released: restored, then the state it is in now.
        Relay(alarm: false);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal((SupervisionState.Alive, CareEventKind.SensorRestored), (_supervision[1].State, _supervision[1].Event));
        Assert.Equal(2, _readings.Count);
        Assert.False(_readings[1].Active);
    }

    [Fact]
    public void A_short_is_a_fault_too_and_a_line_cut_at_start_up_reports_only_the_fault()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        _driver.SetInputLevel(SupervisionPin, PinValue.Low);
        using (Open(Smoke()))
        {
            Assert.Empty(_readings);
            Assert.Contains("short circuit", Assert.Single(_supervision).Reason, StringComparison.Ordinal);
        }

        _readings.Clear();
        _supervision.Clear();
        _driver.SetInputLevel(Pin, null);
        _driver.SetInputLevel(SupervisionPin, null);
        using var cut = Open(Smoke());
        Assert.Empty(_readings);
        Assert.Contains("cut", Assert.Single(_supervision).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_supervision_contact_a_normally_open_cut_reads_idle_which_is_why_the_second_contact_exists()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        using var input = Open(Smoke(supervised: false));
        _driver.SetInputLevel(Pin, null);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(_readings[^1].Active);
        Assert.Empty(_supervision);
    }

    [Fact]
    public void A_fault_output_wired_normally_closed_reads_a_cut_as_the_fault()
    {
        _driver.SetInputLevel(Pin, PinValue.Low); // healthy: the dispenser holds its fault relay closed
        using var input = Open(new ContactConfig { SensorId = "pills-fault", Kind = "DispenserFault", Pin = Pin, Wiring = ContactWiring.NormallyClosed });
        Assert.False(Assert.Single(_readings).Active);
        _driver.SetInputLevel(Pin, null);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_readings[^1].Active);
        Assert.Equal(SensorKind.DispenserFault, _readings[^1].Kind);
    }

    [Fact]
    public void A_chattering_smoke_relay_is_reported_flapping_but_every_change_still_reaches_the_rules()
    {
        Relay(alarm: false);
        using var input = Open(Smoke());
        for (var i = 0; i < 30; i++)
        {
            Relay(alarm: i % 2 == 0);
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(31, _readings.Count);
        Assert.Contains(_supervision, c => c.Event == CareEventKind.SensorFlapping);
    }

    [Fact]
    public void A_pir_always_on_is_a_fault_after_two_hours_and_restored_when_it_releases()
    {
        // HC-SR501: driven output, high on motion; the pin is pulled down so an unplugged sensor reads "no motion".
        var pir = new ContactConfig { SensorId = "hall-pir", Kind = "Motion", Pin = Pin, Pull = ContactPull.Down, Wiring = ContactWiring.NormallyOpen, Debounce = TimeSpan.FromMilliseconds(20) };
        using var input = Open(pir);
        _driver.SetInputLevel(Pin, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(_readings[^1].Active);
        Assert.Equal(SensorKind.Motion, _readings[^1].Kind);

        Pass(ContactConfig.DefaultMotionStuckAfter - TimeSpan.FromSeconds(2));
        Assert.Empty(_supervision);
        Pass(TimeSpan.FromSeconds(3));
        var stuck = Assert.Single(_supervision);
        Assert.Equal((SupervisionState.Faulted, CareEventKind.SensorFault), (stuck.State, stuck.Event));
        Assert.Contains("stuck on", stuck.Reason, StringComparison.Ordinal);

        _driver.SetInputLevel(Pin, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.False(_readings[^1].Active);
        Assert.Equal((SupervisionState.Alive, CareEventKind.SensorRestored), (_supervision[^1].State, _supervision[^1].Event));
    }

    [Fact]
    public void A_flapping_pir_is_a_fault_and_its_readings_are_withheld_and_a_silent_one_is_reported()
    {
        var pir = new ContactConfig { SensorId = "hall-pir", Kind = "Motion", Pin = Pin, Pull = ContactPull.Down, FlappingMaxChangesPerMinute = 10, SilentAfter = TimeSpan.FromHours(12) };
        using var input = Open(pir);
        for (var i = 0; i < 20; i++)
        {
            _driver.SetInputLevel(Pin, i % 2 == 0 ? PinValue.High : PinValue.Low);
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(11, _readings.Count); // the initial state and the first ten changes
        Assert.Equal(CareEventKind.SensorFlapping, Assert.Single(_supervision).Event);

        Pass(TimeSpan.FromMinutes(3));
        Assert.Equal(CareEventKind.SensorRestored, _supervision[^1].Event);
        Pass(TimeSpan.FromHours(12));
        Assert.Equal((SupervisionState.Silent, CareEventKind.SensorSilent), (_supervision[^1].State, _supervision[^1].Event));
    }

    [Fact]
    public void The_config_refuses_a_supervision_pin_already_in_use_and_a_zero_stuck_time()
    {
        var config = new DevicesConfig
        {
            Contacts =
            [
                Smoke(),
                new ContactConfig { SensorId = "hall-pir", Kind = "Motion", Pin = SupervisionPin, StuckActiveAfter = TimeSpan.Zero },
            ],
        };
        var problems = config.Validate().Select(i => i.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("devices.contacts.1.pin: GPIO 6 is already used by devices.contacts.0.supervision_pin", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("devices.contacts.1.stuck_active_after:", StringComparison.Ordinal));
    }

    public void Dispose() => _gpio.Dispose();
}
