using System.Device.I2c;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// The I2C side shared by register-mapped chips: the first written byte sets the register pointer, further written
/// bytes and read bytes auto-increment it (unless the chip says a register does not), faults can be injected and the
/// bus's clock can be modelled.
/// </summary>
public abstract class SimulatedI2cRegisterDevice : I2cDevice
{
    private static readonly TimeSpan BusWaitGranularity = TimeSpan.FromMilliseconds(1);
    private readonly Lock _lock = new();
    private byte _pointer;
    private TimeProvider? _busTime;
    private DeadlineWait? _busWait;
    private double _secondsPerBit;
    private TimeSpan _busOwed;
    private Action<TimeSpan>? _busAdvance;

    /// <summary>Creates a device answering at <paramref name="settings"/>.</summary>
    protected SimulatedI2cRegisterDevice(I2cConnectionSettings settings) => ConnectionSettings = settings;

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>When true every transfer fails as a NACK would (IOException), like a chip that lost power or a cut wire.</summary>
    public bool Nack { get; set; }

    /// <summary>Bus transfers so far (for benchmarks and tests).</summary>
    public long Transfers { get; private set; }

    /// <summary>
    /// Makes every transfer hold its caller for the time its bits take at <paramref name="clockHz"/> (9 clocks a byte, the
    /// address byte included, plus the repeated start of a write-read), as i2c-dev blocks the reading thread. On a clock
    /// that runs by itself (<see cref="TimeProvider.System"/>) the caller waits; a fake clock passes
    /// <paramref name="advance"/> (its Advance), and each transfer moves it on by the transfer's time instead.
    /// </summary>
    public void ModelBusTime(TimeProvider time, int clockHz = 400_000, Action<TimeSpan>? advance = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(clockHz, 1_000);
        lock (_lock)
        {
            _busTime = time;
            _busAdvance = advance;
            _busWait ??= new DeadlineWait(time);
            _secondsPerBit = 1.0 / clockHz;
        }
    }

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (_lock)
        {
            Transfer();
            ReadLocked(buffer);
            HoldBus(1 + buffer.Length);
        }
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            Transfer();
            WriteLocked(buffer);
            HoldBus(1 + buffer.Length);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (_lock)
        {
            Transfer();
            WriteLocked(writeBuffer);
            ReadLocked(readBuffer);
            HoldBus(2 + writeBuffer.Length + readBuffer.Length);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _busWait?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Brings the chip's state up to now (sampling) before a transfer.</summary>
    protected abstract void CatchUp();

    /// <summary>The value of a register as read by the bus, with its read side effects.</summary>
    protected abstract byte ReadRegister(byte address);

    /// <summary>A write of a register from the bus.</summary>
    protected abstract void WriteRegister(byte address, byte value);

    /// <summary>Called once at the end of a read transaction that covered [first, last].</summary>
    protected virtual void EndRead(byte first, byte last)
    {
    }

    /// <summary>False for registers such as a FIFO port that keep the pointer in place on burst access.</summary>
    protected virtual bool AutoIncrements(byte address) => true;

    private void Transfer()
    {
        if (Nack)
        {
            throw new IOException($"I2C transfer to 0x{ConnectionSettings.DeviceAddress:X2} on bus {ConnectionSettings.BusId} was not acknowledged (NACK)");
        }

        Transfers++;
        CatchUp();
    }

    private void HoldBus(int bytes)
    {
        if (_busTime is null || _busWait is null)
        {
            return;
        }

        var duration = TimeSpan.FromSeconds(((bytes * 9) + 1) * _secondsPerBit);
        if (_busAdvance is not null)
        {
            _busAdvance(duration);
            return;
        }

        // Waits of a few microseconds cannot be slept precisely: owe them up and sleep in whole milliseconds.
        _busOwed += duration;
        if (_busOwed < BusWaitGranularity)
        {
            return;
        }

        var start = _busTime.GetTimestamp();
        _busWait.Until(start + (long)(_busOwed.TotalSeconds * _busTime.TimestampFrequency));

        // An oversleep is credited to the next transfers, so the total stays the bus's, not the scheduler's.
        _busOwed -= _busTime.GetElapsedTime(start);
        if (_busOwed < -BusWaitGranularity)
        {
            _busOwed = -BusWaitGranularity;
        }
    }

    private void WriteLocked(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = buffer[0];
        var address = _pointer;
        foreach (var value in buffer[1..])
        {
            WriteRegister(address, value);
            if (AutoIncrements(address))
            {
                address++;
            }
        }
    }

    private void ReadLocked(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var first = _pointer;
        var address = _pointer;
        var last = address;
        for (var i = 0; i < buffer.Length; i++)
        {
            last = address;
            buffer[i] = ReadRegister(address);
            if (AutoIncrements(address))
            {
                address++;
            }
        }

        EndRead(first, last);
    }
}
