using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// A PiJuice HAT at its I2C command level (PiJuice firmware protocol, as pijuice.py speaks it): the master writes a
/// command byte, then reads the command's data followed by a checksum (0xFF XOR every data byte). The test sets the
/// status byte's fields, the charge level and the battery figures. Frames can be corrupted to exercise the checksum.
/// </summary>
public sealed class SimulatedPiJuice : SimulatedI2cFrameDevice
{
    private byte _command;

    /// <summary>Creates the HAT at <paramref name="settings"/> (the PiJuice answers at 0x14).</summary>
    public SimulatedPiJuice(I2cConnectionSettings settings)
        : base(settings)
    {
    }

    /// <summary>Firmware version byte (major in the high nibble).</summary>
    public byte Firmware { get; set; } = 0x15;

    /// <summary>Status bits 2–3: 0 normal, 1 charging from the input, 2 charging from 5 V IO, 3 not present.</summary>
    public int BatteryState { get; set; }

    /// <summary>Status bits 4–5, the micro-USB input: 0 not present, 1 bad, 2 weak, 3 present.</summary>
    public int PowerInput { get; set; } = 3;

    /// <summary>Status bits 6–7, the 5 V GPIO input, coded as <see cref="PowerInput"/>.</summary>
    public int PowerInput5VIo { get; set; }

    /// <summary>Status bit 0: a fault is pending.</summary>
    public bool Fault { get; set; }

    /// <summary>Charge level, percent.</summary>
    public byte ChargePercent { get; set; } = 90;

    /// <summary>Battery voltage, millivolts.</summary>
    public short BatteryMillivolts { get; set; } = 4100;

    /// <summary>Battery current, milliamperes (signed).</summary>
    public short BatteryMilliamperes { get; set; }

    /// <summary>Battery temperature, °C.</summary>
    public short BatteryCelsius { get; set; } = 25;

    /// <summary>How many frames from now on carry a wrong checksum (the binding retries).</summary>
    public int CorruptNextFrames { get; set; }

    /// <inheritdoc />
    protected override void WriteFrame(ReadOnlySpan<byte> buffer)
    {
        if (!buffer.IsEmpty)
        {
            _command = buffer[0];
        }
    }

    /// <inheritdoc />
    protected override void ReadFrame(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var data = buffer[..^1];
        data.Clear();
        switch (_command)
        {
            case 0xFD: // firmware version
                data[0] = Firmware;
                break;
            case 0x40: // status
                data[0] = (byte)((Fault ? 0x01 : 0) | ((BatteryState & 3) << 2) | ((PowerInput & 3) << 4) | ((PowerInput5VIo & 3) << 6));
                break;
            case 0x41: // charge level
                data[0] = ChargePercent;
                break;
            case 0x44: // fault event
                data[0] = (byte)(Fault ? 0x01 : 0);
                break;
            case 0x47:
                BinaryPrimitives.WriteInt16LittleEndian(data, BatteryCelsius);
                break;
            case 0x49:
                BinaryPrimitives.WriteInt16LittleEndian(data, BatteryMillivolts);
                break;
            case 0x4B:
                BinaryPrimitives.WriteInt16LittleEndian(data, BatteryMilliamperes);
                break;
        }

        byte fcs = 0xFF;
        foreach (var b in data)
        {
            fcs ^= b;
        }

        if (CorruptNextFrames > 0)
        {
            CorruptNextFrames--;
            fcs ^= 0x5A;
        }

        buffer[^1] = fcs;
    }
}
