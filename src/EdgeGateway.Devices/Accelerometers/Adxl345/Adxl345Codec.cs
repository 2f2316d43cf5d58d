namespace EdgeGateway.Devices.Accelerometers.Adxl345;

/// <summary>Pure encoding and decoding of ADXL345 register bytes (datasheet Rev. G).</summary>
public static class Adxl345Codec
{
    /// <summary>The fixed device ID in DEVID.</summary>
    public const byte DeviceId = 0xE5;

    /// <summary>POWER_CTL bit 3: measurement mode.</summary>
    public const byte MeasureBit = 0x08;

    /// <summary>DATA_FORMAT bit 3: full resolution (scale stays 3.9 mg/LSB in every range).</summary>
    public const byte FullResBit = 0x08;

    /// <summary>INT_SOURCE bit 0: the FIFO overflowed.</summary>
    public const byte OverrunBit = 0x01;

    /// <summary>Samples the FIFO holds, plus one in the output registers.</summary>
    public const int MaxEntries = 33;

    /// <summary>Full-resolution scale in g per LSB: 1/256 g (the datasheet's 3.9 mg/LSB typical; SisFall's raw*32/8192).</summary>
    public const double FullResolutionGPerLsb = 1.0 / 256;

    /// <summary>The output data rates of BW_RATE codes 0x06 (6.25 Hz) to 0x0F (3200 Hz): each code doubles the rate.</summary>
    public static byte EncodeRate(double hz)
    {
        for (byte code = 0x06; code <= 0x0F; code++)
        {
            if (Math.Abs(DecodeRate(code) - hz) < 1e-9)
            {
                return code;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(hz), hz, "ADXL345 rates are 6.25, 12.5, 25, 50, 100, 200, 400, 800, 1600 or 3200 Hz");
    }

    /// <summary>The output data rate of a BW_RATE value (low-power bit ignored).</summary>
    public static double DecodeRate(byte bwRate) => 3200.0 / (1 << (0x0F - (bwRate & 0x0F)));

    /// <summary>DATA_FORMAT for a range, right-justified, 4-wire SPI off, interrupts active high.</summary>
    public static byte EncodeDataFormat(Adxl345Range range, bool fullResolution) =>
        (byte)((fullResolution ? FullResBit : 0) | (byte)range);

    /// <summary>FIFO_CTL for a mode and watermark sample count (0–31).</summary>
    public static byte EncodeFifoCtl(Adxl345FifoMode mode, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samples, 31);
        return (byte)(((byte)mode << 6) | samples);
    }

    /// <summary>The number of samples waiting (FIFO_STATUS bits 5:0).</summary>
    public static int DecodeEntries(byte fifoStatus) => fifoStatus & 0x3F;

    /// <summary>g per LSB for a DATA_FORMAT value: 1/256 in full resolution, otherwise 10 bits across the range.</summary>
    public static double GPerLsb(byte dataFormat) =>
        (dataFormat & FullResBit) != 0 ? FullResolutionGPerLsb : (1 << (dataFormat & 0x03)) / 256.0;

    /// <summary>A two's-complement axis value from its little-endian register pair.</summary>
    public static short DecodeAxis(byte low, byte high) => (short)(low | (high << 8));

    /// <summary>Encodes an acceleration as the chip would (round to LSB, clamp to the range) for a DATA_FORMAT value.</summary>
    public static short EncodeAxis(double g, byte dataFormat)
    {
        var lsb = Math.Round(g / GPerLsb(dataFormat));

        // Full resolution grows from 10 to 13 bits with the range; fixed 10-bit otherwise.
        var bits = (dataFormat & FullResBit) != 0 ? 10 + (dataFormat & 0x03) : 10;
        var max = (1 << (bits - 1)) - 1;
        return (short)Math.Clamp(lsb, -max - 1, max);
    }
}
