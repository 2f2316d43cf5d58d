using EdgeGateway.Devices.Accelerometers.Adxl345;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// A register-level ADXL345 on I2C: reset values, measurement started by POWER_CTL Measure, samples at the BW_RATE
/// rate from a <see cref="TimeProvider"/>, a 32-entry FIFO plus the output registers (bypass, FIFO and stream modes),
/// overrun in stream mode, DATA_READY/watermark/overrun cleared by reading data, and playback of a recorded trace.
/// </summary>
public sealed class SimulatedAdxl345 : SimulatedAccelerometer
{
    private const int FifoDepth = 32;
    private readonly byte[] _registers = new byte[0x40];
    private readonly Queue<(short X, short Y, short Z)> _fifo = new();
    private (short X, short Y, short Z) _output;
    private bool _overrun;
    private bool _measuring;

    /// <summary>A chip at <paramref name="address"/> on bus 1, playing <paramref name="trace"/> (a body at rest by default).</summary>
    public SimulatedAdxl345(TimeProvider time, AccelerationTrace? trace = null, int address = Adxl345.DefaultAddress)
        : base(time, trace, address)
    {
        Reset();
    }

    /// <summary>Entries waiting now (FIFO plus output registers), as FIFO_STATUS would report.</summary>
    public int Entries => _fifo.Count;

    /// <summary>The power-on state (datasheet Table 19 reset values); the FIFO empties.</summary>
    public void Reset()
    {
        Array.Clear(_registers);
        _registers[(int)Adxl345Register.DevId] = Adxl345Codec.DeviceId;
        _registers[(int)Adxl345Register.BwRate] = 0x0A;
        _registers[(int)Adxl345Register.IntSource] = 0x02;
        _fifo.Clear();
        _overrun = false;
        _measuring = false;
    }

    /// <inheritdoc />
    protected override bool Sampling => _measuring;

    /// <inheritdoc />
    protected override double SampleRateHz => Adxl345Codec.DecodeRate(_registers[(int)Adxl345Register.BwRate]);

    /// <inheritdoc />
    protected override int SamplesHeld => FifoDepth + 1;

    /// <inheritdoc />
    protected override void OnSamplesOverwritten() => _overrun |= Mode is Adxl345FifoMode.Stream or Adxl345FifoMode.Trigger;

    /// <inheritdoc />
    protected override byte ReadRegister(byte address)
    {
        if (address == (byte)Adxl345Register.DevId && WrongDeviceId is { } wrong)
        {
            return wrong;
        }

        var head = _fifo.Count > 0 ? _fifo.Peek() : _output;
        return address switch
        {
            >= (byte)Adxl345Register.DataX0 and <= (byte)Adxl345Register.DataZ1 => DataByte(head, address - (byte)Adxl345Register.DataX0),
            (byte)Adxl345Register.FifoStatus => (byte)Math.Min(_fifo.Count, FifoDepth + 1),
            (byte)Adxl345Register.IntSource => IntSource(),
            < 0x40 => _registers[address],
            _ => 0,
        };

        static byte DataByte((short X, short Y, short Z) s, int offset)
        {
            var value = (offset / 2) switch { 0 => s.X, 1 => s.Y, _ => s.Z };
            return offset % 2 == 0 ? (byte)(value & 0xFF) : (byte)((value >> 8) & 0xFF);
        }
    }

    /// <inheritdoc />
    protected override void WriteRegister(byte address, byte value)
    {
        switch ((Adxl345Register)address)
        {
            case Adxl345Register.DevId or Adxl345Register.IntSource or Adxl345Register.FifoStatus:
            case >= Adxl345Register.DataX0 and <= Adxl345Register.DataZ1:
                return; // read-only
            case Adxl345Register.PowerCtl:
                var measure = (value & Adxl345Codec.MeasureBit) != 0;
                if (measure && !_measuring)
                {
                    RestartSampling();
                }

                _measuring = measure;
                break;
            case Adxl345Register.BwRate when _measuring:
                RestartSampling();
                break;
            case Adxl345Register.FifoCtl when (Adxl345FifoMode)(value >> 6) == Adxl345FifoMode.Bypass:
                // Entering bypass clears the FIFO (datasheet, FIFO section).
                _fifo.Clear();
                break;
            default:
                break;
        }

        if (address < 0x40)
        {
            _registers[address] = value;
        }
    }

    /// <inheritdoc />
    protected override void EndRead(byte first, byte last)
    {
        // A read that reaches into the data registers pops one entry and clears overrun (datasheet, INT_SOURCE: "cleared
        // by reading data from the DATAX, DATAY, and DATAZ registers"), also when the FIFO is empty. Emptying the FIFO by
        // entering bypass does not clear it, and neither does reading INT_SOURCE.
        if (last >= (byte)Adxl345Register.DataX0 && first <= (byte)Adxl345Register.DataZ1)
        {
            if (_fifo.Count > 0)
            {
                _output = _fifo.Dequeue();
            }

            _overrun = false;
        }
    }

    private Adxl345FifoMode Mode => (Adxl345FifoMode)(_registers[(int)Adxl345Register.FifoCtl] >> 6);

    private byte IntSource()
    {
        var watermark = _registers[(int)Adxl345Register.FifoCtl] & 0x1F;
        var value = 0;
        value |= _fifo.Count > 0 ? 0x80 : 0;
        value |= _fifo.Count >= watermark && Mode != Adxl345FifoMode.Bypass ? 0x02 : 0;
        value |= _overrun ? Adxl345Codec.OverrunBit : 0;
        return (byte)value;
    }

    /// <inheritdoc />
    protected override void Produce()
    {
        (short, short, short) sample;
        if (FrozenData && _fifo.Count + SamplesProduced > 0)
        {
            sample = _fifo.Count > 0 ? _fifo.Last() : _output;
        }
        else
        {
            var g = NextTracePoint();
            var format = _registers[(int)Adxl345Register.DataFormat];
            sample = (Adxl345Codec.EncodeAxis(g.X, format), Adxl345Codec.EncodeAxis(g.Y, format), Adxl345Codec.EncodeAxis(g.Z, format));
        }

        var capacity = Mode == Adxl345FifoMode.Bypass ? 1 : FifoDepth + 1;
        if (_fifo.Count >= capacity)
        {
            if (Mode == Adxl345FifoMode.Fifo)
            {
                return; // FIFO mode stops collecting when full
            }

            _fifo.Dequeue();
            if (Mode != Adxl345FifoMode.Bypass)
            {
                _overrun = true;
            }
        }

        _fifo.Enqueue(sample);
    }
}
