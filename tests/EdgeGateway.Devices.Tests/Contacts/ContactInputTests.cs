using System.Device.Gpio;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Supervision;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Logging;
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
    private readonly List<SupervisionChange> _supervision = [];

    public ContactInputTests()
    {
        _gpio = new GpioController(_driver);
        _events = new CareEventFactory("home-1", _time, new FixedClockSyncStatus(true));
    }

    private ContactInput Open(ContactWiring wiring, ContactPull pull = ContactPull.Up, TimeSpan? silentAfter = null) => new(
        _gpio,
        new ContactInputOptions
        {
            SensorId = "door",
            Kind = SensorKind.DoorContact,
            Pin = Pin,
            Wiring = wiring,
            Pull = pull,
            FlappingMaxChangesPerMinute = 10,
            FlappingQuietPeriod = TimeSpan.FromMinutes(2),
            SilentAfter = silentAfter,
        },
        _time,
        _events.Now,
        r =>
        {
            lock (_readings)
            {
                _readings.Add(r);
            }
        },
        _supervision.Add);

    /// <summary>
    /// Lets time pass in 10 ms steps: FakeTimeProvider.Advance runs every due callback at the end time, so one big jump
    /// would fire a debounce that re-arms the quiet timer after the quiet timer's own due time.
    /// </summary>
    private void Pass(TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(10))
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>One settled change: the door swings to <paramref name="open"/> and stays for 200 ms.</summary>
    private void Swing(bool open)
    {
        _driver.SetInputLevel(Pin, open ? PinValue.High : PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(200));
    }

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

    [Fact]
    public void Ten_changes_a_minute_pass_but_the_eleventh_becomes_one_flapping_report_instead_of_a_storm()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        using var input = Open(ContactWiring.NormallyClosed);
        for (var i = 0; i < 10; i++)
        {
            Swing(open: i % 2 == 0);
        }

        Assert.Equal(11, _readings.Count); // initial + 10
        Assert.Empty(_supervision);

        for (var i = 10; i < 40; i++)
        {
            Swing(open: i % 2 == 0);
        }

        Assert.Equal(11, _readings.Count);
        var flapping = Assert.Single(_supervision);
        Assert.Equal(CareEventKind.SensorFlapping, flapping.Event);
        Assert.Equal(SupervisionState.Faulted, input.State);
        Assert.Contains("11 changes", flapping.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flapping_contact_recovers_after_the_quiet_period_and_reports_the_state_it_settled_in()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        using var input = Open(ContactWiring.NormallyClosed);
        for (var i = 0; i < 15; i++)
        {
            Swing(open: i % 2 == 0);
        }

        // 15 swings starting with "open" end open; the last reported reading was the 10th swing: closed.
        Assert.False(input.Active);
        Pass(TimeSpan.FromMinutes(1));
        Assert.Equal(SupervisionState.Faulted, input.State);
        Swing(open: false); // still flapping: restarts the quiet period
        Pass(TimeSpan.FromSeconds(119));
        Assert.Equal(SupervisionState.Faulted, input.State);
        _driver.SetInputLevel(Pin, PinValue.High);
        Pass(TimeSpan.FromMinutes(2.1));
        Assert.Equal(SupervisionState.Alive, input.State);
        Assert.Equal([CareEventKind.SensorFlapping, CareEventKind.SensorRestored], _supervision.Select(s => s.Event));
        Assert.True(input.Active);
        Assert.True(_readings[^1].Active);

        // Back to normal: single changes are reported again.
        Swing(open: false);
        Assert.False(_readings[^1].Active);
    }

    [Fact]
    public void A_contact_that_never_changes_is_reported_silent_and_restored_by_the_next_change()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        using var input = Open(ContactWiring.NormallyOpen, silentAfter: TimeSpan.FromHours(48));
        _time.Advance(TimeSpan.FromHours(47));
        Assert.Equal(SupervisionState.Alive, input.State);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(SupervisionState.Silent, input.State);
        Assert.Equal(CareEventKind.SensorSilent, Assert.Single(_supervision).Event);
        Swing(open: true);
        Assert.Equal(SupervisionState.Alive, input.State);
        Assert.Equal(CareEventKind.SensorRestored, _supervision[^1].Event);
    }

    [Fact]
    public void A_help_button_pressed_again_and_again_is_reported_flapping_but_every_press_still_reaches_the_sink()
    {
        // 30 presses in 20 s: 60 changes, three times the limit of 20 a minute. Today's door-contact behaviour would
        // withhold everything after the 20th change for two minutes.
        _driver.SetInputLevel(Pin, PinValue.High); // cord hanging: open contact reads its pull-up
        using var cord = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = "cord", Kind = SensorKind.HelpButton, Pin = Pin, FlappingMaxChangesPerMinute = 20 },
            _time,
            _events.Now,
            _readings.Add,
            _supervision.Add);
        for (var i = 0; i < 30; i++)
        {
            _driver.SetInputLevel(Pin, PinValue.Low);
            _time.Advance(TimeSpan.FromMilliseconds(200));
            _driver.SetInputLevel(Pin, PinValue.High);
            _time.Advance(TimeSpan.FromMilliseconds(466));
        }

        Assert.Equal(61, _readings.Count); // initial + 30 presses + 30 releases
        Assert.Equal(30, _readings.Count(r => r.Active));
        var flapping = Assert.Single(_supervision);
        Assert.Equal(CareEventKind.SensorFlapping, flapping.Event);
        Assert.Contains("never withheld", flapping.Reason, StringComparison.Ordinal);
        Assert.Equal(SupervisionState.Faulted, cord.State);

        // Still flapping (within the quiet period): one more press reaches the sink, no second flapping report.
        _driver.SetInputLevel(Pin, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(_readings[^1].Active);
        Assert.Single(_supervision);

        _driver.SetInputLevel(Pin, PinValue.High);
        Pass(TimeSpan.FromMinutes(2.1));
        Assert.Equal(SupervisionState.Alive, cord.State);
        Assert.Equal([CareEventKind.SensorFlapping, CareEventKind.SensorRestored], _supervision.Select(s => s.Event));
        Assert.False(_readings[^1].Active);
    }

    [Fact]
    public void A_sink_that_throws_is_logged_with_the_sensor_id_and_counted_and_the_contact_keeps_reporting()
    {
        _driver.SetInputLevel(Pin, PinValue.Low);
        var logger = new RecordingLogger();
        var throwNext = false;
        using var input = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = "door", Kind = SensorKind.DoorContact, Pin = Pin, Wiring = ContactWiring.NormallyClosed },
            _time,
            _events.Now,
            r =>
            {
                if (throwNext)
                {
                    throwNext = false;
                    throw new InvalidOperationException("consumer bug");
                }

                _readings.Add(r);
            },
            _supervision.Add,
            logger);
        throwNext = true;

        // With FakeTimeProvider the debounce runs inside Advance: an escaping exception would surface here (on the
        // system clock it would end the process).
        Swing(open: true);
        Assert.Equal(1, input.SinkFailures);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("door", entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);

        Swing(open: false);
        Swing(open: true);
        Assert.Equal([false, false, true], _readings.Select(r => r.Active));
        Assert.Equal(1, input.SinkFailures);
    }

    [Fact]
    public void A_supervision_sink_that_throws_does_not_escape_the_silence_timer()
    {
        _driver.SetInputLevel(Pin, PinValue.High); // empty bed: the mat's contact is open
        var logger = new RecordingLogger();
        using var input = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = "bed", Kind = SensorKind.BedMat, Pin = Pin, SilentAfter = TimeSpan.FromHours(48) },
            _time,
            _events.Now,
            _readings.Add,
            _ => throw new InvalidOperationException("consumer bug"),
            logger);
        _time.Advance(TimeSpan.FromHours(48));
        Assert.Equal(SupervisionState.Silent, input.State);
        Assert.Equal(1, input.SinkFailures);
        Assert.Contains("bed", Assert.Single(logger.Entries).Message, StringComparison.Ordinal);

        Swing(open: false); // someone lies down: the mat closes to ground
        Assert.Equal(SupervisionState.Alive, input.State);
        Assert.True(_readings[^1].Active);
        Assert.Equal(2, input.SinkFailures); // the SensorRestored report threw too
    }

    [Fact]
    public async Task On_the_system_clock_the_debounce_runs_on_its_own_thread_filters_bounce_and_stops_on_dispose()
    {
        // Real time: 300 ms debounce, far longer than the microseconds between the simulated bounces even on a busy machine.
        _driver.SetInputLevel(Pin, PinValue.Low);
        var readings = new List<SensorReading>();
        var input = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = "door", Kind = SensorKind.DoorContact, Pin = Pin, Wiring = ContactWiring.NormallyClosed, Debounce = TimeSpan.FromMilliseconds(300) },
            TimeProvider.System,
            new CareEventFactory("home-1", TimeProvider.System, new FixedClockSyncStatus(true)).Now,
            r =>
            {
                lock (readings)
                {
                    readings.Add(r);
                }
            });
        var thread = input.DebounceThread;
        Assert.NotNull(thread);
        Assert.True(thread.IsAlive);
        Assert.StartsWith("debounce door", thread.Name, StringComparison.Ordinal);

        foreach (var level in new[] { PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High })
        {
            _driver.SetInputLevel(Pin, level);
        }

        await EdgeGateway.TestSupport.Eventually.UntilAsync(() => input.Active, TimeSpan.FromSeconds(10));
        _driver.SetInputLevel(Pin, PinValue.Low);
        await EdgeGateway.TestSupport.Eventually.UntilAsync(() => !input.Active, TimeSpan.FromSeconds(10));
        lock (readings)
        {
            Assert.Equal([false, true, false], readings.Select(r => r.Active));
        }

        input.Dispose();
        Assert.False(thread.IsAlive);
    }

    [Fact]
    public async Task A_debounce_longer_than_one_wait_can_take_keeps_the_debounce_thread_alive()
    {
        // 30 days is more than the int.MaxValue ms a single wait accepts: the thread must wait in steps, not throw.
        _driver.SetInputLevel(Pin, PinValue.Low);
        using var input = new ContactInput(
            _gpio,
            new ContactInputOptions { SensorId = "door", Kind = SensorKind.DoorContact, Pin = Pin, Debounce = TimeSpan.FromDays(30) },
            TimeProvider.System,
            new CareEventFactory("home-1", TimeProvider.System, new FixedClockSyncStatus(true)).Now,
            _ => { });
        _driver.SetInputLevel(Pin, PinValue.High);
        var thread = input.DebounceThread!;
        await Task.Delay(200); // an ArgumentOutOfRangeException there would end the thread (and the test host) at once
        Assert.True(thread.IsAlive);
        input.Dispose();
        Assert.False(thread.IsAlive);
    }

    public void Dispose() => _gpio.Dispose();
}
