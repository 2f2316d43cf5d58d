using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using static EdgeGateway.Core.Tests.Rules.RuleHarness;

namespace EdgeGateway.Core.Tests.Rules;

public class LongLieTests
{
    private static (RuleHarness, FallRule) Home(FallOptions? fall = null)
    {
        var h = new RuleHarness(OsloTime(2026, 1, 15, 11, 0));
        var rule = new FallRule(fall ?? new FallOptions());
        h.Add(new HelpButtonRule(new HelpButtonOptions(), [rule]));
        h.Add(rule);
        return (h, rule);
    }

    private static void Posture(RuleHarness h, string id, bool upright) =>
        h.Post(SensorReading.Contact(id, SensorKind.WearerPosture, upright, h.Now));

    [Fact]
    public void Still_down_when_the_long_lie_time_has_passed_raises_a_long_lie_then_getting_up_is_reported()
    {
        var (h, rule) = Home();
        Posture(h, "pendant", true);
        h.Fall("pendant", 0.9);
        h.Advance(TimeSpan.FromSeconds(3));
        Posture(h, "pendant", false);
        h.Advance(TimeSpan.FromSeconds(27));
        var fall = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.Fall, fall.Kind);
        Assert.True(rule.WatchingLongLie);

        h.Advance(TimeSpan.FromSeconds(269));
        Assert.Single(h.Raised);
        h.Advance(TimeSpan.FromSeconds(1));
        var longLie = h.Raised[1];
        Assert.Equal(CareEventKind.LongLie, longLie.Kind);
        Assert.Equal("pendant", longLie.SensorId);
        Assert.Equal(0, longLie.Priority);
        Assert.True(longLie.Priority < fall.Priority, "a long lie raises the fall's priority at the centre");
        Assert.Equal("300", longLie.Data["downSeconds"]);
        Assert.Equal(ScaipCodes.Device.FallDetector, CareEventCatalog.Get(longLie.Kind).ScaipDevice);
        var fallAlarmId = longLie.Data["fallAlarmId"];
        Assert.Equal(fall.Id.ToString(), fallAlarmId);

        h.Advance(TimeSpan.FromMinutes(10));
        Posture(h, "pendant", true);
        var up = Assert.Single(h.Emitted);
        Assert.Equal(CareEventKind.FallGotUp, up.Kind);
        Assert.Equal("true", up.Data["longLie"]);
        Assert.Equal(fallAlarmId, up.Data["fallAlarmId"]);
        Assert.Equal("900", up.Data["downSeconds"]);
        Assert.False(rule.WatchingLongLie);
        Assert.Equal(2, h.Raised.Count);
    }

    [Fact]
    public void Getting_up_before_the_long_lie_time_is_reported_and_no_long_lie_follows()
    {
        var (h, rule) = Home();
        Posture(h, "pendant", true);
        h.Fall("pendant", 0.9);
        Posture(h, "pendant", false);
        h.Advance(TimeSpan.FromMinutes(2));
        Posture(h, "pendant", true);

        var up = Assert.Single(h.Emitted);
        Assert.Equal(CareEventKind.FallGotUp, up.Kind);
        Assert.Equal("false", up.Data["longLie"]);
        h.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([CareEventKind.Fall], h.Raised.Select(e => e.Kind));
        Assert.False(rule.WatchingLongLie);
    }

    [Fact]
    public void Up_again_during_the_pre_alarm_is_reported_right_after_the_fall_alarm()
    {
        var (h, _) = Home();
        Posture(h, "pendant", false);
        h.Fall("pendant", 0.9);
        h.Advance(TimeSpan.FromSeconds(15));
        Posture(h, "pendant", true);
        h.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(CareEventKind.Fall, Assert.Single(h.Raised).Kind);
        Assert.Equal(CareEventKind.FallGotUp, Assert.Single(h.Emitted).Kind);
        h.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(h.Raised);
    }

    [Fact]
    public void A_wearer_never_seen_down_is_reported_up_at_the_long_lie_check()
    {
        // The detector alarmed but the monitor never saw five seconds down: up at once, so no long lie.
        var (h, _) = Home();
        Posture(h, "pendant", true);
        h.Fall("pendant", 0.9);
        h.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal([CareEventKind.Fall], h.Raised.Select(e => e.Kind));
        Assert.Equal(CareEventKind.FallGotUp, Assert.Single(h.Emitted).Kind);
    }

    [Fact]
    public void No_long_lie_without_posture_readings_after_a_cancel_or_when_switched_off()
    {
        var (silent, _) = Home();
        silent.Fall("radar", 0.9);
        silent.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([CareEventKind.Fall], silent.Raised.Select(e => e.Kind));

        var (cancelled, _) = Home();
        Posture(cancelled, "pendant", false);
        cancelled.Fall("pendant", 0.9);
        cancelled.Button("cord", true);
        cancelled.Button("cord", false);
        cancelled.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(cancelled.Raised);

        var (off, _) = Home(new FallOptions { LongLieAfter = TimeSpan.Zero });
        Posture(off, "pendant", false);
        off.Fall("pendant", 0.9);
        off.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([CareEventKind.Fall], off.Raised.Select(e => e.Kind));
    }

    [Fact]
    public void A_fall_alarm_reset_on_site_before_the_long_lie_time_ends_the_watch_silently()
    {
        var (h, rule) = Home();
        Posture(h, "pendant", false);
        h.Fall("pendant", 0.9);
        h.Advance(TimeSpan.FromSeconds(30));
        var fall = Assert.Single(h.Raised);
        h.Advance(TimeSpan.FromMinutes(3));
        h.ClearAlarm(fall.Id, ClearReason.LocalReset);

        h.Advance(TimeSpan.FromMinutes(5));
        Posture(h, "pendant", true);
        Assert.Single(h.Raised);
        Assert.Empty(h.Emitted);
        Assert.False(rule.WatchingLongLie);
    }

    [Fact]
    public void The_long_lie_time_is_configurable_and_must_outlast_the_cancel_window()
    {
        var (h, _) = Home(new FallOptions { LongLieAfter = TimeSpan.FromMinutes(2) });
        Posture(h, "pendant", false);
        h.Fall("pendant", 0.9);
        h.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([CareEventKind.Fall, CareEventKind.LongLie], h.Raised.Select(e => e.Kind));

        Assert.Equal(
            ["fall.long_lie_after: must be longer than cancel_window (00:00:30) or zero for off (was 00:00:20)"],
            new FallOptions { LongLieAfter = TimeSpan.FromSeconds(20) }.Validate().Select(i => i.ToString()));
        Assert.Equal(["fall.long_lie_after: must not be negative (was -00:01:00)"], new FallOptions { LongLieAfter = TimeSpan.FromMinutes(-1) }.Validate().Select(i => i.ToString()));
    }
}

public class NotWornTests
{
    private static (RuleHarness, NotWornRule) Home(DateTimeOffset at, NotWornOptions? options = null)
    {
        var h = new RuleHarness(at);
        var rule = h.Add(new NotWornRule(options ?? new NotWornOptions(), Day));
        return (h, rule);
    }

    private static void Worn(RuleHarness h, string id, bool worn) =>
        h.Post(SensorReading.Contact(id, SensorKind.WearableWorn, worn, h.Now));

    [Fact]
    public void Lifeless_for_the_period_in_the_day_is_reported_not_worn_and_worn_again_when_it_moves()
    {
        var (h, rule) = Home(OsloTime(2026, 1, 15, 11, 0));
        Worn(h, "pendant", false);
        h.AdvanceMinutes(29.9);
        Assert.Empty(h.Emitted);
        h.AdvanceMinutes(0.1);
        var notWorn = Assert.Single(h.Emitted);
        Assert.Equal(CareEventKind.WearableNotWorn, notWorn.Kind);
        Assert.Equal(EventClass.Technical, notWorn.Class);
        Assert.Equal("pendant", notWorn.SensorId);
        Assert.Equal("30", notWorn.Data["lifelessMinutes"]);
        Assert.True(rule.IsReportedNotWorn("pendant"));

        h.AdvanceMinutes(60);
        Assert.Single(h.Emitted);
        Worn(h, "pendant", true);
        Assert.Equal(CareEventKind.WearableWorn, h.Emitted[1].Kind);
        Assert.False(rule.IsReportedNotWorn("pendant"));
        Assert.Empty(h.Raised);
    }

    [Fact]
    public void Moving_again_before_the_period_reports_nothing()
    {
        var (h, _) = Home(OsloTime(2026, 1, 15, 11, 0));
        Worn(h, "pendant", false);
        h.AdvanceMinutes(20);
        Worn(h, "pendant", true);
        h.AdvanceMinutes(60);
        Assert.Empty(h.Emitted);
    }

    [Fact]
    public void Taken_off_for_the_night_it_is_reported_when_the_day_starts_not_during_the_night()
    {
        var (h, _) = Home(OsloTime(2026, 1, 15, 21, 50));
        Worn(h, "pendant", false);
        h.AdvanceMinutes(60);
        Assert.Empty(h.Emitted);
        while (h.Local < new DateTime(2026, 1, 16, 7, 0, 0))
        {
            Assert.Empty(h.Emitted);
            h.AdvanceMinutes(1);
        }

        h.AdvanceMinutes(1);
        var notWorn = Assert.Single(h.Emitted);
        Assert.Equal(CareEventKind.WearableNotWorn, notWorn.Kind);
        Assert.Equal(7, h.Local.Hour);
    }

    [Fact]
    public void Bad_values_are_refused_naming_the_key()
    {
        Assert.Equal(
            ["not_worn.after: must be greater than zero (was 00:00:00)", "not_worn.check_interval: must be greater than zero (was -00:00:01)"],
            new NotWornOptions { After = TimeSpan.Zero, CheckInterval = TimeSpan.FromSeconds(-1) }.Validate().Select(i => i.ToString()));
    }
}

public class WearableReadingsAndInactivityTests
{
    [Fact]
    public void A_wearable_found_lifeless_is_no_activity_but_its_wearer_standing_up_is()
    {
        var (h, rule, quiet) = QuietForTwoHours();

        h.Post(SensorReading.Contact("pendant", SensorKind.WearableWorn, false, h.Now));
        Assert.Equal(quiet, rule.QuietTime);

        h.Post(SensorReading.Contact("pendant", SensorKind.WearerPosture, true, h.Now));
        Assert.Equal(TimeSpan.Zero, rule.QuietTime);
    }
}
