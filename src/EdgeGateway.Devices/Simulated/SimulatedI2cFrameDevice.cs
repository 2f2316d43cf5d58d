using System.Device.I2c;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// The I2C side shared by chips that answer in whole frames rather than auto-incrementing byte registers (the INA219's
/// 16-bit registers, the PiJuice's command frames): one lock per transfer, an injectable NACK, and the single-byte and
/// write-then-read transfers expressed through the chip's own write and read.
/// </summary>
public abstract class SimulatedI2cFrameDevice : I2cDevice
{
    /// <summary>Creates a device answering at <paramref name="settings"/>.</summary>
    protected SimulatedI2cFrameDevice(I2cConnectionSettings settings) => ConnectionSettings = settings;

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>When true every transfer fails as a NACK would (IOException), like a chip that lost power or a cut wire.</summary>
    public bool Nack { get; set; }

    /// <summary>Held for every transfer; a subclass takes it too when it exposes its state to tests.</summary>
    protected Lock Gate { get; } = new();

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (Gate)
        {
            ThrowIfNack();
            WriteFrame(buffer);
        }
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        lock (Gate)
        {
            ThrowIfNack();
            ReadFrame(buffer);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (Gate)
        {
            ThrowIfNack();
            WriteFrame(writeBuffer);
            ReadFrame(readBuffer);
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
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>What the master wrote in one transfer; called under <see cref="Gate"/>.</summary>
    protected abstract void WriteFrame(ReadOnlySpan<byte> buffer);

    /// <summary>Fills what the master reads in one transfer; called under <see cref="Gate"/>.</summary>
    protected abstract void ReadFrame(Span<byte> buffer);

    private void ThrowIfNack()
    {
        if (Nack)
        {
            throw new IOException($"I2C transfer to 0x{ConnectionSettings.DeviceAddress:X2} on bus {ConnectionSettings.BusId} was not acknowledged (NACK)");
        }
    }
}
