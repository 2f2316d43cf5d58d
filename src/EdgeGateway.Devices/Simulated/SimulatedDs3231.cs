using System.Device.I2c;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// A DS3231 RTC at register level (datasheet rev. 10, figure 1: 0x00–0x12): BCD time registers, the month register's
/// century bit (bit 7), and the status register's oscillator-stop flag (OSF, 0x0F bit 7). The clock does not tick:
/// tests set the registers as a writer (Linux's rtc-ds1307 driver, the binding) would leave them.
/// </summary>
public sealed class SimulatedDs3231(int address = 0x68) : SimulatedI2cRegisterDevice(new I2cConnectionSettings(1, address))
{
    /// <summary>The status register.</summary>
    public const byte Status = 0x0F;

    /// <summary>The oscillator-stop flag in <see cref="Status"/>: set when the oscillator stopped (battery flat), cleared only by a write.</summary>
    public const byte Osf = 0x80;

    private readonly byte[] _registers = new byte[0x13];

    /// <summary>The register file, 0x00–0x12, as the chip holds it.</summary>
    public Span<byte> Registers => _registers;

    /// <inheritdoc />
    protected override void CatchUp()
    {
    }

    /// <inheritdoc />
    protected override byte ReadRegister(byte address) => address < _registers.Length ? _registers[address] : (byte)0;

    /// <inheritdoc />
    protected override void WriteRegister(byte address, byte value)
    {
        if (address < _registers.Length)
        {
            _registers[address] = value;
        }
    }
}
