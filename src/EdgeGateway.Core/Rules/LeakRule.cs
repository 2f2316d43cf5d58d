using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using UnitsNet;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Leaks: flow that never falls to zero over <see cref="LeakOptions.SlowLeakWindow"/> (slow leak), and flow above
/// <see cref="LeakOptions.BurstFlowLitresPerMinute"/> (burst). Optionally closes the shut-off valve and says so in the
/// event (<c>valve=closed</c>, or <c>valve=failed</c> with the error).
/// </summary>
/// <remarks>
/// Once the rule has closed the valve, the flow falling to zero is the valve's doing, not the leak ending, so those alarms
/// are not cleared by the condition: a person must look, reset the alarm and reopen the valve. Without a valve, a slow
/// leak clears when the flow reaches zero and a burst when the flow falls back under the maximum.
/// </remarks>
public sealed class LeakRule : ICareRule
{
    private readonly LeakOptions _options;
    private readonly IShutOffValve? _valve;
    private readonly Dictionary<string, Meter> _meters = new(StringComparer.Ordinal);

    // Per reading: plain litres per minute, compared without a unit conversion.
    private readonly double? _burstLpm;
    private bool _valveClosedByRule;

    /// <summary>Creates the rule; <paramref name="valve"/> is required when the options ask to close it.</summary>
    /// <exception cref="ConfigurationException">The options are invalid, or ask for a valve that is not there.</exception>
    public LeakRule(LeakOptions options, IShutOffValve? valve = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (valve is null && (options.CloseValveOnBurst || options.CloseValveOnSlowLeak))
        {
            errors.Add(NoValve(options, ConfigKey.Root.Field(LeakOptions.Section)));
        }

        ConfigurationException.ThrowIfAny(errors);
        _options = options;
        _burstLpm = options.BurstFlow?.LitersPerMinute;
        _valve = valve;
        foreach (var id in options.FlowSensorIds)
        {
            _meters[id] = new Meter(id);
        }
    }

    /// <summary>The issue of options under <paramref name="section"/> that ask to close a valve the home does not have.</summary>
    internal static ConfigIssue NoValve(LeakOptions options, ConfigKey section) =>
        new(section.Field(options.CloseValveOnBurst ? nameof(LeakOptions.CloseValveOnBurst) : nameof(LeakOptions.CloseValveOnSlowLeak)), "the home has no shut-off valve");

    /// <inheritdoc />
    public string Name => "leak";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.Kind != SensorKind.FlowMeter || !_meters.TryGetValue(reading.SensorId, out var meter))
        {
            return;
        }

        var flow = reading.Flow;
        meter.LastFlow = flow;
        if (flow.Value <= 0)
        {
            meter.SlowTimer.Cancel();
            if (meter.SlowAlarm is { } slow && !_valveClosedByRule)
            {
                context.ClearAlarm(slow, ClearReason.ConditionEnded);
                meter.SlowAlarm = null;
            }
        }
        else if (!meter.SlowTimer.IsArmed && meter.SlowAlarm is null)
        {
            meter.SlowTimer.Arm(this, context, _options.SlowLeakWindow);
        }

        if (_burstLpm is not { } max)
        {
            return;
        }

        var lpm = flow.LitersPerMinute;
        if (lpm > max && meter.BurstAlarm is null)
        {
            var data = Data(flow, _options.CloseValveOnBurst);
            var text = $"burst: {flow.InLitresPerMinute("0.#")} above the maximum {VolumeFlow.FromLitersPerMinute(max).InLitresPerMinute("0.#")}{ValveText(data)}";
            meter.BurstAlarm = context.RaiseAlarm(CareEventKind.BurstLeak, meter.Id, text, data).Id;
        }
        else if (lpm <= max && meter.BurstAlarm is { } burst && !_valveClosedByRule)
        {
            context.ClearAlarm(burst, ClearReason.ConditionEnded);
            meter.BurstAlarm = null;
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var meter in _meters.Values)
        {
            if (meter.SlowTimer.Fired(token))
            {
                var data = Data(meter.LastFlow, _options.CloseValveOnSlowLeak);
                var text = string.Create(
                    CultureInfo.InvariantCulture,
                    $"slow leak: flow never fell to zero in {_options.SlowLeakWindow.TotalHours:0.#} h (now {meter.LastFlow.InLitresPerMinute("0.###")}){ValveText(data)}");
                meter.SlowAlarm = context.RaiseAlarm(CareEventKind.SlowLeak, meter.Id, text, data).Id;
            }
        }
    }

    private Dictionary<string, string> Data(VolumeFlow flow, bool closeValve)
    {
        var data = new Dictionary<string, string> { ["flowLpm"] = flow.LitresPerMinuteValue("0.###") };
        if (closeValve && _valve is not null)
        {
            try
            {
                _valve.SetClosed(true);
                _valveClosedByRule = true;
                data["valve"] = "closed";
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // The alarm matters more than the relay: send it, and say the valve did not close.
                data["valve"] = "failed";
                data["valveError"] = ex.Message;
            }
        }

        return data;
    }

    private static string ValveText(Dictionary<string, string> data) =>
        data.TryGetValue("valve", out var v) ? v == "closed" ? "; water shut off" : "; shut-off valve FAILED to close" : "";

    private sealed class Meter(string id)
    {
        public string Id { get; } = id;

        public TimerSlot SlowTimer { get; } = new();

        public VolumeFlow LastFlow { get; set; }

        public Guid? SlowAlarm { get; set; }

        public Guid? BurstAlarm { get; set; }
    }
}
