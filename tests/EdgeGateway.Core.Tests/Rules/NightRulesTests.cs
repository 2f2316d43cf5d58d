using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.TestSupport;
using static EdgeGateway.Core.Tests.Rules.RuleHarness;

namespace EdgeGateway.Core.Tests.Rules;

public class NightExitRuleTests
{
    private static readonly NightExitOptions Plain = new() { DoorSensorId = "front-door", GracePeriod = TimeSpan.FromMinutes(3) };

    private static RuleHarness At(DateTimeOffset start, NightExitOptions? options = null, bool synced = true)
    {
        var h = new RuleHarness(start, synced);
        h.Add(new NightExitRule(options ?? Plain, Night));
        return h;
    }

    [Fact]
    public void A_peek_at_night_raises_nothing()
    {
        var h = At(OsloTime(2026, 1, 15, 0, 30));
        h.Door("front-door", true);
        h.AdvanceMinutes(1);
        h.Door("front-door", false);
        h.AdvanceMinutes(60);
        Assert.Empty(h.Raised);
    }

    [Fact]
    public void Door_open_past_the_grace_period_raises_exactly_then_and_clears_when_closed()
    {
        var h = At(OsloTime(2026, 1, 15, 0, 30));
        h.Door("front-door", true);
        h.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromMilliseconds(1));
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.NightExit, alarm.Kind);
        Assert.Equal("open", alarm.Data["door"]);

        h.Door("front-door", false);
        Assert.Equal((alarm.Id, ClearReason.ConditionEnded), Assert.Single(h.Cleared));
    }

    [Theory]
    [InlineData(22, 59, false)]
    [InlineData(23, 0, true)]
    [InlineData(23, 59, true)]
    [InlineData(5, 59, true)]
    [InlineData(6, 0, false)]
    public void Only_openings_inside_the_night_window_count(int hour, int minute, bool alarm)
    {
        var h = At(OsloTime(2026, 1, 15, hour, minute));
        h.Door("front-door", true);
        h.AdvanceMinutes(10);
        Assert.Equal(alarm, h.Raised.Count == 1);
    }

    [Fact]
    public void Grace_period_running_past_midnight_and_past_the_window_end_still_raises()
    {
        var h = At(OsloTime(2026, 1, 15, 5, 58));
        h.Door("front-door", true);
        h.AdvanceMinutes(3);
        Assert.Single(h.Raised);
        Assert.Equal(new TimeOnly(6, 1), TimeOnly.FromDateTime(h.Local));

        var m = At(OsloTime(2026, 1, 15, 23, 59));
        m.Door("front-door", true);
        m.AdvanceMinutes(3);
        Assert.Single(m.Raised);
        Assert.Equal(new DateTime(2026, 1, 16, 0, 2, 0), m.Local);
    }

    [Fact]
    public void With_indoor_sensors_a_closed_door_is_not_enough_the_resident_must_show_up_inside()
    {
        var options = Plain with { IndoorSensorIds = ["bed"], ReturnConfirmWindow = TimeSpan.FromMinutes(5) };

        // Peek: door closes, bed mat reports within the window → nothing.
        var peek = At(OsloTime(2026, 1, 15, 2, 0), options);
        peek.Door("front-door", true);
        peek.AdvanceMinutes(1);
        peek.Door("front-door", false);
        peek.AdvanceMinutes(2);
        peek.Mat("bed", true);
        peek.AdvanceMinutes(30);
        Assert.Empty(peek.Raised);

        // Out and closed behind: nobody inside within 5 min → alarm, cleared when the bed mat reports.
        var exit = At(OsloTime(2026, 1, 15, 2, 0), options);
        exit.Door("front-door", true);
        exit.AdvanceMinutes(1);
        exit.Door("front-door", false);
        exit.AdvanceMinutes(4.9);
        Assert.Empty(exit.Raised);
        exit.AdvanceMinutes(0.1);
        var alarm = Assert.Single(exit.Raised);
        Assert.Equal("closed", alarm.Data["door"]);
        exit.Mat("bed", true);
        Assert.Single(exit.Cleared);
    }

    [Fact]
    public void Window_follows_local_time_on_the_spring_daylight_saving_night()
    {
        // 2026-03-29: 02:00 → 03:00 in Oslo. 05:30 local is 03:30 UTC (inside), 06:30 local is 04:30 UTC (outside).
        var inside = At(new DateTimeOffset(2026, 3, 29, 3, 30, 0, TimeSpan.Zero));
        inside.Door("front-door", true);
        inside.AdvanceMinutes(3);
        Assert.Single(inside.Raised);

        var outside = At(new DateTimeOffset(2026, 3, 29, 4, 30, 0, TimeSpan.Zero));
        outside.Door("front-door", true);
        outside.AdvanceMinutes(30);
        Assert.Empty(outside.Raised);

        // Opened at 01:59 local: the grace period is 3 real minutes even though the wall clock skips an hour.
        var across = At(OsloTime(2026, 3, 29, 1, 59));
        across.Door("front-door", true);
        across.AdvanceMinutes(2.9);
        Assert.Empty(across.Raised);
        across.AdvanceMinutes(0.1);
        Assert.Single(across.Raised);
        Assert.Equal(new DateTime(2026, 3, 29, 3, 2, 0), across.Local);
    }

    [Fact]
    public void Grace_period_is_real_time_on_the_autumn_night_when_02_00_to_03_00_happens_twice()
    {
        // 2026-10-25: 03:00 CEST → 02:00 CET. 00:58 UTC is 02:58 CEST; three minutes later it is 02:01 CET.
        var h = At(new DateTimeOffset(2026, 10, 25, 0, 58, 0, TimeSpan.Zero));
        h.Door("front-door", true);
        h.AdvanceMinutes(2.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        Assert.Single(h.Raised);
        Assert.Equal(new DateTime(2026, 10, 25, 2, 1, 0), h.Local);
    }

    [Fact]
    public void A_wall_clock_jump_during_the_grace_period_neither_shortens_nor_stretches_it()
    {
        var h = At(OsloTime(2026, 1, 15, 1, 0));
        h.Door("front-door", true);
        h.Clock.Jump(TimeSpan.FromHours(6));
        h.AdvanceMinutes(2.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        Assert.Single(h.Raised);

        // Backwards jump into the night window: the opening is judged by the wall time it happens at.
        var back = At(OsloTime(2026, 1, 15, 12, 0));
        back.Clock.Jump(TimeSpan.FromHours(-11));
        back.Door("front-door", true);
        back.AdvanceMinutes(3);
        Assert.Single(back.Raised);
    }

    [Fact]
    public void An_unsynchronised_clock_counts_as_night_because_a_missed_exit_costs_more_than_a_call()
    {
        var h = At(new DateTimeOffset(1970, 1, 1, 12, 0, 0, TimeSpan.Zero), synced: false);
        h.Door("front-door", true);
        h.AdvanceMinutes(3);
        Assert.Single(h.Raised);
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_key()
    {
        var sensors = new SensorCatalog([new("front-door", SensorKind.DoorContact), new("bed", SensorKind.BedMat)]);
        var errors = new NightExitOptions { DoorSensorId = "back-door", GracePeriod = TimeSpan.FromMinutes(-1), IndoorSensorIds = ["bed", "hall"] }.Validate(sensors).Lines();
        Assert.Contains(errors, e => e.StartsWith("night_exit.door_sensor_id: unknown sensor 'back-door'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("night_exit.grace_period: must not be negative", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("night_exit.indoor_sensor_ids.1: unknown sensor 'hall'", StringComparison.Ordinal));
        Assert.Equal(3, errors.Count);

        var wrongKind = new NightExitOptions { DoorSensorId = "bed" }.Validate(sensors).Lines();
        Assert.Contains("night_exit.door_sensor_id: sensor 'bed' is a BedMat, expected DoorContact", wrongKind);

        var ex = Assert.Throws<ConfigurationException>(() => new NightExitRule(Plain with { GracePeriod = TimeSpan.FromSeconds(-5) }, Night));
        Assert.Contains("night_exit.grace_period", ex.Message, StringComparison.Ordinal);
    }
}

public class BedLeftAtNightRuleTests
{
    private static RuleHarness At(DateTimeOffset start)
    {
        var h = new RuleHarness(start);
        h.Add(new BedLeftAtNightRule(new BedLeftAtNightOptions { BedSensorId = "bed", ReturnWithin = TimeSpan.FromMinutes(30) }, Night));
        return h;
    }

    [Fact]
    public void Back_in_bed_within_the_limit_raises_nothing()
    {
        var h = At(OsloTime(2026, 1, 15, 2, 0));
        h.Mat("bed", false);
        h.AdvanceMinutes(20);
        h.Mat("bed", true);
        h.AdvanceMinutes(60);
        Assert.Empty(h.Raised);
    }

    [Fact]
    public void Not_back_within_the_limit_raises_and_clears_on_return()
    {
        var h = At(OsloTime(2026, 1, 15, 2, 0));
        h.Mat("bed", false);
        h.AdvanceMinutes(29.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.BedLeftAtNight, alarm.Kind);
        h.Mat("bed", true);
        Assert.Equal((alarm.Id, ClearReason.ConditionEnded), Assert.Single(h.Cleared));
    }

    [Fact]
    public void Leaving_by_day_raises_nothing_even_if_the_night_begins_while_away()
    {
        var h = At(OsloTime(2026, 1, 15, 22, 50));
        h.Mat("bed", false);
        h.AdvanceMinutes(120);
        Assert.Empty(h.Raised);
    }

    [Fact]
    public void The_limit_is_real_time_across_the_spring_daylight_saving_change()
    {
        var h = At(OsloTime(2026, 3, 29, 1, 50));
        h.Mat("bed", false);
        h.AdvanceMinutes(30);
        Assert.Single(h.Raised);
        Assert.Equal(new DateTime(2026, 3, 29, 3, 20, 0), h.Local);
    }

    [Fact]
    public void Negative_limit_and_unknown_bed_are_refused_naming_the_key()
    {
        var errors = new BedLeftAtNightOptions { BedSensorId = "bed-2", ReturnWithin = TimeSpan.FromMinutes(-1) }
            .Validate(new SensorCatalog([new("bed", SensorKind.BedMat)])).Lines();
        Assert.Contains(errors, e => e.StartsWith("bed_left_at_night.bed_sensor_id: unknown sensor 'bed-2'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bed_left_at_night.return_within: must not be negative", StringComparison.Ordinal));
    }
}

public class DoorLeftOpenRuleTests
{
    private static RuleHarness At(DateTimeOffset start)
    {
        var h = new RuleHarness(start);
        h.Add(new DoorLeftOpenRule(
            new DoorLeftOpenOptions { DoorSensorIds = ["front-door", "balcony"], DayLimit = TimeSpan.FromMinutes(30), NightLimit = TimeSpan.FromMinutes(10) },
            Night));
        return h;
    }

    [Fact]
    public void By_day_the_day_limit_applies_and_closing_clears()
    {
        var h = At(OsloTime(2026, 6, 10, 12, 0));
        h.Door("front-door", true);
        h.AdvanceMinutes(29.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.DoorLeftOpen, alarm.Kind);
        Assert.Equal("day", alarm.Data["limit"]);
        h.Door("front-door", false);
        Assert.Equal((alarm.Id, ClearReason.ConditionEnded), Assert.Single(h.Cleared));
    }

    [Fact]
    public void At_night_the_night_limit_applies()
    {
        var h = At(OsloTime(2026, 6, 10, 23, 55));
        h.Door("balcony", true);
        h.AdvanceMinutes(10);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal("balcony", alarm.SensorId);
        Assert.Equal("night", alarm.Data["limit"]);
    }

    [Fact]
    public void A_door_open_by_day_is_held_to_the_night_limit_once_the_night_begins()
    {
        var h = At(OsloTime(2026, 6, 10, 22, 40));
        h.Door("front-door", true);
        h.AdvanceMinutes(19.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(DoorLeftOpenRule.RecheckInterval.TotalMinutes + 0.1);
        Assert.Single(h.Raised);
    }

    [Fact]
    public void A_door_open_at_night_is_held_to_the_day_limit_once_the_day_begins()
    {
        var h = At(OsloTime(2026, 6, 10, 5, 55));
        h.Door("front-door", true);
        h.AdvanceMinutes(29.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        Assert.Single(h.Raised);
    }

    [Fact]
    public void Open_time_is_real_time_across_daylight_saving_and_wall_clock_jumps()
    {
        var autumn = At(new DateTimeOffset(2026, 10, 25, 0, 55, 0, TimeSpan.Zero));
        autumn.Door("front-door", true);
        autumn.AdvanceMinutes(9.9);
        Assert.Empty(autumn.Raised);
        autumn.AdvanceMinutes(0.1);
        Assert.Single(autumn.Raised);

        var jump = At(OsloTime(2026, 6, 10, 12, 0));
        jump.Door("front-door", true);
        jump.Clock.Jump(TimeSpan.FromHours(3));
        jump.AdvanceMinutes(29.9);
        Assert.Empty(jump.Raised);
        jump.AdvanceMinutes(0.1);
        Assert.Single(jump.Raised);
    }

    [Fact]
    public void Negative_limits_unknown_doors_and_an_empty_list_are_refused_naming_the_key()
    {
        var sensors = new SensorCatalog([new("front-door", SensorKind.DoorContact)]);
        var errors = new DoorLeftOpenOptions { DoorSensorIds = ["front-door", "cellar"], DayLimit = TimeSpan.FromMinutes(-1), NightLimit = TimeSpan.FromMinutes(-2) }.Validate(sensors).Lines();
        Assert.Equal(
            ["door_left_open.door_sensor_ids.1: unknown sensor 'cellar' (not in the home's sensor list)",
             "door_left_open.day_limit: must not be negative (was -00:01:00)",
             "door_left_open.night_limit: must not be negative (was -00:02:00)"],
            errors);
        Assert.Equal(["door_left_open.door_sensor_ids: at least one sensor id is required"], new DoorLeftOpenOptions().Validate().Lines());
    }
}
