using System.Device.Gpio;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Devices.Outputs;
using EdgeGateway.Devices.Simulated;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Outputs;

public sealed class OutputTests : IDisposable
{
    private const int BuzzerPin = 18;
    private const int LedPin = 23;
    private const int ValvePin = 24;
    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;
    private readonly List<(TimeSpan At, int Pin, PinValue Value)> _writes = [];
    private readonly DateTimeOffset _start;

    public OutputTests()
    {
        _gpio = new GpioController(_driver);
        _start = _time.GetUtcNow();
        _driver.OutputWritten += (pin, value) => _writes.Add((_time.GetUtcNow() - _start, pin, value));
    }

    private void Pass(TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(10))
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    [Fact]
    public void Buzzer_starts_silent_plays_the_pre_alarm_timing_and_is_silent_after_dispose()
    {
        var buzzer = new GpioBuzzer(_gpio, BuzzerPin, _time);
        Assert.Equal(PinValue.Low, _driver.GetLevel(BuzzerPin));
        buzzer.Set(BuzzerPattern.PreAlarm);
        Pass(TimeSpan.FromMilliseconds(1000));
        var edges = _writes.Where(w => w.Pin == BuzzerPin).Skip(1).ToList(); // after the safe-state write at open
        Assert.Equal(11, edges.Count); // on at 0 then a change every 100 ms
        for (var i = 0; i < edges.Count; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(100 * i), edges[i].At);
            Assert.Equal(i % 2 == 0 ? PinValue.High : PinValue.Low, edges[i].Value);
        }

        buzzer.Set(BuzzerPattern.Alarm);
        Assert.Equal(PinValue.High, _driver.GetLevel(BuzzerPin));
        buzzer.Dispose();
        Assert.Equal(PinValue.Low, _writes[^1].Value);
        Assert.False(_driver.IsOpen(BuzzerPin));
        var count = _writes.Count;
        Pass(TimeSpan.FromSeconds(2));
        Assert.Equal(count, _writes.Count); // no timer keeps toggling a released pin
    }

    [Fact]
    public void Buzzer_off_silences_at_once_and_fault_chirp_is_50_ms_a_minute()
    {
        using var buzzer = new GpioBuzzer(_gpio, BuzzerPin, _time);
        buzzer.Set(BuzzerPattern.FaultChirp);
        Pass(TimeSpan.FromMinutes(2));
        var highs = _writes.Where(w => w.Pin == BuzzerPin && w.Value == PinValue.High).Select(w => w.At).ToList();
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)], highs);
        buzzer.Set(BuzzerPattern.Off);
        Assert.Equal(PinValue.Low, _driver.GetLevel(BuzzerPin));
        Pass(TimeSpan.FromMinutes(1.5));
        Assert.Equal(PinValue.Low, _driver.GetLevel(BuzzerPin));
    }

    [Fact]
    public void Led_heartbeat_blinks_100_ms_every_3_s_and_goes_dark_on_dispose()
    {
        var led = new GpioStatusLed(_gpio, LedPin, _time);
        led.Set(LedPattern.Heartbeat);
        Pass(TimeSpan.FromSeconds(9));
        var highs = _writes.Where(w => w.Pin == LedPin && w.Value == PinValue.High).Select(w => w.At).ToList();
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(9)], highs);
        led.Dispose();
        Assert.Equal(PinValue.Low, _writes[^1].Value);
    }

    [Fact]
    public void Received_and_help_is_coming_sound_and_show_differently_from_each_other_and_from_every_other_pattern()
    {
        using var buzzer = new GpioBuzzer(_gpio, BuzzerPin, _time);
        buzzer.Set(BuzzerPattern.AlarmDelivered);
        Pass(TimeSpan.FromSeconds(20));
        var beeps = _writes.Where(w => w.Pin == BuzzerPin && w.Value == PinValue.High).Select(w => w.At).ToList();
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(10_300), TimeSpan.FromSeconds(20)], beeps);

        // Every pattern of each output is its own timing: none of them can be mistaken for another.
        var buzzerTimings = Enum.GetValues<BuzzerPattern>().Select(p => string.Join(",", GpioBuzzer.Timing(p))).ToList();
        Assert.Equal(buzzerTimings.Count, buzzerTimings.Distinct().Count());
        var ledTimings = Enum.GetValues<LedPattern>().Select(p => string.Join(",", GpioStatusLed.Timing(p))).ToList();
        Assert.Equal(ledTimings.Count, ledTimings.Distinct().Count());
        Assert.Equal([TimeSpan.FromSeconds(1)], GpioStatusLed.Timing(LedPattern.AlarmTaken)); // steady on
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Valve_relay_starts_and_ends_de_energised_so_the_water_stays_on(bool activeHigh)
    {
        var released = activeHigh ? PinValue.Low : PinValue.High;
        var valve = new RelayShutOffValve(_gpio, ValvePin, activeHigh);
        Assert.Equal(released, _driver.GetLevel(ValvePin));
        Assert.All(_writes, w => Assert.Equal(released, w.Value)); // never energised, not even for an instant
        Assert.False(valve.IsClosed);
        valve.SetClosed(true);
        Assert.NotEqual(released, _driver.GetLevel(ValvePin));
        Assert.True(valve.IsClosed);
        valve.Dispose();
        Assert.Equal(released, _writes[^1].Value);
        Assert.False(valve.IsClosed);
    }

    public void Dispose() => _gpio.Dispose();
}
