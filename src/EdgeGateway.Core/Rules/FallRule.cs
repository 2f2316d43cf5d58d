using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Fall: a detection starts a local pre-alarm; the resident has <see cref="FallOptions.CancelWindow"/> to cancel it with
/// the help button (reported as <see cref="CareEventKind.FallCancelled"/>), otherwise it becomes a
/// <see cref="CareEventKind.Fall"/> alarm. The alarm is not cleared by any condition: only the centre or a local reset.
/// </summary>
/// <remarks>A second detection during a running pre-alarm joins it (counted in <c>detections</c>) rather than restarting the window.</remarks>
public sealed class FallRule : IFallRule, ILocalWarningRule
{
    private readonly FallOptions _options;
    private readonly TimerSlot _timer = new();
    private FallSignal _pending;
    private int _detections;

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
    }

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

        _pending = fall;
        _detections = 1;
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
            context.RaiseAlarm(CareEventKind.Fall, _pending.SensorId, text, Data(context));
        }
    }

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
