using System.Device.I2c;
using System.Device.Spi;
using EdgeGateway.Devices.Accelerometers.Adxl345;
using EdgeGateway.Devices.Simulated;
using Iot.Device.Adxl345;
using Microsoft.Extensions.Time.Testing;
using BindingAdxl345 = Iot.Device.Adxl345.Adxl345;
using OurAdxl345 = EdgeGateway.Devices.Accelerometers.Adxl345.Adxl345;

namespace EdgeGateway.Devices.Tests.Accelerometers;

/// <summary>
/// Why the ADXL345 has our own I2C FIFO driver and not Iot.Device.Bindings' <c>Iot.Device.Adxl345.Adxl345</c> (4.2.0):
/// it is SPI-only, has no FIFO and never reads DEVID. Shown on the register-level simulator through its SPI framing
/// (Adxl345/README.md); if a later binding fixes these, these tests fail and say so.
/// </summary>
public sealed class Adxl345BindingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_binding_takes_only_an_SPI_device_and_has_no_FIFO()
    {
        var constructors = typeof(BindingAdxl345).GetConstructors();
        Assert.All(constructors, c => Assert.Contains(c.GetParameters(), p => p.ParameterType == typeof(SpiDevice)));
        Assert.DoesNotContain(constructors, c => c.GetParameters().Any(p => p.ParameterType == typeof(I2cDevice)));
        Assert.DoesNotContain(typeof(BindingAdxl345).GetMembers(), m => m.Name.Contains("Fifo", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_binding_leaves_the_FIFO_in_bypass_so_all_but_the_last_sample_between_two_reads_are_lost()
    {
        var chip = new SimulatedAdxl345(_time);
        using var adxl = new BindingAdxl345(new SpiPort(chip), GravityRange.Range16);
        _ = adxl.Acceleration;
        var before = chip.SamplesProduced;
        _time.Advance(TimeSpan.FromSeconds(1));
        _ = adxl.Acceleration;

        Assert.Equal(100, chip.SamplesProduced - before); // the reset rate, 100 Hz: the binding never sets BW_RATE either
        Span<byte> fifoCtl = stackalloc byte[1];
        chip.WriteRead([(byte)Adxl345Register.FifoCtl], fifoCtl);
        Assert.Equal(0, fifoCtl[0] >> 6); // FIFO_MODE 00: bypass, one sample held
    }

    [Fact]
    public void The_binding_never_reads_DEVID_so_another_chip_at_the_address_goes_unnoticed()
    {
        var other = new SimulatedAdxl345(_time) { WrongDeviceId = 0x00 };
        using var adxl = new BindingAdxl345(new SpiPort(other), GravityRange.Range16);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        _ = adxl.Acceleration; // no complaint

        using var ours = new OurAdxl345(new SimulatedAdxl345(_time) { WrongDeviceId = 0x00 });
        var refused = Assert.Throws<IOException>(ours.Initialise);
        Assert.Contains("DEVID reads 0x00", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The ADXL345's 4-wire SPI framing (datasheet Figures 37–39) over the simulated chip's registers: the first byte is
    /// the register address with R (bit 7) and MB (bit 6, multi-byte, auto-increment); the chip answers from the second byte.
    /// </summary>
    private sealed class SpiPort(SimulatedAdxl345 chip) : SpiDevice
    {
        private const byte ReadBit = 0x80;
        private const byte AddressMask = 0x3F;

        public override SpiConnectionSettings ConnectionSettings { get; } = new(0, 0) { Mode = SpiMode.Mode3, ClockFrequency = 5_000_000 };

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length < 2 || (buffer[0] & ReadBit) != 0)
            {
                throw new IOException("an ADXL345 SPI write is the address (R clear) followed by the data");
            }

            byte[] frame = [.. buffer];
            frame[0] &= AddressMask;
            chip.Write(frame);
        }

        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            if ((writeBuffer[0] & ReadBit) == 0)
            {
                Write(writeBuffer);
                readBuffer.Clear();
                return;
            }

            readBuffer[0] = 0;
            chip.WriteRead([(byte)(writeBuffer[0] & AddressMask)], readBuffer[1..]);
        }

        public override byte ReadByte() => throw new NotSupportedException("the binding under test does not read without an address");

        public override void Read(Span<byte> buffer) => throw new NotSupportedException("the binding under test does not read without an address");

        public override void WriteByte(byte value) => throw new NotSupportedException("a one-byte SPI write carries no data");
    }
}
