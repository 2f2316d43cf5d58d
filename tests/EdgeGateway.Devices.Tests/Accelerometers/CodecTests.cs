using EdgeGateway.Devices.Accelerometers.Adxl345;
using EdgeGateway.Devices.Accelerometers.Mpu6050;

namespace EdgeGateway.Devices.Tests.Accelerometers;

public sealed class CodecTests
{
    [Fact]
    public void Adxl345_full_resolution_reads_256_lsb_as_one_g_in_every_range()
    {
        // Datasheet: 3.9 mg/LSB in full resolution; SisFall uses raw * 32 / 8192, the same 1/256 g.
        Assert.Equal(256, Adxl345Codec.DecodeAxis(0x00, 0x01));
        Assert.Equal(1.0, Adxl345Codec.DecodeAxis(0x00, 0x01) * Adxl345Codec.GPerLsb(Adxl345Codec.EncodeDataFormat(Adxl345Range.G16, true)));
        Assert.Equal(0.0039, Adxl345Codec.FullResolutionGPerLsb, 4);
        Assert.Equal(-256, Adxl345Codec.DecodeAxis(0x00, 0xFF));
        Assert.Equal(0x0B, Adxl345Codec.EncodeDataFormat(Adxl345Range.G16, fullResolution: true));
    }

    [Fact]
    public void Adxl345_ten_bit_mode_scale_grows_with_range_and_full_resolution_clamps_at_13_bits()
    {
        Assert.Equal(1 / 256.0, Adxl345Codec.GPerLsb(Adxl345Codec.EncodeDataFormat(Adxl345Range.G2, false)));
        Assert.Equal(1 / 32.0, Adxl345Codec.GPerLsb(Adxl345Codec.EncodeDataFormat(Adxl345Range.G16, false))); // 31.2 mg/LSB
        var fullRes16 = Adxl345Codec.EncodeDataFormat(Adxl345Range.G16, true);
        Assert.Equal(4095, Adxl345Codec.EncodeAxis(40, fullRes16));
        Assert.Equal(-4096, Adxl345Codec.EncodeAxis(-40, fullRes16));
        Assert.Equal(511, Adxl345Codec.EncodeAxis(3, Adxl345Codec.EncodeDataFormat(Adxl345Range.G2, true)));
    }

    [Theory]
    [InlineData(200, 0x0B)]
    [InlineData(100, 0x0A)]
    [InlineData(3200, 0x0F)]
    [InlineData(6.25, 0x06)]
    public void Adxl345_rate_codes_follow_table_7(double hz, byte code)
    {
        Assert.Equal(code, Adxl345Codec.EncodeRate(hz));
        Assert.Equal(hz, Adxl345Codec.DecodeRate(code));
    }

    [Fact]
    public void Adxl345_fifo_control_and_status_bits()
    {
        Assert.Equal(0x90, Adxl345Codec.EncodeFifoCtl(Adxl345FifoMode.Stream, 16));
        Assert.Equal(0x00, Adxl345Codec.EncodeFifoCtl(Adxl345FifoMode.Bypass, 0));
        Assert.Equal(33, Adxl345Codec.DecodeEntries(0xA1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Adxl345Codec.EncodeRate(150));
    }

    [Theory]
    [InlineData(Mpu6050Range.G2, 16384, 0x00)]
    [InlineData(Mpu6050Range.G4, 8192, 0x08)]
    [InlineData(Mpu6050Range.G8, 4096, 0x10)]
    [InlineData(Mpu6050Range.G16, 2048, 0x18)]
    public void Mpu6050_sensitivity_per_range_follows_the_datasheet(Mpu6050Range range, int lsbPerG, byte accelConfig)
    {
        Assert.Equal(lsbPerG, Mpu6050Codec.LsbPerG(range));
        Assert.Equal(accelConfig, Mpu6050Codec.EncodeAccelConfig(range));
        Assert.Equal(range, Mpu6050Codec.DecodeAccelConfig(accelConfig));
        Assert.Equal(lsbPerG, Mpu6050Codec.EncodeAxis(1.0, range));
    }

    [Fact]
    public void Mpu6050_big_endian_axis_and_sample_rate_divider()
    {
        Assert.Equal(16384, Mpu6050Codec.DecodeAxis(0x40, 0x00)); // 1 g at ±2 g
        Assert.Equal(-16384, Mpu6050Codec.DecodeAxis(0xC0, 0x00));
        Assert.Equal(200, Mpu6050Codec.SampleRateHz(4, 0x02)); // 1 kHz / (1 + 4) with the DLPF on
        Assert.Equal(200, Mpu6050Codec.SampleRateHz(39, 0x00)); // 8 kHz / 40 with it off
        Assert.Equal(4, Mpu6050Codec.EncodeSampleRateDivider(200, 0x02));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mpu6050Codec.EncodeSampleRateDivider(300, 0x02));
    }
}
