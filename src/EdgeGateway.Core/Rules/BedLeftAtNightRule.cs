using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>Bed left in the night window and not back within <see cref="BedLeftAtNightOptions.ReturnWithin"/>; clears when the bed is occupied again.</summary>
/// <remarks>Only the moment of leaving must be in the night window; the limit runs on monotonic time (DST-safe).</remarks>
public sealed class BedLeftAtNightRule : ICareRule
{
    private readonly BedLeftAtNightOptions _options;
    private readonly NightWindow _night;
    private readonly TimerSlot _timer = new();
    private Guid? _alarm;

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public BedLeftAtNightRule(BedLeftAtNightOptions options, NightWindow night)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(night);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _night = night;
    }

    /// <inheritdoc />
    public string Name => "bed-left-at-night";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.SensorId != _options.BedSensorId)
        {
            return;
        }

        if (reading.Active)
        {
            _timer.Cancel();
            if (_alarm is { } id)
            {
                context.ClearAlarm(id, ClearReason.ConditionEnded);
                _alarm = null;
            }
        }
        else if (_alarm is null && !_timer.IsArmed && RuleTime.InsideOrUnknown(_night, reading.Time))
        {
            _timer.Arm(this, context, _options.ReturnWithin);
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_timer.Fired(token))
        {
            var minutes = _options.ReturnWithin.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
            _alarm = context.RaiseAlarm(CareEventKind.BedLeftAtNight, _options.BedSensorId, $"{_options.BedSensorId} left at night, not back within {minutes} min").Id;
        }
    }
}
