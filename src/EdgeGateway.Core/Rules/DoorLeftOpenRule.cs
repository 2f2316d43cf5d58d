using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Rules;

/// <summary>A door open longer than its limit (the night limit inside the night window, the day limit outside); clears when closed.</summary>
/// <remarks>
/// The limit that applies is the one of the current moment, so a door opened by day and still open when the night starts
/// is measured against the night limit from then on. The first check is at the shorter limit; after that the rule
/// re-checks every <see cref="RecheckInterval"/>, so an alarm caused by a window boundary may come that much late.
/// Open time is measured on monotonic time (DST-safe, immune to wall-clock jumps).
/// </remarks>
public sealed class DoorLeftOpenRule : ICareRule
{
    /// <summary>How often a door past the shorter limit is re-checked.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    private readonly DoorLeftOpenOptions _options;
    private readonly NightWindow _night;
    private readonly Dictionary<string, Door> _doors = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    /// <exception cref="ConfigurationException">The options are invalid.</exception>
    public DoorLeftOpenRule(DoorLeftOpenOptions options, NightWindow night)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(night);
        ConfigurationException.ThrowIfAny(options.Validate());
        _options = options;
        _night = night;
        foreach (var id in options.DoorSensorIds)
        {
            _doors[id] = new Door(id);
        }
    }

    /// <inheritdoc />
    public string Name => "door-left-open";

    /// <inheritdoc />
    public void OnReading(in SensorReading reading, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (reading.Kind != SensorKind.DoorContact || !_doors.TryGetValue(reading.SensorId, out var door))
        {
            return;
        }

        if (reading.Active && door.OpenedAt is null)
        {
            door.OpenedAt = reading.Time.SinceBoot;
            door.Timer.Arm(this, context, Min(_options.DayLimit, _options.NightLimit));
        }
        else if (!reading.Active)
        {
            door.OpenedAt = null;
            door.Timer.Cancel();
            if (door.Alarm is { } id)
            {
                context.ClearAlarm(id, ClearReason.ConditionEnded);
                door.Alarm = null;
            }
        }
    }

    /// <inheritdoc />
    public void OnTimer(long token, IRuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var door in _doors.Values)
        {
            if (!door.Timer.Fired(token) || door.OpenedAt is not { } openedAt)
            {
                continue;
            }

            var now = context.Now;
            var night = RuleTime.InsideOrUnknown(_night, now);
            var limit = night ? _options.NightLimit : _options.DayLimit;
            var open = now.SinceBoot - openedAt;
            if (open >= limit)
            {
                var text = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{door.Id} open for {open.TotalMinutes:0} min ({(night ? "night" : "day")} limit {limit.TotalMinutes:0} min)");
                var data = new Dictionary<string, string>
                {
                    ["openMinutes"] = open.TotalMinutes.ToString("0", CultureInfo.InvariantCulture),
                    ["limit"] = night ? "night" : "day",
                };
                door.Alarm = context.RaiseAlarm(CareEventKind.DoorLeftOpen, door.Id, text, data).Id;
            }
            else
            {
                door.Timer.Arm(this, context, Min(limit - open, RecheckInterval));
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Door(string id)
    {
        public string Id { get; } = id;

        public TimerSlot Timer { get; } = new();

        public TimeSpan? OpenedAt { get; set; }

        public Guid? Alarm { get; set; }
    }
}
