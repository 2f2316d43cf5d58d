using EdgeGateway.Devices.Accelerometers.Mpu6050;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// A register-level MPU-6050 (accelerometer part) on I2C: reset values (asleep, WHO_AM_I 0x68), sampling at
/// gyro rate / (1 + SMPLRT_DIV) once awake, ACCEL_XOUT big-endian, a 1024-byte FIFO fed when USER_CTRL.FIFO_EN and
/// FIFO_EN.ACCEL are set (oldest bytes lost on overflow, FIFO_OFLOW_INT raised), INT_STATUS cleared on read,
/// FIFO_R_W popping without auto-increment, FIFO_RESET and DEVICE_RESET.
/// </summary>
public sealed class SimulatedMpu6050 : SimulatedAccelerometer
{
    private readonly byte[] _registers = new byte[0x80];
    private readonly byte[] _fifo = new byte[Mpu6050Codec.FifoBytes];
    private int _fifoHead;
    private int _fifoCount;
    private (short X, short Y, short Z) _last;
    private bool _haveLast;

    /// <summary>A chip at <paramref name="address"/> on bus 1, playing <paramref name="trace"/> (a body at rest by default).</summary>
    public SimulatedMpu6050(TimeProvider time, AccelerationTrace? trace = null, int address = Mpu6050.DefaultAddress)
        : base(time, trace, address)
    {
        Reset();
    }

    /// <summary>Bytes waiting in the FIFO.</summary>
    public int FifoCount => _fifoCount;

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
    protected override bool Sampling => !Asleep;

    /// <inheritdoc />
    protected override double SampleRateHz => Mpu6050Codec.SampleRateHz(_registers[(int)Mpu6050Register.SmplrtDiv], _registers[(int)Mpu6050Register.Config]);

    /// <inheritdoc />
    protected override int SamplesHeld => (Mpu6050Codec.FifoBytes / Mpu6050Codec.BytesPerSample) + 2;

    /// <inheritdoc />
    protected override void OnSamplesOverwritten()
    {
        if (FifoFilling)
        {
            _registers[(int)Mpu6050Register.IntStatus] |= Mpu6050Codec.FifoOverflowBit;
        }
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

    /// <inheritdoc />
    protected override void Produce()
    {
        (short X, short Y, short Z) sample;
        if (FrozenData && _haveLast)
        {
            sample = _last;
        }
        else
        {
            var g = NextTracePoint();
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
