using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Inactivity: no activity for <see cref="InactivityOptions.Limit"/> of time inside the day window → a local warning
/// (<see cref="CareEventKind.InactivityWarning"/>) the resident can cancel with any activity or the help button; not
/// cancelled within <see cref="InactivityOptions.WarningDuration"/> → <see cref="CareEventKind.Inactivity"/> alarm.
/// </summary>
/// <remarks>
/// Only quiet time inside the day window counts, so a night's sleep does not use up the limit: last activity at 21:00,
/// day window 07:00–22:00, limit 3 h → warning at 09:00. Time is counted in steps of monotonic time every
/// <see cref="InactivityOptions.CheckInterval"/>, each step attributed to the window the step ends in.
/// </remarks>
public sealed class InactivityRule : IStartableRule, ILocalWarningRule
{
    private readonly InactivityOptions _options;
    private readonly NightWindow _day;
    private readonly HashSet<string> _activity;
    private readonly TimerSlot _tick = new();
    private readonly TimerSlot _warningTimer = new();
    private TimeSpan _quiet;
    private TimeSpan _lastTick;
    private bool _started;
    private State _state;
    private Guid? _alarm;

    /// <summary>Creates the rule; <paramref name="day"/> is the day window (a window type shared with the night rules).</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public InactivityRule(InactivityOptions options, NightWindow day)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(day);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _day = day;
        _activity = new HashSet<string>(options.ActivitySensorIds, StringComparer.Ordinal);
    }

    private enum State
    {
        Watching,
        Warning,
        Alarm,
    }

    /// <inheritdoc />
    public string Name => "inactivity";

    /// <inheritdoc />
    public bool WarningActive => _state == State.Warning;

    /// <summary>Quiet time counted so far inside the day window.</summary>
    public TimeSpan QuietTime => _quiet;

    /// <inheritdoc />
    public void OnStart(IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_started)
        {
            return;
        }

        _started = true;
        _lastTick = context.Now.SinceBoot;
        _tick.Arm(this, context, _options.CheckInterval);
    }

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The help button reaches this rule through CancelByButton, so one press is not counted twice.
        // A wearable found lifeless, and a PIR whose hold time ran out, are the absence of activity, not activity;
        // a device's own output (smoke, a missed dose, the stove guard, a fault) says nothing about the resident.
        if (reading.Kind == SensorKind.HelpButton
            || (reading.Kind is SensorKind.WearableWorn or SensorKind.Motion && !reading.Active)
            || reading.Kind.NeverWithheld() || reading.Kind.IsDeviceFault()
            || (_activity.Count > 0 && !_activity.Contains(reading.SensorId)))
        {
            return;
        }

        Activity(context);
    }

    /// <inheritdoc />
    public bool CancelByButton(string buttonSensorId, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wasWarning = _state == State.Warning;
        Activity(context);
        return wasWarning;
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_tick.Fired(token))
        {
            var now = context.Now;
            var step = now.SinceBoot - _lastTick;
            _lastTick = now.SinceBoot;
            if (RuleTime.InsideOrUnknown(_day, now))
            {
                _quiet += step;
            }

            if (_state == State.Watching && _quiet >= _options.Limit)
            {
                _state = State.Warning;
                var hours = string.Create(CultureInfo.InvariantCulture, $"{_quiet.TotalHours:0.#}");
                context.Emit(
                    CareEventKind.InactivityWarning,
                    null,
                    $"no activity for {hours} h in the day window; local warning sounding, press the button or move to cancel",
                    new Dictionary<string, string> { ["quietHours"] = hours });
                _warningTimer.Arm(this, context, _options.WarningDuration);
            }

            _tick.Arm(this, context, _options.CheckInterval);
        }
        else if (_warningTimer.Fired(token) && _state == State.Warning)
        {
            _state = State.Alarm;
            var hours = string.Create(CultureInfo.InvariantCulture, $"{_quiet.TotalHours:0.#}");
            _alarm = context.RaiseAlarm(
                CareEventKind.Inactivity,
                null,
                $"no activity for {hours} h in the day window and the local warning was not cancelled",
                new Dictionary<string, string> { ["quietHours"] = hours }).Id;
        }
    }

    private void Activity(IRuleContext context)
    {
        _quiet = TimeSpan.Zero;
        _lastTick = context.Now.SinceBoot;
        _warningTimer.Cancel();
        if (_alarm is { } id)
        {
            context.ClearAlarm(id, ClearReason.ConditionEnded);
            _alarm = null;
        }

        _state = State.Watching;
    }
}
