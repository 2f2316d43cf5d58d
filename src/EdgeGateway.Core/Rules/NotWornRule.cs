using System.Globalization;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// Wearable not worn: a worn accelerometer reported lifeless (<see cref="SensorKind.WearableWorn"/> inactive) that stays so
/// for <see cref="NotWornOptions.After"/> raises the technical event <see cref="CareEventKind.WearableNotWorn"/>, but only
/// inside the day window (a pendant on the night table is normal); the first movement after it sends
/// <see cref="CareEventKind.WearableWorn"/>.
/// </summary>
/// <remarks>
/// A wearable that is not worn detects no fall, so the centre should know; it is a technical event, not an alarm, because
/// nobody is known to be in danger. Outside the day window the check is repeated every
/// <see cref="NotWornOptions.CheckInterval"/> until the day starts or the wearable moves. An unsynchronised clock counts as
/// day: a missed report costs a fall nobody detects, an extra one a phone call.
/// </remarks>
public sealed class NotWornRule : ICareRule
{
    private readonly NotWornOptions _options;
    private readonly NightWindow _day;
    private readonly Dictionary<string, Wearable> _wearables = new(StringComparer.Ordinal);

    /// <summary>Creates the rule; <paramref name="day"/> is the day window.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public NotWornRule(NotWornOptions options, NightWindow day)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(day);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _day = day;
    }

    /// <inheritdoc />
    public string Name => "not-worn";

    /// <summary>True when <paramref name="sensorId"/> is currently reported as not worn.</summary>
    public bool IsReportedNotWorn(string sensorId) => _wearables.TryGetValue(sensorId, out var w) && w.Reported;

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.Kind != SensorKind.WearableWorn)
        {
            return;
        }

        if (!_wearables.TryGetValue(reading.SensorId, out var wearable))
        {
            _wearables[reading.SensorId] = wearable = new Wearable();
        }

        if (!reading.Active)
        {
            if (!wearable.Timer.IsArmed && !wearable.Reported)
            {
                wearable.LifelessSince = reading.Time.SinceBoot;
                wearable.Timer.Arm(this, context, _options.After - (context.Now.SinceBoot - reading.Time.SinceBoot));
            }

            return;
        }

        wearable.Timer.Cancel();
        if (wearable.Reported)
        {
            wearable.Reported = false;
            context.Emit(CareEventKind.WearableWorn, reading.SensorId, $"{reading.SensorId} moves like a worn wearable again");
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var (sensorId, wearable) in _wearables)
        {
            if (!wearable.Timer.Fired(token))
            {
                continue;
            }

            var now = context.Now;
            if (!RuleTime.InsideOrUnknown(_day, now))
            {
                wearable.Timer.Arm(this, context, _options.CheckInterval);
                return;
            }

            wearable.Reported = true;
            var still = now.SinceBoot - wearable.LifelessSince;
            var data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["lifelessMinutes"] = still.TotalMinutes.ToString("0", CultureInfo.InvariantCulture),
            };
            context.Emit(
                CareEventKind.WearableNotWorn,
                sensorId,
                string.Create(CultureInfo.InvariantCulture, $"{sensorId} has shown no human movement for {still.TotalMinutes:0} min: probably not worn, falls are not detected"),
                data);
            return;
        }
    }

    private sealed class Wearable
    {
        public TimerSlot Timer { get; } = new();

        public TimeSpan LifelessSince { get; set; }

        public bool Reported { get; set; }
    }
}
