namespace EdgeGateway.Core.Power;

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
