using System.Device.I2c;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// The I2C side shared by register-mapped chips: the first written byte sets the register pointer, further written
/// bytes and read bytes auto-increment it (unless the chip says a register does not), and faults can be injected.
/// </summary>
public abstract class SimulatedI2cRegisterDevice : I2cDevice
{
    private readonly Lock _lock = new();
    private byte _pointer;

    /// <summary>Creates a device answering at <paramref name="settings"/>.</summary>
    protected SimulatedI2cRegisterDevice(I2cConnectionSettings settings) => ConnectionSettings = settings;

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>When true every transfer fails as a NACK would (IOException), like a chip that lost power or a cut wire.</summary>
    public bool Nack { get; set; }

    /// <summary>Bus transfers so far (for benchmarks and tests).</summary>
    public long Transfers { get; private set; }

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
        }
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
