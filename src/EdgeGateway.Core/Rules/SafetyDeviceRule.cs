using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Turns the outputs of the home's safety devices into events: smoke → <see cref="CareEventKind.Fire"/>, a missed dose →
/// <see cref="CareEventKind.DoseMissed"/>, the stove guard's cut-off → <see cref="CareEventKind.StoveSwitchedOff"/>, and
/// each device's fault output → its fault event, then <see cref="CareEventKind.DeviceFaultCleared"/>.
/// </summary>
/// <remarks>
/// A fire alarm is not like the others: nobody at the gateway can reset it (a frightened resident must not silence the
/// only alarm that tells the centre the home is burning), the detector releasing does not end it (smoke that thins out
/// is not a fire put out), and the centre may clear it only once the detector has released. A missed dose ends when
/// the dispenser's output releases (dose taken late, dispenser reset).
/// </remarks>
public sealed class SafetyDeviceRule : IClearGuard
{
    private readonly SafetyDevicesOptions _options;
    private readonly Dictionary<string, Guid> _fires = new(StringComparer.Ordinal);
    private readonly HashSet<string> _smoke = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Guid> _missedDoses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _faulted = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public SafetyDeviceRule(SafetyDevicesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
    }

    /// <inheritdoc />
    public string Name => "safety-devices";

    /// <summary>True while <paramref name="sensorId"/> reports smoke.</summary>
    public bool ReportsSmoke(string sensorId) => _smoke.Contains(sensorId);

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = reading.SensorId;
        switch (reading.Kind)
        {
            case SensorKind.SmokeDetector when reading.Active:
                _smoke.Add(id);
                if (!_fires.ContainsKey(id))
                {
                    _fires[id] = context.RaiseAlarm(CareEventKind.Fire, id, $"{id}: smoke detected — fire alarm").Id;
                }

                break;
            case SensorKind.SmokeDetector:
                if (_smoke.Remove(id) && _fires.TryGetValue(id, out var fire))
                {
                    context.Emit(
                        CareEventKind.SmokeReleased,
                        id,
                        $"{id}: the smoke detector has released; the fire alarm stays until the centre clears it",
                        new Dictionary<string, string> { ["alarmId"] = fire.ToString() });
                }

                break;
            case SensorKind.MedicationDispenser when reading.Active:
                if (!_missedDoses.ContainsKey(id))
                {
                    _missedDoses[id] = context.RaiseAlarm(
                        CareEventKind.DoseMissed,
                        id,
                        $"{id}: a dose was not taken within the dispenser's window",
                        priority: _options.DoseMissedPriority).Id;
                }

                break;
            case SensorKind.MedicationDispenser:
                if (_missedDoses.Remove(id, out var dose))
                {
                    context.ClearAlarm(dose, ClearReason.ConditionEnded);
                }

                break;
            case SensorKind.StoveGuard when reading.Active:
                context.Emit(CareEventKind.StoveSwitchedOff, id, $"{id}: the stove guard has switched the stove off");
                break;
            case var fault when fault.IsDeviceFault() && reading.Active:
                if (_faulted.Add(id))
                {
                    var kind = reading.Kind switch
                    {
                        SensorKind.DispenserFault => CareEventKind.DispenserFault,
                        SensorKind.SmokeDetectorFault => CareEventKind.SmokeDetectorFault,
                        _ => CareEventKind.StoveGuardFault,
                    };
                    context.Emit(kind, id, string.Create(CultureInfo.InvariantCulture, $"{id}: the device reports a fault on its fault output"));
                }

                break;
            case var fault when fault.IsDeviceFault():
                if (_faulted.Remove(id))
                {
                    context.Emit(CareEventKind.DeviceFaultCleared, id, $"{id}: the device's fault output has released");
                }

                break;
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
    }

    /// <inheritdoc />
    public string? RefuseClear(Alarm alarm, ClearReason reason)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        if (alarm.Event.Kind != CareEventKind.Fire || alarm.Event.SensorId is not { } id || !_fires.TryGetValue(id, out var fire) || fire != alarm.Id)
        {
            return null;
        }

        if (reason != ClearReason.Centre)
        {
            return "a fire alarm cannot be reset at the gateway; the centre clears it once the smoke detector has released";
        }

        return _smoke.Contains(id)
            ? $"smoke detector {id} still reports smoke; the centre can clear the fire alarm once it has released"
            : null;
    }

    /// <inheritdoc />
    public void OnCleared(Alarm alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        if (alarm.Event.SensorId is not { } id)
        {
            return;
        }

        // Forget it, so the next smoke raises a new fire alarm and the next missed dose a new alarm.
        if (_fires.TryGetValue(id, out var fire) && fire == alarm.Id)
        {
            _fires.Remove(id);
        }

        if (_missedDoses.TryGetValue(id, out var dose) && dose == alarm.Id)
        {
            _missedDoses.Remove(id);
        }
    }
}
