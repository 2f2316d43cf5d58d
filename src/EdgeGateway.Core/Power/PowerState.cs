using UnitsNet;

namespace EdgeGateway.Core.Power;

/// <summary>The power state as the monitor has judged it (mains settled, battery thresholds), for heartbeat, status and console.</summary>
/// <param name="Supply">Mains or battery, settled (a flicker does not change it).</param>
/// <param name="Battery">The battery's condition.</param>
/// <param name="Charge">State of charge, when the source gives one.</param>
/// <param name="TimeLeft">Estimated time on battery until the reserve, from the measured draw; null on mains or without the figures.</param>
/// <param name="Reading">The last raw reading.</param>
public sealed record PowerState(PowerSupply Supply, BatteryCondition Battery, Ratio? Charge, TimeSpan? TimeLeft, PowerStatus Reading)
{
    /// <summary>One short line: "mains, battery 87 %" or "battery 41 %, ~5.2 h left".</summary>
    public override string ToString()
    {
        var supply = Supply switch { PowerSupply.Mains => "mains", PowerSupply.Battery => "on battery", _ => "unknown" };
        var charge = Charge is { } c ? System.FormattableString.Invariant($", battery {c.Percent:0} %") : "";
        var battery = Battery is BatteryCondition.Normal ? "" : $", battery {Battery.ToString().ToLowerInvariant()}";
        var left = TimeLeft is { } t ? System.FormattableString.Invariant($", ~{t.TotalHours:0.0} h left") : "";
        var fault = Reading.Fault is { } f ? $" ({f})" : "";
        return supply + charge + battery + left + fault;
    }
}
