using EdgeGateway.Devices.Accelerometers.Mpu6050;
using EdgeGateway.Devices.Simulated;
using Iot.Device.Imu;
using Microsoft.Extensions.Time.Testing;
using BindingMpu6050 = Iot.Device.Imu.Mpu6050;
using OurMpu6050 = EdgeGateway.Devices.Accelerometers.Mpu6050.Mpu6050;

namespace EdgeGateway.Devices.Tests.Accelerometers;

/// <summary>
/// Why the MPU-6050 has our own driver and not Iot.Device.Bindings' <c>Iot.Device.Imu.Mpu6050</c> (4.2.0), shown by
/// running the binding on the register-level simulator (Mpu6050/README.md): if a later binding fixes these, these tests
/// fail and say so.
/// </summary>
public sealed class Mpu6050BindingTests
{
    private const byte UserCtrl = 0x6A;
    private const double StandardGravity = 9.807; // the binding's own constant, m/s²
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_bindings_FifoModes_never_sets_USER_CTRL_FIFO_EN_so_the_FIFO_stays_empty()
    {
        var chip = new SimulatedMpu6050(_time);
        using var mpu = new BindingMpu6050(chip);
        mpu.SampleRateDivider = 39; // 8 kHz / 40 = 200 Hz with the binding's DLPF setting
        mpu.FifoModes = FifoModes.Accelerometer;
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(FifoModes.Accelerometer, mpu.FifoModes);
        Assert.Equal(0u, mpu.FifoCount);

        // The same chip with USER_CTRL.FIFO_EN (bit 6) set, as our driver's Initialise does: it fills its FIFO.
        chip.Write([UserCtrl, Mpu6050Codec.UserFifoEnableBit]);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.InRange(mpu.FifoCount, 39u * Mpu6050Codec.BytesPerSample, 41u * Mpu6050Codec.BytesPerSample); // 200 ms at 200 Hz
    }

    [Fact]
    public void The_bindings_accelerometer_scale_is_divided_by_one_plus_SMPLRT_DIV()
    {
        var chip = new SimulatedMpu6050(_time);
        using var mpu = new BindingMpu6050(chip);
        _time.Advance(TimeSpan.FromMilliseconds(10));

        // At rest the chip reads 1 g whatever its sample rate; the binding (in m/s², though its doc says g) agrees only at divider 0.
        mpu.SampleRateDivider = 0;
        var undivided = mpu.GetAccelerometer().Length();
        mpu.SampleRateDivider = 39;
        _time.Advance(TimeSpan.FromMilliseconds(10));
        var divided = mpu.GetAccelerometer().Length();
        Assert.Equal(StandardGravity, undivided, 0.2);
        Assert.Equal(StandardGravity / 40, divided, 0.01);
    }

    [Fact]
    public void The_binding_refuses_a_chip_whose_WHO_AM_I_is_not_0x68_as_our_driver_does()
    {
        // 0x72 is what many GY-521 clones answer. Both refuse it; this is no reason for our driver, it is pinned so that
        // a binding that starts accepting clones shows up (ours would then have to decide the same).
        var binding = Assert.Throws<IOException>(() => new BindingMpu6050(new SimulatedMpu6050(_time) { WrongDeviceId = 0x72 }));
        Assert.Contains("0x68", binding.Message, StringComparison.Ordinal);

        using var ours = new OurMpu6050(new SimulatedMpu6050(_time) { WrongDeviceId = 0x72 });
        var refused = Assert.Throws<IOException>(ours.Initialise);
        Assert.Contains("WHO_AM_I reads 0x72", refused.Message, StringComparison.Ordinal);
    }
}
