using System.Buffers.Binary;
using System.Device.I2c;
using UnitsNet;

namespace EdgeGateway.Devices.Simulated;

/// <summary>
/// An INA219 at register level (TI SBOS448G): 16-bit big-endian registers behind a pointer that does not auto-increment;
/// shunt voltage and current are two's complement; current = shunt × calibration / 4096 and power = current × bus / 5000,
/// recomputed at each conversion; a configuration write with bit 15 set resets every register. The test sets the pack's
/// voltage and the current through the shunt.
/// </summary>
public sealed class SimulatedIna219 : SimulatedI2cFrameDevice
{
    private const ushort PowerOnConfig = 0x399F;
    private readonly ushort[] _registers = new ushort[6];
    private byte _pointer;

    /// <summary>Creates the chip at <paramref name="settings"/> with a shunt of <paramref name="shunt"/>.</summary>
    public SimulatedIna219(I2cConnectionSettings settings, ElectricResistance shunt)
        : base(settings)
    {
        Shunt = shunt;
        _registers[0] = PowerOnConfig;
    }

    /// <summary>The shunt resistor the chip measures across.</summary>
    public ElectricResistance Shunt { get; }

    /// <summary>The pack's voltage on IN− (the bus).</summary>
    public ElectricPotential BusVoltage { get; set; } = ElectricPotential.FromVolts(8.0);

    /// <summary>The current through the shunt: positive into the pack (charging), negative out of it.</summary>
    public ElectricCurrent Current { get; set; } = ElectricCurrent.Zero;

    /// <summary>The configuration register as last written (tests look at its fields).</summary>
    public ushort Configuration
    {
        get
        {
            lock (Gate)
            {
                return _registers[0];
            }
        }
    }

    /// <inheritdoc />
    protected override void WriteFrame(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = buffer[0];
        if (buffer.Length >= 3 && _pointer <= 5)
        {
            var value = BinaryPrimitives.ReadUInt16BigEndian(buffer[1..3]);
            if (_pointer == 0 && (value & 0x8000) != 0)
            {
                Array.Clear(_registers);
                _registers[0] = PowerOnConfig;
            }
            else if (_pointer == 0)
            {
                _registers[0] = value;
            }
            else if (_pointer == 5)
            {
                _registers[5] = (ushort)(value & 0xFFFE); // bit 0 is void and reads 0
            }

            // Registers 1–4 are read-only: writes are ignored, as on the chip.
        }
    }

    /// <inheritdoc />
    protected override void ReadFrame(Span<byte> buffer)
    {
        Convert();
        var value = _pointer <= 5 ? _registers[_pointer] : (ushort)0;
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (i % 2 == 0) ? (byte)(value >> 8) : (byte)value;
        }
    }

    /// <summary>One conversion: shunt and bus from the inputs (clipped to the PGA and bus ranges), then current and power.</summary>
    private void Convert()
    {
        var pga = (_registers[0] >> 11) & 0x3; // ±40, 80, 160, 320 mV
        var shuntRange = 40 << pga;
        var shuntMilli = Math.Clamp((Current * Shunt).Millivolts, -shuntRange, shuntRange);
        var shuntRaw = (short)Math.Round(shuntMilli * 100); // LSB 10 µV
        _registers[1] = unchecked((ushort)shuntRaw);

        var busRange = (_registers[0] & 0x2000) != 0 ? 32.0 : 16.0;
        var busRaw = (int)Math.Round(Math.Clamp(BusVoltage.Volts, 0, busRange) / 0.004); // LSB 4 mV
        _registers[2] = (ushort)((busRaw << 3) | 0x2); // CNVR set: a conversion is ready

        var calibration = _registers[5];
        var currentRaw = (short)Math.Clamp(shuntRaw * calibration / 4096, short.MinValue, short.MaxValue);
        _registers[4] = calibration == 0 ? (ushort)0 : unchecked((ushort)currentRaw);
        _registers[3] = calibration == 0 ? (ushort)0 : (ushort)Math.Min(ushort.MaxValue, Math.Abs(currentRaw) * busRaw / 5000);
    }
}
