using EdgeGateway.Core.Time;
using UnitsNet;

namespace EdgeGateway.Core.Events;

/// <summary>One debounced reading from a home sensor, as the alarm loop sees it.</summary>
/// <remarks>Contacts carry <see cref="Active"/> (door open, mat occupied, button pressed); flow meters carry flow and running total.</remarks>
public readonly record struct SensorReading
{
    /// <summary>The configured sensor id, e.g. "front-door".</summary>
    public required string SensorId { get; init; }

    /// <summary>The kind of sensor that produced the reading.</summary>
    public required SensorKind Kind { get; init; }

    /// <summary>When the reading was taken.</summary>
    public required EventTime Time { get; init; }

    /// <summary>For contacts: open, occupied or pressed.</summary>
    public bool Active { get; init; }

    /// <summary>For flow meters: the flow rate.</summary>
    public VolumeFlow Flow { get; init; }

    /// <summary>For flow meters: the running total since installation.</summary>
    public Volume Total { get; init; }

    /// <summary>A contact reading.</summary>
    public static SensorReading Contact(string sensorId, SensorKind kind, bool active, EventTime time) =>
        new() { SensorId = sensorId, Kind = kind, Active = active, Time = time };

    /// <summary>A flow-meter reading.</summary>
    public static SensorReading FlowMeter(string sensorId, VolumeFlow flow, Volume total, EventTime time) =>
        new() { SensorId = sensorId, Kind = SensorKind.FlowMeter, Flow = flow, Total = total, Time = time };

    /// <summary>For flow meters: whether water is flowing at all.</summary>
    public bool IsFlowing => Flow.Value > 0;

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        // In the units the home's meters are calibrated in: "flow 7.25 L/min total 1234.5 l".
        SensorKind.FlowMeter => $"{SensorId} flow {Flow.InLitresPerMinute("0.###")} total {Total.InLitres("0.###")}",
        SensorKind.DoorContact => $"{SensorId} {(Active ? "open" : "closed")}",
        SensorKind.HelpButton => $"{SensorId} {(Active ? "pressed" : "released")}",
        SensorKind.WearerPosture => $"{SensorId} {(Active ? "wearer upright" : "wearer down")}",
        SensorKind.WearableWorn => $"{SensorId} {(Active ? "worn" : "lifeless")}",
        SensorKind.MedicationDispenser => $"{SensorId} {(Active ? "dose missed" : "no missed dose")}",
        SensorKind.SmokeDetector => $"{SensorId} {(Active ? "SMOKE" : "no smoke")}",
        SensorKind.StoveGuard => $"{SensorId} {(Active ? "stove switched off by the guard" : "stove guard idle")}",
        SensorKind.DispenserFault or SensorKind.SmokeDetectorFault or SensorKind.StoveGuardFault => $"{SensorId} {(Active ? "device fault" : "device ok")}",
        SensorKind.Motion => $"{SensorId} {(Active ? "motion" : "no motion")}",
        _ => $"{SensorId} {(Active ? "occupied" : "empty")}",
    };
}
