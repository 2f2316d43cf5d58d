using EdgeGateway.Core.Events;

namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>One live value of a sensor as the console shows it.</summary>
/// <param name="SensorId">The configured sensor id.</param>
/// <param name="Kind">The kind of sensor.</param>
/// <param name="Active">The sensor sees activity: open, occupied, pressed, water flowing, movement.</param>
/// <param name="Text">The value for people, e.g. "open" or "flow 6.0 l/min total 120.5 l" or "1.02 g".</param>
/// <param name="Time">When the value was read.</param>
public sealed record SensorValue(string SensorId, SensorKind Kind, bool Active, string Text, DateTimeOffset Time)
{
    /// <summary>Converts a reading from the devices layer.</summary>
    public static SensorValue From(SensorReading reading)
    {
        var active = reading.Kind == SensorKind.FlowMeter ? reading.IsFlowing : reading.Active;
        var text = reading.ToString();
        var prefix = reading.SensorId + " ";
        if (text.StartsWith(prefix, StringComparison.Ordinal))
        {
            text = text[prefix.Length..];
        }

        return new SensorValue(reading.SensorId, reading.Kind, active, text, reading.Time.Wall);
    }
}
