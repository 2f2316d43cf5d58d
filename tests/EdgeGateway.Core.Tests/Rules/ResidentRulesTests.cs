using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.TestSupport;
using static EdgeGateway.Core.Tests.Rules.RuleHarness;

namespace EdgeGateway.Core.Tests.Rules;

public class InactivityRuleTests
{
    private static (RuleHarness, InactivityRule) At(DateTimeOffset start)
    {
        var h = new RuleHarness(start);
        var rule = h.Add(new InactivityRule(
            new InactivityOptions { ActivitySensorIds = ["hall", "bed"], Limit = TimeSpan.FromHours(3), WarningDuration = TimeSpan.FromMinutes(5) },
            Day));
        h.Start();
        return (h, rule);
    }

    [Fact]
    public void Quiet_day_warns_locally_then_raises_and_activity_clears()
    {
        var (h, rule) = At(OsloTime(2026, 1, 15, 9, 0));
        h.Door("hall", true);
        h.AdvanceMinutes(179);
        Assert.Empty(h.Emitted);
        h.AdvanceMinutes(1);
        var warning = Assert.Single(h.Emitted);
        Assert.Equal(CareEventKind.InactivityWarning, warning.Kind);
        Assert.True(rule.WarningActive);
        Assert.Equal(new TimeOnly(12, 0), TimeOnly.FromDateTime(h.Local));

        h.AdvanceMinutes(4.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.Inactivity, alarm.Kind);
        Assert.False(rule.WarningActive);

        h.Mat("bed", false);
        Assert.Equal((alarm.Id, ClearReason.ConditionEnded), Assert.Single(h.Cleared));
    }

    [Fact]
    public void Night_time_is_not_counted_so_sleep_does_not_use_up_the_limit()
    {
        var (h, _) = At(OsloTime(2026, 1, 15, 21, 0));
        h.Door("hall", false);
        h.Advance(TimeSpan.FromHours(11.9));
        Assert.Empty(h.Emitted);
        h.Advance(TimeSpan.FromHours(0.1) + TimeSpan.FromMinutes(1));
        Assert.Single(h.Emitted);
        Assert.Equal(9, h.Local.Hour);
    }

    [Fact]
    public void Counting_follows_local_day_windows_across_the_spring_daylight_saving_change()
    {
        // 21:00 CET: 1 h counts until 22:00; the day starts again at 07:00 CEST, so the 3 h are full at 09:00 CEST.
        var (h, _) = At(OsloTime(2026, 3, 28, 21, 0));
        h.Door("hall", false);
        h.Advance(TimeSpan.FromHours(10.9));
        Assert.Empty(h.Emitted);
        h.Advance(TimeSpan.FromHours(0.1) + TimeSpan.FromMinutes(1));
        var warning = Assert.Single(h.Emitted);
        Assert.Equal(new DateTime(2026, 3, 29, 9, 0, 0), TimeZoneInfo.ConvertTime(warning.Time.Wall, Oslo).DateTime);
    }

    [Fact]
    public void The_help_button_cancels_the_warning_and_only_listed_sensors_count_as_activity()
    {
        var (h, rule) = At(OsloTime(2026, 1, 15, 9, 0));
        h.Door("garage", true);
        h.Advance(TimeSpan.FromHours(3));
        Assert.True(rule.WarningActive);
        Assert.True(rule.CancelByButton("cord", h));
        Assert.False(rule.WarningActive);
        h.AdvanceMinutes(10);
        Assert.Empty(h.Raised);
        Assert.False(rule.CancelByButton("cord", h));
        Assert.Equal(TimeSpan.Zero, rule.QuietTime);
    }

    [Fact]
    public void A_wall_clock_jump_out_of_the_day_window_stops_counting_only_while_it_lasts()
    {
        var (h, _) = At(OsloTime(2026, 1, 15, 9, 0));
        h.Door("hall", true);
        h.Advance(TimeSpan.FromHours(2));
        h.Clock.Jump(TimeSpan.FromHours(14));   // now 01:00 local: night, nothing counts
        h.Advance(TimeSpan.FromHours(2));
        Assert.Empty(h.Emitted);
        h.Clock.Jump(TimeSpan.FromHours(-14));  // back to day
        h.Advance(TimeSpan.FromHours(1));
        Assert.Single(h.Emitted);
    }

    [Fact]
    public void Bad_values_are_refused_naming_the_key()
    {
        var errors = new InactivityOptions { ActivitySensorIds = ["ghost"], Limit = TimeSpan.Zero, WarningDuration = TimeSpan.FromMinutes(-1) }
            .Validate(new SensorCatalog([])).Lines();
        Assert.Contains(errors, e => e.StartsWith("inactivity.activity_sensor_ids.0: unknown sensor 'ghost'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("inactivity.limit:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("inactivity.warning_duration:", StringComparison.Ordinal));
    }
}

public class FallAndHelpButtonRuleTests
{
    private static (RuleHarness, FallRule) Home(FallOptions? fall = null, DateTimeOffset? at = null)
    {
        var h = new RuleHarness(at ?? OsloTime(2026, 1, 15, 11, 0));
        var rule = new FallRule(fall ?? new FallOptions());
        h.Add(new HelpButtonRule(new HelpButtonOptions { LongPress = TimeSpan.FromSeconds(3) }, [rule]));
        h.Add(rule);
        return (h, rule);
    }

    [Fact]
    public void Help_button_raises_at_once_with_the_highest_priority_and_release_does_not_clear()
    {
        var (h, _) = Home();
        h.Button("cord", true);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.HelpButton, alarm.Kind);
        Assert.Equal(0, alarm.Priority);
        h.Button("cord", false);
        Assert.Empty(h.Cleared);
    }

    [Fact]
    public void An_uncancelled_fall_becomes_an_alarm_when_the_cancel_window_ends()
    {
        var (h, rule) = Home();
        h.Fall("wrist", 0.93, new Dictionary<string, string> { ["peakG"] = "3.1" });
        Assert.True(rule.WarningActive);
        h.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromSeconds(0.1));
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.Fall, alarm.Kind);
        Assert.Equal("wrist", alarm.SensorId);
        Assert.Equal("0.93", alarm.Data["confidence"]);
        Assert.Equal("3.1", alarm.Data["peakG"]);
        Assert.Equal("30", alarm.Data["preAlarmSeconds"]);
        Assert.False(rule.WarningActive);
    }

    [Fact]
    public void A_press_in_the_window_cancels_reports_an_info_event_and_raises_nothing()
    {
        var (h, rule) = Home();
        h.Fall("wrist", 0.9);
        h.Advance(TimeSpan.FromSeconds(10));
        h.Button("cord", true);
        h.Button("cord", false);
        h.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(h.Raised);
        var info = Assert.Single(h.Emitted);
        Assert.Equal(CareEventKind.FallCancelled, info.Kind);
        Assert.Equal("cord", info.Data["cancelledBy"]);
        Assert.False(rule.WarningActive);
    }

    [Fact]
    public void A_long_press_or_a_second_press_still_calls_help_after_cancelling()
    {
        var (h, _) = Home();
        h.Fall("wrist", 0.9);
        h.Button("cord", true);
        h.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("long", Assert.Single(h.Raised).Data["press"]);

        var (second, _) = Home();
        second.Fall("wrist", 0.9);
        second.Button("cord", true);
        second.Button("cord", false);
        second.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(second.Raised);
        second.Button("cord", true);
        Assert.Equal(CareEventKind.HelpButton, Assert.Single(second.Raised).Kind);
    }

    [Fact]
    public void Cancel_window_is_configurable_low_confidence_is_ignored_and_a_repeat_detection_joins()
    {
        var (h, rule) = Home(new FallOptions { CancelWindow = TimeSpan.FromSeconds(10), MinimumConfidence = 0.5 });
        h.Fall("wrist", 0.4);
        Assert.False(rule.WarningActive);
        h.Fall("wrist", 0.8);
        h.Advance(TimeSpan.FromSeconds(5));
        h.Fall("wrist", 0.9);
        h.Advance(TimeSpan.FromSeconds(5));
        var alarm = Assert.Single(h.Raised);
        Assert.Equal("2", alarm.Data["detections"]);
    }

    [Fact]
    public void The_cancel_window_is_real_time_across_a_wall_clock_jump_and_the_dst_change()
    {
        var (h, _) = Home(at: OsloTime(2026, 3, 29, 1, 59, 50));
        h.Fall("wrist", 0.9);
        h.Clock.Jump(TimeSpan.FromMinutes(-30));
        h.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(h.Raised);
    }

    [Fact]
    public void Bad_values_are_refused_naming_the_key()
    {
        Assert.Equal(
            ["fall.cancel_window: must not be negative (was -00:00:01)", "fall.minimum_confidence: must be between 0 and 1 (was 1.5)"],
            new FallOptions { CancelWindow = TimeSpan.FromSeconds(-1), MinimumConfidence = 1.5 }.Validate().Lines());
        Assert.Equal(["help_button.long_press: must be greater than zero (was 00:00:00)"], new HelpButtonOptions { LongPress = TimeSpan.Zero }.Validate().Lines());
    }
}

public class HomeRulesConfigTests
{
    private static HomeRulesConfig Valid => new()
    {
        Sensors =
        [
            new() { Id = "front-door", Kind = SensorKind.DoorContact },
            new() { Id = "bed", Kind = SensorKind.BedMat },
            new() { Id = "cord", Kind = SensorKind.HelpButton },
            new() { Id = "kitchen", Kind = SensorKind.FlowMeter },
        ],
        NightExit = new() { DoorSensorId = "front-door", IndoorSensorIds = ["bed"] },
        BedLeftAtNight = new() { BedSensorId = "bed" },
        DoorLeftOpen = new() { DoorSensorIds = ["front-door"] },
        TapLeftRunning = new() { FlowSensorIds = ["kitchen"] },
        Leak = new() { FlowSensorIds = ["kitchen"] },
        Inactivity = new() { ActivitySensorIds = ["front-door", "bed"] },
    };

    [Fact]
    public void A_valid_config_builds_every_rule_with_the_help_button_first()
    {
        Assert.Empty(Valid.Validate());
        var rules = Valid.BuildRules();
        Assert.Equal(
            ["help-button", "safety-devices", "fall", "night-exit", "bed-left-at-night", "door-left-open", "tap-left-running", "not-worn", "leak", "inactivity"],
            rules.Select(r => r.Name));
    }

    [Fact]
    public void Every_problem_is_listed_with_its_full_key_and_nothing_is_built()
    {
        var bad = Valid with
        {
            TimeZone = "Mars/Olympus",
            Sensors = [.. Valid.Sensors, new() { Id = "bed", Kind = SensorKind.ChairMat }],
            Night = new() { Start = new TimeOnly(23, 0), End = new TimeOnly(23, 0) },
            NightExit = new() { DoorSensorId = "back-door", GracePeriod = TimeSpan.FromMinutes(-3) },
            DoorLeftOpen = new() { DoorSensorIds = ["front-door"], NightLimit = TimeSpan.FromMinutes(-1) },
            Fall = new() { CancelWindow = TimeSpan.FromSeconds(-30) },
        };
        var errors = bad.Validate().Lines();
        string[] keys =
        [
            "rules.time_zone:",
            "rules.sensors.4.id: duplicate sensor id 'bed'",
            "rules.night.end: the window 23:00–23:00 has zero length",
            "rules.night_exit.door_sensor_id: unknown sensor 'back-door'",
            "rules.bed_left_at_night.bed_sensor_id: sensor 'bed' is a ChairMat, expected BedMat",
            "rules.night_exit.grace_period: must not be negative",
            "rules.door_left_open.night_limit: must not be negative",
            "rules.fall.cancel_window: must not be negative",
        ];
        foreach (var key in keys)
        {
            Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
        }

        Assert.Equal(keys.Length, errors.Count);
        var ex = Assert.Throws<ConfigurationException>(() => bad.BuildRules());
        Assert.Equal(errors, ex.Errors);
    }
}
