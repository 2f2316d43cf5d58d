using System.Globalization;
using EdgeGateway.Core.Configuration;
using System.Text.Json.Serialization;
using EdgeGateway.Core.Events;
using UnitsNet;

namespace EdgeGateway.Core.Rules;

/// <summary>The home's sensors by id, so rule options can be checked for references to sensors that do not exist.</summary>
public sealed class SensorCatalog
{
    private readonly Dictionary<string, SensorKind> _sensors = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog from id/kind pairs (duplicates: the last wins; <see cref="HomeRulesConfig"/> reports them).</summary>
    public SensorCatalog(IEnumerable<KeyValuePair<string, SensorKind>> sensors)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        foreach (var (id, kind) in sensors)
        {
            _sensors[id] = kind;
        }
    }

    /// <summary>The kind of sensor <paramref name="id"/>, if it exists.</summary>
    public bool TryGetKind(string id, out SensorKind kind) => _sensors.TryGetValue(id, out kind);
}

/// <summary>Shared checks that produce "problem (was value)" issues at their key.</summary>
internal static class OptionChecks
{
    public static void NotNegative(List<ConfigIssue> errors, ConfigKey key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add(new(key, Invariant($"must not be negative (was {value})")));
        }
    }

    public static void Positive(List<ConfigIssue> errors, ConfigKey key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(new(key, Invariant($"must be greater than zero (was {value})")));
        }
    }

    public static void SensorRef(List<ConfigIssue> errors, ConfigKey key, string? id, SensorCatalog? sensors, params SensorKind[] kinds)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(new(key, "a sensor id is required"));
            return;
        }

        if (sensors is null)
        {
            return;
        }

        if (!sensors.TryGetKind(id, out var kind))
        {
            errors.Add(new(key, $"unknown sensor '{id}' (not in the home's sensor list)"));
        }
        else if (kinds.Length > 0 && Array.IndexOf(kinds, kind) < 0)
        {
            errors.Add(new(key, $"sensor '{id}' is a {kind}, expected {string.Join(" or ", kinds)}"));
        }
    }

    public static void SensorRefs(List<ConfigIssue> errors, ConfigKey key, IReadOnlyList<string>? ids, SensorCatalog? sensors, bool required, params SensorKind[] kinds)
    {
        if (ids is null || ids.Count == 0)
        {
            if (required)
            {
                errors.Add(new(key, "at least one sensor id is required"));
            }

            return;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            SensorRef(errors, key.Then(i), ids[i], sensors, kinds);
        }
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The daily end-to-end test: one silent test alarm a day at a local time of day.</summary>
public sealed record DailyTestOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "DailyTest";

    /// <summary>Local time of day (the home's time zone) at which the test alarm is sent, e.g. 10:00.</summary>
    public TimeOnly Time { get; set; } = new(10, 0);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        if (Time.Second != 0 || Time.Millisecond != 0)
        {
            errors.Add(new(at.Field(nameof(Time)), $"expected a whole minute such as 10:00, found {Time:HH\\:mm\\:ss.fff}"));
        }

        return errors;
    }
}

/// <summary>A daily window of local time as configured, e.g. Start 23:00, End 06:00.</summary>
public sealed record TimeWindowOptions
{
    /// <summary>Local start time (inclusive).</summary>
    public TimeOnly Start { get; set; }

    /// <summary>Local end time (exclusive); may be earlier than <see cref="Start"/> to cross midnight.</summary>
    public TimeOnly End { get; set; }

    /// <summary>Problems with this window, each naming its key under <paramref name="section"/>.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey section)
    {
        ArgumentNullException.ThrowIfNull(section);
        List<ConfigIssue> errors = [];
        if (Start == End)
        {
            errors.Add(new(section.Field(nameof(End)), $"the window {Start:HH\\:mm}–{End:HH\\:mm} has zero length (Start and End must differ)"));
        }

        return errors;
    }

    /// <summary>The window in <paramref name="zone"/>.</summary>
    public NightWindow ToWindow(TimeZoneInfo zone) => new(Start, End, zone);
}

/// <summary>Night exit / wandering: the outer door opens in the night window and the resident is not back inside within a grace period.</summary>
public sealed record NightExitOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "NightExit";

    /// <summary>The outer door's contact.</summary>
    public string DoorSensorId { get; set; } = "";

    /// <summary>How long the door may stay open at night before it counts as an exit (looking out is not wandering).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Indoor sensors (bed mat, chair mat, inner doors) that prove the resident is back inside after the door closed; empty: closing the door counts as back inside.</summary>
    public IReadOnlyList<string> IndoorSensorIds { get; set; } = [];

    /// <summary>With indoor sensors: how long after the door closes one of them must report before the resident counts as gone.</summary>
    public TimeSpan ReturnConfirmWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRef(errors, at.Field(nameof(DoorSensorId)), DoorSensorId, sensors, SensorKind.DoorContact);
        OptionChecks.NotNegative(errors, at.Field(nameof(GracePeriod)), GracePeriod);
        OptionChecks.SensorRefs(errors, at.Field(nameof(IndoorSensorIds)), IndoorSensorIds, sensors, required: false);
        if (IndoorSensorIds?.Contains(DoorSensorId, StringComparer.Ordinal) == true)
        {
            errors.Add(new(at.Field(nameof(IndoorSensorIds)), $"must not contain the outer door '{DoorSensorId}'"));
        }

        OptionChecks.Positive(errors, at.Field(nameof(ReturnConfirmWindow)), ReturnConfirmWindow);
        return errors;
    }
}

/// <summary>Bed left at night and not back within a time limit.</summary>
public sealed record BedLeftAtNightOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "BedLeftAtNight";

    /// <summary>The bed mat.</summary>
    public string BedSensorId { get; set; } = "";

    /// <summary>How long the bed may stay empty after being left in the night window.</summary>
    public TimeSpan ReturnWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRef(errors, at.Field(nameof(BedSensorId)), BedSensorId, sensors, SensorKind.BedMat);
        OptionChecks.NotNegative(errors, at.Field(nameof(ReturnWithin)), ReturnWithin);
        return errors;
    }
}

/// <summary>Door left open longer than a limit, with separate limits by day and at night.</summary>
public sealed record DoorLeftOpenOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "DoorLeftOpen";

    /// <summary>The doors watched.</summary>
    public IReadOnlyList<string> DoorSensorIds { get; set; } = [];

    /// <summary>Limit outside the night window.</summary>
    public TimeSpan DayLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Limit inside the night window.</summary>
    public TimeSpan NightLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(DoorSensorIds)), DoorSensorIds, sensors, required: true, SensorKind.DoorContact);
        OptionChecks.NotNegative(errors, at.Field(nameof(DayLimit)), DayLimit);
        OptionChecks.NotNegative(errors, at.Field(nameof(NightLimit)), NightLimit);
        return errors;
    }
}

/// <summary>Tap left running: flow at or above a minimum, without a break, for longer than a limit.</summary>
public sealed record TapLeftRunningOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "TapLeftRunning";

    /// <summary>The flow meters watched.</summary>
    public IReadOnlyList<string> FlowSensorIds { get; set; } = [];

    /// <summary>How long water may run without a break.</summary>
    public TimeSpan Limit { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Flow below this does not count as a running tap (a drip is the leak rule's business), L/min.</summary>
    public double MinimumFlowLitresPerMinute { get; set; } = 1.0;

    /// <summary>The minimum flow as a quantity (the config file gives it in L/min).</summary>
    [JsonIgnore]
    public VolumeFlow MinimumFlow => VolumeFlow.FromLitersPerMinute(MinimumFlowLitresPerMinute);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(FlowSensorIds)), FlowSensorIds, sensors, required: true, SensorKind.FlowMeter);
        OptionChecks.NotNegative(errors, at.Field(nameof(Limit)), Limit);
        if (!(MinimumFlowLitresPerMinute > 0) || double.IsInfinity(MinimumFlowLitresPerMinute))
        {
            errors.Add(new(at.Field(nameof(MinimumFlowLitresPerMinute)), OptionChecks.Invariant($"must be a positive number (was {MinimumFlowLitresPerMinute})")));
        }

        return errors;
    }
}

/// <summary>Leaks: flow that never falls to zero over a window (slow leak), or flow above the pipe's maximum (burst).</summary>
public sealed record LeakOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "Leak";

    /// <summary>The flow meters watched.</summary>
    public IReadOnlyList<string> FlowSensorIds { get; set; } = [];

    /// <summary>Flow must fall to zero at least once within this window, or it is a slow leak.</summary>
    public TimeSpan SlowLeakWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Flow above this is a burst, L/min; null disables burst detection.</summary>
    public double? BurstFlowLitresPerMinute { get; set; } = 30;

    /// <summary>The burst threshold as a quantity (the config file gives it in L/min); null when burst detection is off.</summary>
    [JsonIgnore]
    public VolumeFlow? BurstFlow => BurstFlowLitresPerMinute is { } lpm ? VolumeFlow.FromLitersPerMinute(lpm) : null;

    /// <summary>Close the shut-off valve on a burst (needs a valve).</summary>
    public bool CloseValveOnBurst { get; set; }

    /// <summary>Close the shut-off valve on a slow leak (needs a valve).</summary>
    public bool CloseValveOnSlowLeak { get; set; }

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(FlowSensorIds)), FlowSensorIds, sensors, required: true, SensorKind.FlowMeter);
        OptionChecks.Positive(errors, at.Field(nameof(SlowLeakWindow)), SlowLeakWindow);
        if (BurstFlowLitresPerMinute is { } burst && (!(burst > 0) || double.IsInfinity(burst)))
        {
            errors.Add(new(at.Field(nameof(BurstFlowLitresPerMinute)), OptionChecks.Invariant($"must be a positive number or absent (was {burst})")));
        }

        return errors;
    }
}

/// <summary>Inactivity: no activity for a time counted only inside the day window → local warning, then alarm.</summary>
public sealed record InactivityOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "Inactivity";

    /// <summary>Sensors whose readings count as activity; empty: every sensor except help buttons.</summary>
    public IReadOnlyList<string> ActivitySensorIds { get; set; } = [];

    /// <summary>Day-window time without activity before the local warning.</summary>
    public TimeSpan Limit { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long the local warning sounds before the alarm goes to the centre.</summary>
    public TimeSpan WarningDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the quiet time is counted; alarms at window edges may be this late.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(SensorCatalog? sensors = null, ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.SensorRefs(errors, at.Field(nameof(ActivitySensorIds)), ActivitySensorIds, sensors, required: false);
        OptionChecks.Positive(errors, at.Field(nameof(Limit)), Limit);
        OptionChecks.NotNegative(errors, at.Field(nameof(WarningDuration)), WarningDuration);
        OptionChecks.Positive(errors, at.Field(nameof(CheckInterval)), CheckInterval);
        return errors;
    }
}

/// <summary>Fall: a detection starts a local pre-alarm the resident can cancel with the button; otherwise it becomes an alarm.</summary>
public sealed record FallOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "Fall";

    /// <summary>How long the resident has to cancel the pre-alarm.</summary>
    public TimeSpan CancelWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Detections below this confidence (0–1) are ignored.</summary>
    public double MinimumConfidence { get; set; }

    /// <summary>After a fall alarm, a wearer still down this long after the detection raises a long lie; zero switches the check off.</summary>
    public TimeSpan LongLieAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.NotNegative(errors, at.Field(nameof(CancelWindow)), CancelWindow);
        OptionChecks.NotNegative(errors, at.Field(nameof(LongLieAfter)), LongLieAfter);
        if (LongLieAfter > TimeSpan.Zero && LongLieAfter <= CancelWindow)
        {
            errors.Add(new(at.Field(nameof(LongLieAfter)), OptionChecks.Invariant($"must be longer than cancel_window ({CancelWindow}) or zero for off (was {LongLieAfter})")));
        }
        if (!(MinimumConfidence is >= 0 and <= 1))
        {
            errors.Add(new(at.Field(nameof(MinimumConfidence)), OptionChecks.Invariant($"must be between 0 and 1 (was {MinimumConfidence})")));
        }

        return errors;
    }
}

/// <summary>Wearable not worn: a worn accelerometer found lifeless (see <c>WearerMonitor</c>) for <see cref="After"/>, checked in the day window only.</summary>
public sealed record NotWornOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "NotWorn";

    /// <summary>How long the wearable must stay lifeless (counted from the lifeless report) before it is reported as not worn.</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Outside the day window the check is repeated this often, so a wearable left off overnight is reported when the day starts.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.Positive(errors, at.Field(nameof(After)), After);
        OptionChecks.Positive(errors, at.Field(nameof(CheckInterval)), CheckInterval);
        return errors;
    }
}

/// <summary>Help button / pull cord.</summary>
public sealed record HelpButtonOptions
{
    /// <summary>The config section name.</summary>
    public const string Section = "HelpButton";

    /// <summary>A press that cancels a local warning still calls help when held this long.</summary>
    public TimeSpan LongPress { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Problems, each naming its key.</summary>
    public IReadOnlyList<ConfigIssue> Validate(ConfigKey? section = null)
    {
        var at = section ?? ConfigKey.Root.Field(Section);
        List<ConfigIssue> errors = [];
        OptionChecks.Positive(errors, at.Field(nameof(LongPress)), LongPress);
        return errors;
    }
}
