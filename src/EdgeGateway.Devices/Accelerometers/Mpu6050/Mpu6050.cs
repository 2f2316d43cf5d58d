using System.Device.I2c;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.Devices.Accelerometers.Mpu6050;

/// <summary>MPU-6050 (e.g. GY-521 board) over I2C (0x68 with AD0 low, 0x69 high); only the accelerometer, read through the FIFO.</summary>
public sealed class Mpu6050 : IAccelerometerChip
{
    /// <summary>The address with AD0 low (GY-521 default).</summary>
    public const int DefaultAddress = 0x68;

    /// <summary>DLPF_CFG 2: 94 Hz accelerometer bandwidth, just under Nyquist at 200 Hz.</summary>
    private const byte DlpfConfig = 0x02;

    private readonly I2cDevice _device;
    private readonly Mpu6050Range _range;
    private readonly byte _divider;
    private readonly double _gPerLsb;
    private readonly byte[] _fifo = new byte[Mpu6050Codec.FifoBytes];

    /// <summary>Takes ownership of <paramref name="device"/>; no bus traffic until <see cref="Initialise"/>.</summary>
    /// <param name="device">The chip's I2C device.</param>
    /// <param name="sampleRateHz">Sample rate (SMPLRT_DIV over the 1 kHz DLPF rate).</param>
    /// <param name="range">Accelerometer full scale.</param>
    /// <param name="watermark">Samples (1–170) the FIFO is read at; the chip has no watermark interrupt, the reader schedules by it. 20 at 200 Hz reads every 100 ms, 750 ms before the 1024 bytes overflow.</param>
    public Mpu6050(I2cDevice device, double sampleRateHz = 200, Mpu6050Range range = Mpu6050Range.G16, int watermark = 20)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(watermark, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(watermark, Mpu6050Codec.FifoBytes / Mpu6050Codec.BytesPerSample);
        _device = device;
        Watermark = watermark;
        _range = range;
        _divider = Mpu6050Codec.EncodeSampleRateDivider(sampleRateHz, DlpfConfig);
        _gPerLsb = 1.0 / Mpu6050Codec.LsbPerG(range);
        SampleRateHz = sampleRateHz;
    }

    /// <inheritdoc />
    public string Name => $"MPU-6050 at 0x{_device.ConnectionSettings.DeviceAddress:X2} on bus {_device.ConnectionSettings.BusId}";

    /// <inheritdoc />
    public double SampleRateHz { get; }

    /// <inheritdoc />
    public int FifoCapacity => Mpu6050Codec.FifoBytes / Mpu6050Codec.BytesPerSample;

    /// <inheritdoc />
    public int Watermark { get; }

    /// <inheritdoc />
    public void Initialise()
    {
        var id = ReadRegister(Mpu6050Register.WhoAmI);
        if (id != Mpu6050Codec.DeviceId)
        {
            throw new IOException($"{Name}: WHO_AM_I reads 0x{id:X2}, expected 0x{Mpu6050Codec.DeviceId:X2}; another chip answers at this address");
        }

        // Wake (SLEEP is set at power-on) on the gyro PLL clock, then configure and start a clean FIFO.
        WriteRegister(Mpu6050Register.PwrMgmt1, Mpu6050Codec.ClockPllXGyro);
        WriteRegister(Mpu6050Register.Config, DlpfConfig);
        WriteRegister(Mpu6050Register.SmplrtDiv, _divider);
        var accelConfig = Mpu6050Codec.EncodeAccelConfig(_range);
        WriteRegister(Mpu6050Register.AccelConfig, accelConfig);
        WriteRegister(Mpu6050Register.UserCtrl, 0);
        WriteRegister(Mpu6050Register.FifoEn, Mpu6050Codec.AccelFifoBit);
        WriteRegister(Mpu6050Register.UserCtrl, Mpu6050Codec.UserFifoResetBit);
        WriteRegister(Mpu6050Register.UserCtrl, Mpu6050Codec.UserFifoEnableBit);
        _ = ReadRegister(Mpu6050Register.IntStatus);
        Verify(Mpu6050Register.PwrMgmt1, Mpu6050Codec.ClockPllXGyro);
        Verify(Mpu6050Register.Config, DlpfConfig);
        Verify(Mpu6050Register.SmplrtDiv, _divider);
        Verify(Mpu6050Register.AccelConfig, accelConfig);
        Verify(Mpu6050Register.FifoEn, Mpu6050Codec.AccelFifoBit);
        Verify(Mpu6050Register.UserCtrl, Mpu6050Codec.UserFifoEnableBit);
    }

    /// <inheritdoc />
    public int ReadFifo(Span<AccelerationSample> destination, out bool overrun)
    {
        overrun = (ReadRegister(Mpu6050Register.IntStatus) & Mpu6050Codec.FifoOverflowBit) != 0;
        if (overrun)
        {
            // 1024 is not a multiple of 6: after an overflow the byte stream no longer starts on a sample, so restart it.
            WriteRegister(Mpu6050Register.UserCtrl, Mpu6050Codec.UserFifoEnableBit | Mpu6050Codec.UserFifoResetBit);
            return 0;
        }

        ReadOnlySpan<byte> countAddress = [(byte)Mpu6050Register.FifoCountH];
        Span<byte> count = stackalloc byte[2];
        _device.WriteRead(countAddress, count);
        var bytes = (count[0] << 8) | count[1];
        var samples = Math.Min(bytes / Mpu6050Codec.BytesPerSample, destination.Length);
        if (samples == 0)
        {
            return 0;
        }

        var buffer = _fifo.AsSpan(0, samples * Mpu6050Codec.BytesPerSample);
        ReadOnlySpan<byte> fifoAddress = [(byte)Mpu6050Register.FifoRw];
        _device.WriteRead(fifoAddress, buffer);
        for (var i = 0; i < samples; i++)
        {
            var s = buffer.Slice(i * Mpu6050Codec.BytesPerSample, Mpu6050Codec.BytesPerSample);
            destination[i] = AccelerationSample.FromG(
                Mpu6050Codec.DecodeAxis(s[0], s[1]) * _gPerLsb,
                Mpu6050Codec.DecodeAxis(s[2], s[3]) * _gPerLsb,
                Mpu6050Codec.DecodeAxis(s[4], s[5]) * _gPerLsb,
                TimeSpan.Zero);
        }

        return samples;
    }

    private void Verify(Mpu6050Register register, byte expected)
    {
        var actual = ReadRegister(register);
        if (actual != expected)
        {
            throw new IOException($"{Name}: {register} reads back 0x{actual:X2} after writing 0x{expected:X2}");
        }
    }

    private byte ReadRegister(Mpu6050Register register)
    {
        ReadOnlySpan<byte> address = [(byte)register];
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead(address, value);
        return value[0];
    }

    private void WriteRegister(Mpu6050Register register, byte value)
    {
        ReadOnlySpan<byte> bytes = [(byte)register, value];
        _device.Write(bytes);
    }

    /// <summary>Puts the chip to sleep (best effort) and releases the bus device.</summary>
    public void Dispose()
    {
        try
        {
            WriteRegister(Mpu6050Register.PwrMgmt1, Mpu6050Codec.SleepBit);
        }
        catch (IOException)
        {
            // A chip that no longer answers is already as idle as it gets.
        }

        _device.Dispose();
    }
}
