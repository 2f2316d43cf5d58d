using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Fall: a detection starts a local pre-alarm; the resident has <see cref="FallOptions.CancelWindow"/> to cancel it with
/// the help button (reported as <see cref="CareEventKind.FallCancelled"/>), otherwise it becomes a
/// <see cref="CareEventKind.Fall"/> alarm. The alarm is not cleared by any condition: only the centre or a local reset.
/// </summary>
/// <remarks>
/// <para>A second detection during a running pre-alarm joins it (counted in <c>detections</c>) rather than restarting the window.</para>
/// <para>
/// Long lie: for a sensor that reports its wearer's posture (<see cref="SensorKind.WearerPosture"/> readings), the rule
/// checks <see cref="FallOptions.LongLieAfter"/> after the detection whether the wearer is still down; if so it raises
/// <see cref="CareEventKind.LongLie"/> (priority 0: the same fall, more urgent). The wearer upright again after the alarm is
/// reported as <see cref="CareEventKind.FallGotUp"/>. A sensor without posture readings gets no long-lie check: no
/// evidence either way. A fall alarm already cleared (reset on site, or by the centre) ends the watch silently.
/// </para>
/// </remarks>
public sealed class FallRule : IFallRule, ILocalWarningRule
{
    private readonly FallOptions _options;
    private readonly TimerSlot _timer = new();
    private readonly TimerSlot _longLie = new();
    private readonly Dictionary<string, bool> _upright = new(StringComparer.Ordinal);
    private FallSignal _pending;
    private int _detections;
    private bool _uprightSinceDetection;
    private Alarm? _watched;
    private bool _longLieRaised;

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public FallRule(FallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
    }

    /// <inheritdoc />
    public string Name => "fall";

    /// <inheritdoc />
    public bool WarningActive => _timer.IsArmed;

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.Kind != SensorKind.WearerPosture)
        {
            return;
        }

        _upright[reading.SensorId] = reading.Active;
        if (!reading.Active || reading.SensorId != _pending.SensorId)
        {
            return;
        }

        if (_timer.IsArmed)
        {
            _uprightSinceDetection = true;
        }
        else if (_watched is not null)
        {
            GotUp(context, "upright again");
        }
    }

    /// <summary>True while a raised fall alarm is watched for a long lie or for getting up.</summary>
    public bool WatchingLongLie => _watched is not null;

    /// <inheritdoc />
    public void OnFall(in FallSignal fall, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (fall.Confidence < _options.MinimumConfidence)
        {
            return;
        }

        if (_timer.IsArmed)
        {
            _detections++;
            return;
        }

        EndWatch();
        _pending = fall;
        _detections = 1;
        _uprightSinceDetection = false;
        _timer.Arm(this, context, _options.CancelWindow);
    }

    /// <inheritdoc />
    public bool CancelByButton(string buttonSensorId, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_timer.IsArmed)
        {
            return false;
        }

        _timer.Cancel();
        EndWatch();
        var data = Data(context);
        data["cancelledBy"] = buttonSensorId;
        context.Emit(CareEventKind.FallCancelled, _pending.SensorId, $"fall pre-alarm cancelled by the resident ({buttonSensorId})", data);
        return true;
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_timer.Fired(token))
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"fall detected (confidence {_pending.Confidence:0.00}), not cancelled within {_options.CancelWindow.TotalSeconds:0} s");
            var alarm = context.RaiseAlarm(CareEventKind.Fall, _pending.SensorId, text, Data(context));
            if (_options.LongLieAfter > TimeSpan.Zero && _upright.ContainsKey(_pending.SensorId))
            {
                _longLieRaised = false;
                if (_uprightSinceDetection && _upright[_pending.SensorId])
                {
                    _watched = alarm;
                    GotUp(context, "upright again during the pre-alarm");
                }
                else
                {
                    _longLie.Arm(this, context, _options.LongLieAfter - DownFor(context));
                    _watched = alarm;
                }
            }
        }
        else if (_longLie.Fired(token) && _watched is { } fallAlarm)
        {
            if (fallAlarm.State == AlarmState.Cleared)
            {
                // Reset on site or by the centre: somebody has dealt with the fall.
                EndWatch();
                return;
            }

            if (_upright.GetValueOrDefault(_pending.SensorId))
            {
                GotUp(context, "upright at the long-lie check");
                return;
            }

            _longLieRaised = true;
            var data = WatchData(context, fallAlarm.Id);
            var text = string.Create(CultureInfo.InvariantCulture, $"still down {DownFor(context).TotalMinutes:0.#} min after the fall (not upright since)");
            context.RaiseAlarm(CareEventKind.LongLie, _pending.SensorId, text, data);
        }
    }

    private void GotUp(IRuleContext context, string how)
    {
        if (_watched!.State == AlarmState.Cleared)
        {
            EndWatch();
            return;
        }

        var data = WatchData(context, _watched.Id);
        data["longLie"] = _longLieRaised ? "true" : "false";
        var text = string.Create(CultureInfo.InvariantCulture, $"wearer {how} {DownFor(context).TotalMinutes:0.#} min after the fall{(_longLieRaised ? ", after a long lie" : string.Empty)}");
        context.Emit(CareEventKind.FallGotUp, _pending.SensorId, text, data);
        EndWatch();
    }

    private void EndWatch()
    {
        _longLie.Cancel();
        _watched = null;
        _longLieRaised = false;
    }

    private TimeSpan DownFor(IRuleContext context) => context.Now.SinceBoot - _pending.Time.SinceBoot;

    private Dictionary<string, string> WatchData(IRuleContext context, Guid fallAlarm) => new(StringComparer.Ordinal)
    {
        ["fallAlarmId"] = fallAlarm.ToString(),
        ["downSeconds"] = DownFor(context).TotalSeconds.ToString("0", CultureInfo.InvariantCulture),
        ["detectedAt"] = _pending.Time.Wall.ToString("O", CultureInfo.InvariantCulture),
    };

    private Dictionary<string, string> Data(IRuleContext context)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_pending.Features is { } features)
        {
            foreach (var (k, v) in features)
            {
                data[k] = v;
            }
        }

        data["confidence"] = _pending.Confidence.ToString("0.###", CultureInfo.InvariantCulture);
        data["detections"] = _detections.ToString(CultureInfo.InvariantCulture);
        data["detectedAt"] = _pending.Time.Wall.ToString("O", CultureInfo.InvariantCulture);
        data["preAlarmSeconds"] = (context.Now.SinceBoot - _pending.Time.SinceBoot).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        return data;
    }
}
