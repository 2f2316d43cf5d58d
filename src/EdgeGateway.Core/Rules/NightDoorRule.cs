using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Raises a night-exit alarm when the watched door opens inside the night window; clears it when the door closes.</summary>
public sealed class NightDoorRule(string doorSensorId, NightWindow window) : ICareRule
{
    private Guid? _alarm;

    /// <inheritdoc />
    public string Name => "night-door";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.SensorId != doorSensorId || reading.Kind != SensorKind.DoorContact)
        {
            return;
        }

        if (reading.Active && _alarm is null && window.Contains(reading.Time.Wall))
        {
            _alarm = context.RaiseAlarm(
                CareEventKind.NightExit, doorSensorId, $"{doorSensorId} opened at night ({window})").Id;
        }
        else if (!reading.Active && _alarm is { } id)
        {
            context.ClearAlarm(id, ClearReason.ConditionEnded);
            _alarm = null;
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
    }
}
