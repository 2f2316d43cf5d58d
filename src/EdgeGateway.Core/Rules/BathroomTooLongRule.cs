using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>
/// A visit to the bathroom that lasts longer than its limit (the night limit inside the night window, the day limit
/// outside) raises <see cref="CareEventKind.BathroomTooLong"/>; leaving clears it.
/// </summary>
/// <remarks>
/// <para>A visit starts with activity in the bathroom (its PIR sees motion, its door moves) and ends with activity
/// anywhere else in the home: motion in another room, another door, a mat occupied. Motion inside the bathroom does not
/// restart the count, and stillness there does not end it: a resident who fell beside the bath moves no PIR.</para>
/// <para>As in <see cref="DoorLeftOpenRule"/> the limit that applies is the one of the current moment, checked at the
/// shorter limit and then every <see cref="RecheckInterval"/>; the visit's length is measured on monotonic time, so
/// midnight and the daylight-saving change neither shorten nor lengthen it.</para>
/// </remarks>
public sealed class BathroomTooLongRule : ICareRule
{
    /// <summary>How often a visit past the shorter limit is re-checked.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    private readonly BathroomTooLongOptions _options;
    private readonly NightWindow _night;
    private readonly HashSet<string> _bathroom;
    private readonly TimerSlot _timer = new();
    private readonly Dictionary<string, bool> _doors = new(StringComparer.Ordinal);
    private TimeSpan? _enteredAt;
    private Guid? _alarm;

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public BathroomTooLongRule(BathroomTooLongOptions options, NightWindow night)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(night);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _night = night;
        _bathroom = new HashSet<string>(options.BathroomSensorIds, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public string Name => "bathroom-too-long";

    /// <summary>True while a visit is being timed.</summary>
    public bool InBathroom => _enteredAt is not null;

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsPresence(reading))
        {
            return;
        }

        if (_bathroom.Contains(reading.SensorId))
        {
            if (_enteredAt is null)
            {
                _enteredAt = reading.Time.SinceBoot;
                _timer.Arm(this, context, Min(_options.DayLimit, _options.NightLimit));
            }

            return;
        }

        // Activity elsewhere: the resident has left the bathroom.
        _enteredAt = null;
        _timer.Cancel();
        if (_alarm is { } id)
        {
            context.ClearAlarm(id, ClearReason.ConditionEnded);
            _alarm = null;
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_timer.Fired(token) || _enteredAt is not { } enteredAt || _alarm is not null)
        {
            return;
        }

        var now = context.Now;
        var night = RuleTime.InsideOrUnknown(_night, now);
        var limit = night ? _options.NightLimit : _options.DayLimit;
        var inside = now.SinceBoot - enteredAt;
        if (inside < limit)
        {
            _timer.Arm(this, context, Min(limit - inside, RecheckInterval));
            return;
        }

        var minutes = inside.TotalMinutes.ToString("0", CultureInfo.InvariantCulture);
        _alarm = context.RaiseAlarm(
            CareEventKind.BathroomTooLong,
            null,
            string.Create(CultureInfo.InvariantCulture, $"in the bathroom for {minutes} min ({(night ? "night" : "day")} limit {limit.TotalMinutes:0} min)"),
            new Dictionary<string, string> { ["minutes"] = minutes, ["limit"] = night ? "night" : "day" }).Id;
    }

    // What says where the resident is: motion seen, a door moved, a mat sat or lain on. A PIR's hold time running out,
    // an emptied mat, a wearable or a device's output say nothing about which room she is in; nor does a door's first
    // reading, which only tells its state at start-up.
    private bool IsPresence(in SensorReading reading)
    {
        switch (reading.Kind)
        {
            case SensorKind.Motion or SensorKind.BedMat or SensorKind.ChairMat:
                return reading.Active;
            case SensorKind.DoorContact:
                var moved = _doors.TryGetValue(reading.SensorId, out var was) && was != reading.Active;
                _doors[reading.SensorId] = reading.Active;
                return moved;
            default:
                return false;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
