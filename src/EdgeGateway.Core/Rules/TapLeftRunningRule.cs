using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using UnitsNet;

namespace EdgeGateway.Core.Rules;

/// <summary>Water running at or above the minimum flow, without a break, for longer than the limit; clears when it stops.</summary>
/// <remarks>Works with meters that report on change and with meters that report periodically: only a reading below the minimum ends a run.</remarks>
public sealed class TapLeftRunningRule : ICareRule
{
    private readonly TapLeftRunningOptions _options;
    private readonly Dictionary<string, Meter> _meters = new(StringComparer.Ordinal);

    // Per reading: plain litres per minute, compared without a unit conversion.
    private readonly double _minimumLpm;

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public TapLeftRunningRule(TapLeftRunningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _minimumLpm = options.MinimumFlow.LitersPerMinute;
        foreach (var id in options.FlowSensorIds)
        {
            _meters[id] = new Meter(id);
        }
    }

    /// <inheritdoc />
    public string Name => "tap-left-running";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.Kind != SensorKind.FlowMeter || !_meters.TryGetValue(reading.SensorId, out var meter))
        {
            return;
        }

        meter.LastFlow = reading.Flow;
        var running = reading.Flow.LitersPerMinute >= _minimumLpm;
        if (running && !meter.Timer.IsArmed && meter.Alarm is null)
        {
            meter.Timer.Arm(this, context, _options.Limit);
        }
        else if (!running)
        {
            meter.Timer.Cancel();
            if (meter.Alarm is { } id)
            {
                context.ClearAlarm(id, ClearReason.ConditionEnded);
                meter.Alarm = null;
            }
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var meter in _meters.Values)
        {
            if (meter.Timer.Fired(token))
            {
                var text = string.Create(CultureInfo.InvariantCulture, $"water running at {meter.LastFlow.InLitresPerMinute("0.#")} for {_options.Limit.TotalMinutes:0} min");
                var data = new Dictionary<string, string> { ["flowLpm"] = meter.LastFlow.LitresPerMinuteValue("0.###") };
                meter.Alarm = context.RaiseAlarm(CareEventKind.TapLeftRunning, meter.Id, text, data).Id;
            }
        }
    }

    private sealed class Meter(string id)
    {
        public string Id { get; } = id;

        public TimerSlot Timer { get; } = new();

        public VolumeFlow LastFlow { get; set; }

        public Guid? Alarm { get; set; }
    }
}
