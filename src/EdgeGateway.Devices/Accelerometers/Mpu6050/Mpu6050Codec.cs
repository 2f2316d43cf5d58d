namespace EdgeGateway.Devices.Accelerometers.Mpu6050;

/// <summary>Pure encoding and decoding of MPU-6050 register bytes (RM-MPU-6000A-00 Rev. 4.2).</summary>
public static class Mpu6050Codec
{
    /// <summary>WHO_AM_I value (bits 6:1 = 0b110100).</summary>
    public const byte DeviceId = 0x68;

    /// <summary>PWR_MGMT_1 bit 6: sleep, set at power-on.</summary>
    public const byte SleepBit = 0x40;

    /// <summary>PWR_MGMT_1 CLKSEL 1: PLL on the X gyro, the datasheet's recommended clock.</summary>
    public const byte ClockPllXGyro = 0x01;

    /// <summary>FIFO_EN bit 3: accelerometer X, Y, Z into the FIFO.</summary>
    public const byte AccelFifoBit = 0x08;

    /// <summary>USER_CTRL bit 6: FIFO enabled.</summary>
    public const byte UserFifoEnableBit = 0x40;

    /// <summary>USER_CTRL bit 2: FIFO reset (self-clearing).</summary>
    public const byte UserFifoResetBit = 0x04;

    /// <summary>INT_STATUS bit 4: the FIFO overflowed.</summary>
    public const byte FifoOverflowBit = 0x10;

    /// <summary>FIFO size in bytes.</summary>
    public const int FifoBytes = 1024;

    /// <summary>Bytes per accelerometer sample in the FIFO (X, Y, Z high then low).</summary>
    public const int BytesPerSample = 6;

    /// <summary>LSB per g for a range: 16384, 8192, 4096, 2048.</summary>
    public static int LsbPerG(Mpu6050Range range) => 16384 >> (int)range;

    /// <summary>ACCEL_CONFIG for a range (no self-test).</summary>
    public static byte EncodeAccelConfig(Mpu6050Range range) => (byte)((byte)range << 3);

    /// <summary>The range encoded in ACCEL_CONFIG.</summary>
    public static Mpu6050Range DecodeAccelConfig(byte accelConfig) => (Mpu6050Range)((accelConfig >> 3) & 0x03);

    /// <summary>The gyro output rate the divider works from: 8 kHz with the DLPF off (DLPF_CFG 0 or 7), else 1 kHz.</summary>
    public static int GyroOutputRateHz(byte config) => (config & 0x07) is 0 or 7 ? 8000 : 1000;

    /// <summary>The sample rate of SMPLRT_DIV and CONFIG.</summary>
    public static double SampleRateHz(byte smplrtDiv, byte config) => GyroOutputRateHz(config) / (1.0 + smplrtDiv);

    /// <summary>SMPLRT_DIV giving <paramref name="hz"/> exactly for a CONFIG value.</summary>
    public static byte EncodeSampleRateDivider(double hz, byte config)
    {
        var divider = (GyroOutputRateHz(config) / hz) - 1;
        if (divider < 0 || divider > 255 || Math.Abs(divider - Math.Round(divider)) > 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(hz), hz, $"{hz} Hz is not {GyroOutputRateHz(config)} Hz divided by 1–256");
        }

        return (byte)Math.Round(divider);
    }

    /// <summary>A two's-complement value from its big-endian register pair.</summary>
    public static short DecodeAxis(byte high, byte low) => (short)((high << 8) | low);

    /// <summary>Encodes an acceleration as the chip would (round, clamp to 16 bits) for a range.</summary>
    public static short EncodeAxis(double g, Mpu6050Range range) =>
        (short)Math.Clamp(Math.Round(g * LsbPerG(range)), short.MinValue, short.MaxValue);
}
