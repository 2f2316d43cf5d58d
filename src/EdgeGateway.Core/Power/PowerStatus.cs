using UnitsNet;

namespace EdgeGateway.Core.Power;

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
