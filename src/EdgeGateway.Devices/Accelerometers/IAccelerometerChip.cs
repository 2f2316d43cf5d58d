using EdgeGateway.Core.Falls;

namespace EdgeGateway.Devices.Accelerometers;

/// <summary>The register-level part of an accelerometer driver: set the chip up and drain its FIFO.</summary>
/// <remarks>Every method may throw <see cref="IOException"/> (NACK, wrong chip, read-back mismatch); <see cref="Accelerometer"/> turns that into a fault and retries.</remarks>
public interface IAccelerometerChip : IDisposable
{
    /// <summary>The chip's name and bus address, for messages ("ADXL345 at 0x53").</summary>
    string Name { get; }

    /// <summary>The configured output data rate in Hz.</summary>
    double SampleRateHz { get; }

    /// <summary>The most samples one <see cref="ReadFifo"/> call can return (the FIFO depth).</summary>
    int FifoCapacity { get; }

    /// <summary>The FIFO level (samples) at which it should be read; the dedicated reader wakes when this many are due.</summary>
    int Watermark { get; }

    /// <summary>Checks the device ID, writes the configuration, reads it back and starts measuring into the FIFO.</summary>
    void Initialise();

    /// <summary>Moves the samples waiting in the FIFO into <paramref name="destination"/> (timestamps left zero), oldest first.</summary>
    /// <param name="destination">At least <see cref="FifoCapacity"/> long.</param>
    /// <param name="overrun">True when the FIFO overflowed since the last read, so samples were lost before these.</param>
    /// <returns>How many samples were written.</returns>
    int ReadFifo(Span<AccelerationSample> destination, out bool overrun);
}
