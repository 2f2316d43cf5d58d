using System.Globalization;
using UnitsNet;
using UnitsNet.Units;

namespace EdgeGateway.Core.Events;

/// <summary>Quantities as the home's events and texts spell them: in one fixed unit each, invariant culture, with UnitsNet's abbreviation.</summary>
public static class Quantities
{
    /// <summary>A flow in litres per minute, e.g. "7.25 L/min" for format "0.###".</summary>
    public static string InLitresPerMinute(this VolumeFlow flow, string format) =>
        flow.ToUnit(VolumeFlowUnit.LiterPerMinute).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The number of litres per minute alone, for event data whose key names the unit (flowLpm).</summary>
    public static string LitresPerMinuteValue(this VolumeFlow flow, string format) =>
        flow.LitersPerMinute.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A volume in litres, e.g. "1234.5 l" for format "0.###".</summary>
    public static string InLitres(this Volume volume, string format) =>
        volume.ToUnit(VolumeUnit.Liter).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>An acceleration in standard gravity, e.g. "1.02 g" for format "0.##".</summary>
    public static string InG(this Acceleration acceleration, string format) =>
        acceleration.ToUnit(AccelerationUnit.StandardGravity).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The number of g alone, for event data whose key names the unit (peakG).</summary>
    public static string GValue(this Acceleration acceleration, string format) =>
        acceleration.StandardGravity.ToString(format, CultureInfo.InvariantCulture);
}
