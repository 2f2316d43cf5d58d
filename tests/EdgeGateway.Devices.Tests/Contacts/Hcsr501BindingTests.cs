using System.Device.Gpio;
using EdgeGateway.Devices.Simulated;
using Iot.Device.Hcsr501;

namespace EdgeGateway.Devices.Tests.Contacts;

/// <summary>
/// Why the PIR goes through <c>ContactInput</c> and not Iot.Device.Hcsr501 (Contacts/README.md): the binding runs on the
/// simulated pin path, but on a controller shared with the other inputs it leaves its pin open and its callback registered, and it has no debounce, no
/// clock and no supervision (stuck on, flapping, silent). If a
/// release fixes that, these tests fail and the choice should be looked at again.
/// </summary>
public sealed class Hcsr501BindingTests : IDisposable
{
    private const int Pin = 5;
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;

    public Hcsr501BindingTests() => _gpio = new GpioController(_driver);

    [Fact]
    public void The_binding_reads_the_simulated_pin_but_opens_it_without_a_bias()
    {
        using var pir = new Hcsr501(Pin, _gpio, shouldDispose: false);
        Assert.False(pir.IsMotionDetected);
        _driver.SetInputLevel(Pin, PinValue.High);
        Assert.True(pir.IsMotionDetected);

        // No pull-down: an unplugged sensor's pin floats instead of reading "no motion" for the silence supervision.
        Assert.Equal(PinMode.Input, _gpio.GetPinMode(Pin));
    }

    [Fact]
    public void Disposed_on_a_shared_controller_it_leaves_the_pin_open_and_still_raises_its_event()
    {
        var pir = new Hcsr501(Pin, _gpio, shouldDispose: false);
        var after = 0;
        pir.Hcsr501ValueChanged += (_, _) => after++;
        pir.Dispose();

        Assert.True(_driver.IsOpen(Pin));
        _driver.SetInputLevel(Pin, PinValue.High);
        Assert.Equal(1, after);
    }

    public void Dispose() => _gpio.Dispose();
}
