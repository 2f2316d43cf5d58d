using System.Device.I2c;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.Devices.Accelerometers.Adxl345;

/// <summary>ADXL345 over I2C (address 0x53 with SDO low, 0x1D with SDO high), read through its FIFO in stream mode.</summary>
public sealed class Adxl345 : IAccelerometerChip
{
    /// <summary>The address with SDO/ALT ADDRESS tied low (most breakouts).</summary>
    public const int DefaultAddress = 0x53;

    private readonly I2cDevice _device;
    private readonly byte _bwRate;
    private readonly byte _dataFormat;
    private readonly double _gPerLsb;
    private readonly byte[] _data = new byte[6];
    private readonly byte[] _entry = new byte[8];

    /// <summary>Takes ownership of <paramref name="device"/>; no bus traffic until <see cref="Initialise"/>.</summary>
    /// <param name="device">The chip's I2C device.</param>
    /// <param name="sampleRateHz">Output data rate (BW_RATE).</param>
    /// <param name="range">Measurement range.</param>
    /// <param name="fullResolution">3.9 mg/LSB in every range.</param>
    /// <param name="watermark">FIFO_CTL samples (1–31): the level the FIFO is read at. 8 at 200 Hz reads every 40 ms and leaves 125 ms of the 33 entries for a late reader.</param>
    public Adxl345(I2cDevice device, double sampleRateHz = 200, Adxl345Range range = Adxl345Range.G16, bool fullResolution = true, int watermark = 8)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(watermark, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(watermark, 31);
        _device = device;
        Watermark = watermark;
        _bwRate = Adxl345Codec.EncodeRate(sampleRateHz);
        _dataFormat = Adxl345Codec.EncodeDataFormat(range, fullResolution);
        _gPerLsb = Adxl345Codec.GPerLsb(_dataFormat);
        SampleRateHz = sampleRateHz;
    }

    /// <inheritdoc />
    public string Name => $"ADXL345 at 0x{_device.ConnectionSettings.DeviceAddress:X2} on bus {_device.ConnectionSettings.BusId}";

    /// <inheritdoc />
    public double SampleRateHz { get; }

    /// <inheritdoc />
    public int FifoCapacity => Adxl345Codec.MaxEntries;

    /// <inheritdoc />
    public int Watermark { get; }

    /// <inheritdoc />
    public void Initialise()
    {
        var id = ReadRegister(Adxl345Register.DevId);
        if (id != Adxl345Codec.DeviceId)
        {
            throw new IOException($"{Name}: DEVID reads 0x{id:X2}, expected 0x{Adxl345Codec.DeviceId:X2}; another chip answers at this address");
        }

        // Configure in standby; bypass first so re-entering stream mode empties the FIFO.
        WriteRegister(Adxl345Register.PowerCtl, 0);
        WriteRegister(Adxl345Register.BwRate, _bwRate);
        WriteRegister(Adxl345Register.DataFormat, _dataFormat);
        WriteRegister(Adxl345Register.FifoCtl, Adxl345Codec.EncodeFifoCtl(Adxl345FifoMode.Bypass, 0));

        // Emptying the FIFO leaves INT_SOURCE's overrun set (only reading data clears it, datasheet "Overrun" and
        // INT_SOURCE): a chip left sampling while stopped would report a loss from before this start.
        ReadOnlySpan<byte> dataAddress = [(byte)Adxl345Register.DataX0];
        _device.WriteRead(dataAddress, _data);
        var fifoCtl = Adxl345Codec.EncodeFifoCtl(Adxl345FifoMode.Stream, Watermark);
        WriteRegister(Adxl345Register.FifoCtl, fifoCtl);
        WriteRegister(Adxl345Register.PowerCtl, Adxl345Codec.MeasureBit);
        Verify(Adxl345Register.BwRate, _bwRate);
        Verify(Adxl345Register.DataFormat, _dataFormat);
        Verify(Adxl345Register.FifoCtl, fifoCtl);
        Verify(Adxl345Register.PowerCtl, Adxl345Codec.MeasureBit);
    }

    /// <inheritdoc />
    public int ReadFifo(Span<AccelerationSample> destination, out bool overrun)
    {
        overrun = false;
        var entries = Math.Min(Adxl345Codec.DecodeEntries(ReadRegister(Adxl345Register.FifoStatus)), destination.Length);
        ReadOnlySpan<byte> entryAddress = [(byte)Adxl345Register.IntSource];
        for (var i = 0; i < entries; i++)
        {
            // One 8-byte burst per entry, INT_SOURCE through DATAZ1: the FIFO pops at the end of the data registers, and
            // INT_SOURCE comes before that data read clears overrun. Read once per drain, an overflow in mid-drain (a
            // reader preempted) would be cleared by the next entry's read and never seen.
            _device.WriteRead(entryAddress, _entry);
            overrun |= (_entry[0] & Adxl345Codec.OverrunBit) != 0;
            destination[i] = AccelerationSample.FromG(
                Adxl345Codec.DecodeAxis(_entry[2], _entry[3]) * _gPerLsb,
                Adxl345Codec.DecodeAxis(_entry[4], _entry[5]) * _gPerLsb,
                Adxl345Codec.DecodeAxis(_entry[6], _entry[7]) * _gPerLsb,
                TimeSpan.Zero);
        }

        return entries;
    }

    private void Verify(Adxl345Register register, byte expected)
    {
        var actual = ReadRegister(register);
        if (actual != expected)
        {
            throw new IOException($"{Name}: {register} reads back 0x{actual:X2} after writing 0x{expected:X2}");
        }
    }

    private byte ReadRegister(Adxl345Register register)
    {
        ReadOnlySpan<byte> address = [(byte)register];
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead(address, value);
        return value[0];
    }

    private void WriteRegister(Adxl345Register register, byte value)
    {
        ReadOnlySpan<byte> bytes = [(byte)register, value];
        _device.Write(bytes);
    }

    /// <summary>Puts the chip in standby (best effort) and releases the bus device.</summary>
    public void Dispose()
    {
        try
        {
            WriteRegister(Adxl345Register.PowerCtl, 0);
        }
        catch (IOException)
        {
            // A chip that no longer answers is already as idle as it gets.
        }

        _device.Dispose();
    }
}
