namespace EdgeGateway.Core.Power;

/// <summary>A power source the gateway can ask: a DC-UPS's signal pins, a UPS HAT over I2C.</summary>
public interface IPowerSource : IDisposable
{
    /// <summary>What the source is, for the technician ("DC-UPS signals on GPIO26", "PiJuice at 0x14").</summary>
    string Description { get; }

    /// <summary>Reads the source now; never throws for a fault of the board (the status names it instead).</summary>
    PowerStatus Read();
}
