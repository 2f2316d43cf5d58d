using System.Device.I2c;
using EdgeGateway.Devices.Accelerometers.Mpu6050;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// A register-level MPU-6050 (accelerometer part) on I2C: reset values (asleep, WHO_AM_I 0x68), sampling at
/// gyro rate / (1 + SMPLRT_DIV) once awake, ACCEL_XOUT big-endian, a 1024-byte FIFO fed when USER_CTRL.FIFO_EN and
/// FIFO_EN.ACCEL are set (oldest bytes lost on overflow, FIFO_OFLOW_INT raised), INT_STATUS cleared on read,
/// FIFO_R_W popping without auto-increment, FIFO_RESET and DEVICE_RESET.
/// </summary>
public sealed class SimulatedMpu6050 : SimulatedI2cRegisterDevice
{
    private readonly TimeProvider _time;
    private readonly byte[] _registers = new byte[0x80];
    private readonly byte[] _fifo = new byte[Mpu6050Codec.FifoBytes];
    private int _fifoHead;
    private int _fifoCount;
    private AccelerationTrace _trace;
    private long _sampleStart;
    private long _produced;
    private long _traceIndex;
    private (short X, short Y, short Z) _last;
    private bool _haveLast;

    /// <summary>A chip at <paramref name="address"/> on bus 1, playing <paramref name="trace"/> (a body at rest by default).</summary>
    public SimulatedMpu6050(TimeProvider time, AccelerationTrace? trace = null, int address = Mpu6050.DefaultAddress)
        : base(new I2cConnectionSettings(1, address))
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _trace = trace ?? AccelerationTrace.AtRest();
        Reset();
    }

    /// <summary>Answer WHO_AM_I with this value instead of 0x68; null for the real ID.</summary>
    public byte? WrongDeviceId { get; set; }

    /// <summary>When true no new samples are taken, as a chip whose clock stalled.</summary>
    public bool StuckFifo { get; set; }

    /// <summary>When true every new sample repeats the last one exactly.</summary>
    public bool FrozenData { get; set; }

    /// <summary>Samples taken since sampling (re)started.</summary>
    public long SamplesProduced => _produced;

    /// <summary>Bytes waiting in the FIFO.</summary>
    public int FifoCount => _fifoCount;

    /// <summary>Replaces the trace; playback continues from its start.</summary>
    public void Play(AccelerationTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        _trace = trace;
        _traceIndex = 0;
    }

    /// <summary>The power-on state: all registers 0 except PWR_MGMT_1 = 0x40 (asleep) and WHO_AM_I = 0x68.</summary>
    public void Reset()
    {
        Array.Clear(_registers);
        _registers[(int)Mpu6050Register.PwrMgmt1] = Mpu6050Codec.SleepBit;
        _registers[(int)Mpu6050Register.WhoAmI] = Mpu6050Codec.DeviceId;
        _fifoHead = _fifoCount = 0;
        RestartSampling();
    }

    /// <inheritdoc />
    protected override void CatchUp()
    {
        if (Asleep)
        {
            return;
        }

        var rate = Mpu6050Codec.SampleRateHz(_registers[(int)Mpu6050Register.SmplrtDiv], _registers[(int)Mpu6050Register.Config]);
        // The epsilon keeps a sample due exactly at a period boundary from being lost to rounding (0.04 s × 200 = 7.999…).
        var due = (long)Math.Floor((_time.GetElapsedTime(_sampleStart).TotalSeconds * rate) + 1e-6);
        var missing = due - _produced;
        if (missing <= 0)
        {
            return;
        }

        // A gap longer than the FIFO holds: what would have been written and overwritten is skipped, the overflow kept.
        var keep = (Mpu6050Codec.FifoBytes / Mpu6050Codec.BytesPerSample) + 2;
        if (missing > keep)
        {
            _traceIndex += missing - keep;
            if (FifoFilling)
            {
                _registers[(int)Mpu6050Register.IntStatus] |= Mpu6050Codec.FifoOverflowBit;
            }

            missing = keep;
        }

        for (var i = 0; i < missing; i++)
        {
            Produce();
        }

        _produced = due;
    }

    /// <inheritdoc />
    protected override bool AutoIncrements(byte address) => address != (byte)Mpu6050Register.FifoRw;

    /// <inheritdoc />
    protected override byte ReadRegister(byte address)
    {
        switch ((Mpu6050Register)address)
        {
            case Mpu6050Register.WhoAmI when WrongDeviceId is { } wrong:
                return wrong;
            case Mpu6050Register.IntStatus:
                var status = _registers[address];
                _registers[address] = 0;
                return status;
            case Mpu6050Register.FifoCountH:
                return (byte)(_fifoCount >> 8);
            case Mpu6050Register.FifoCountL:
                return (byte)(_fifoCount & 0xFF);
            case Mpu6050Register.FifoRw:
                if (_fifoCount == 0)
                {
                    return 0xFF;
                }

                var value = _fifo[_fifoHead];
                _fifoHead = (_fifoHead + 1) % _fifo.Length;
                _fifoCount--;
                return value;
            default:
                return address < _registers.Length ? _registers[address] : (byte)0;
        }
    }

    /// <inheritdoc />
    protected override void WriteRegister(byte address, byte value)
    {
        switch ((Mpu6050Register)address)
        {
            case Mpu6050Register.WhoAmI or Mpu6050Register.IntStatus or Mpu6050Register.FifoCountH or Mpu6050Register.FifoCountL:
            case >= Mpu6050Register.AccelXoutH and <= (Mpu6050Register)0x48:
                return; // read-only
            case Mpu6050Register.PwrMgmt1 when (value & 0x80) != 0:
                Reset();
                return;
            case Mpu6050Register.PwrMgmt1:
                var wasAsleep = Asleep;
                _registers[address] = value;
                if (wasAsleep && !Asleep)
                {
                    RestartSampling();
                }

                return;
            case Mpu6050Register.SmplrtDiv or Mpu6050Register.Config:
                _registers[address] = value;
                RestartSampling();
                return;
            case Mpu6050Register.UserCtrl:
                if ((value & Mpu6050Codec.UserFifoResetBit) != 0)
                {
                    _fifoHead = _fifoCount = 0;
                }

                // FIFO_RESET, I2C_MST_RESET and SIG_COND_RESET clear themselves.
                _registers[address] = (byte)(value & ~0x07);
                return;
            case Mpu6050Register.FifoRw:
                return;
            default:
                if (address < _registers.Length)
                {
                    _registers[address] = value;
                }

                return;
        }
    }

    private bool Asleep => (_registers[(int)Mpu6050Register.PwrMgmt1] & Mpu6050Codec.SleepBit) != 0;

    private bool FifoFilling =>
        (_registers[(int)Mpu6050Register.UserCtrl] & Mpu6050Codec.UserFifoEnableBit) != 0
        && (_registers[(int)Mpu6050Register.FifoEn] & Mpu6050Codec.AccelFifoBit) != 0;

    private void RestartSampling()
    {
        _sampleStart = _time.GetTimestamp();
        _produced = 0;
    }

    private void Produce()
    {
        if (StuckFifo)
        {
            return;
        }

        (short X, short Y, short Z) sample;
        if (FrozenData && _haveLast)
        {
            sample = _last;
        }
        else
        {
            var g = _trace[_traceIndex++];
            var range = Mpu6050Codec.DecodeAccelConfig(_registers[(int)Mpu6050Register.AccelConfig]);
            sample = (Mpu6050Codec.EncodeAxis(g.X, range), Mpu6050Codec.EncodeAxis(g.Y, range), Mpu6050Codec.EncodeAxis(g.Z, range));
        }

        _last = sample;
        _haveLast = true;
        Span<byte> bytes =
        [
            (byte)(sample.X >> 8), (byte)sample.X, (byte)(sample.Y >> 8), (byte)sample.Y, (byte)(sample.Z >> 8), (byte)sample.Z,
        ];
        bytes.CopyTo(_registers.AsSpan((int)Mpu6050Register.AccelXoutH, 6));
        _registers[(int)Mpu6050Register.IntStatus] |= 0x01;
        if (!FifoFilling)
        {
            return;
        }

        foreach (var b in bytes)
        {
            if (_fifoCount == _fifo.Length)
            {
                // Full: the oldest byte is lost and the overflow flagged.
                _fifoHead = (_fifoHead + 1) % _fifo.Length;
                _fifoCount--;
                _registers[(int)Mpu6050Register.IntStatus] |= Mpu6050Codec.FifoOverflowBit;
            }

            _fifo[(_fifoHead + _fifoCount) % _fifo.Length] = b;
            _fifoCount++;
        }
    }
}
