using UnitsNet;

namespace EdgeGateway.Core.Power;

/// <summary>Where the gateway's power comes from right now.</summary>
public enum PowerSupply
{
    /// <summary>The source cannot tell (not read yet, or the board does not answer).</summary>
    Unknown,

    /// <summary>Mains is present.</summary>
    Mains,

    /// <summary>Mains is gone: the gateway runs on its battery.</summary>
    Battery,
}

/// <summary>The battery's condition as the source reports it.</summary>
public enum BatteryCondition
{
    /// <summary>Present and not reported low.</summary>
    Normal,

    /// <summary>The source's own battery-low signal is active (a DC-UPS relay output).</summary>
    Low,

    /// <summary>No battery is connected.</summary>
    Missing,

    /// <summary>The source reports a battery fault (charging fault, implausible voltage).</summary>
    Fault,
}

/// <summary>One reading of a power source; each figure is null where the source does not measure it.</summary>
/// <param name="Supply">Mains or battery.</param>
/// <param name="Battery">The battery's condition.</param>
/// <param name="Charge">State of charge, where the source measures or estimates it.</param>
/// <param name="BatteryVoltage">Battery voltage.</param>
/// <param name="BatteryCurrent">Battery current, positive while charging and negative while discharging.</param>
/// <param name="BatteryTemperature">Battery temperature.</param>
/// <param name="Fault">Why the source could not be read, or null.</param>
public sealed record PowerStatus(
    PowerSupply Supply,
    BatteryCondition Battery,
    Ratio? Charge = null,
    ElectricPotential? BatteryVoltage = null,
    ElectricCurrent? BatteryCurrent = null,
    Temperature? BatteryTemperature = null,
    string? Fault = null)
{
    /// <summary>A source that could not be read at all.</summary>
    public static PowerStatus Unreadable(string reason) => new(PowerSupply.Unknown, BatteryCondition.Fault, Fault: reason);
}

/// <summary>A power source the gateway can ask: a DC-UPS's signal pins, a UPS HAT over I2C.</summary>
public interface IPowerSource : IDisposable
{
    /// <summary>What the source is, for the technician ("DC-UPS signals on GPIO26", "PiJuice at 0x14").</summary>
    string Description { get; }

    /// <summary>Reads the source now; never throws for a fault of the board (the status names it instead).</summary>
    PowerStatus Read();
}
