using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.TestSupport;
using static EdgeGateway.Core.Tests.Rules.RuleHarness;

namespace EdgeGateway.Core.Tests.Rules;

public class BathroomTooLongRuleTests
{
    private static RuleHarness At(DateTimeOffset start)
    {
        var h = new RuleHarness(start);
        h.Add(new BathroomTooLongRule(new BathroomTooLongOptions { BathroomSensorIds = ["bathroom-pir", "bathroom-door"] }, Night));
        return h;
    }

    private static void Motion(RuleHarness h, string id, bool active = true) =>
        h.Post(SensorReading.Contact(id, SensorKind.Motion, active, h.Now));

    [Fact]
    public void By_day_ninety_minutes_in_the_bathroom_raise_the_alarm_and_motion_elsewhere_clears_it()
    {
        var h = At(OsloTime(2026, 1, 15, 14, 0));
        Motion(h, "bathroom-pir");
        h.Advance(TimeSpan.FromMinutes(30));
        Motion(h, "bathroom-pir", active: false);
        Motion(h, "bathroom-pir");
        h.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(h.Raised);

        h.Advance(TimeSpan.FromMinutes(1));
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.BathroomTooLong, alarm.Kind);
        Assert.Equal("day", alarm.Data["limit"]);
        Assert.Equal(new DateTime(2026, 1, 15, 15, 30, 0), h.Local);

        Motion(h, "hall-pir");
        Assert.Equal((alarm.Id, ClearReason.ConditionEnded), Assert.Single(h.Cleared));
    }

    [Fact]
    public void A_visit_that_starts_by_day_meets_the_night_limit_when_the_night_begins_and_runs_across_midnight()
    {
        // In at 22:50 (day limit 90 min): the night starts at 23:00 and its 45 min limit is reached at 23:35.
        var h = At(OsloTime(2026, 1, 15, 22, 50));
        Motion(h, "bathroom-pir");
        h.Advance(TimeSpan.FromMinutes(44));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("night", Assert.Single(h.Raised).Data["limit"]);
        Motion(h, "kitchen-pir");

        // In at 23:40: 45 minutes later is past midnight, 00:25 the next day.
        h.Advance(TimeSpan.FromMinutes(5));
        Motion(h, "bathroom-pir");
        h.Advance(TimeSpan.FromMinutes(44));
        Assert.Single(h.Raised);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, h.Raised.Count);
        Assert.Equal(new DateTime(2026, 1, 16, 0, 25, 0), h.Local);
    }

    [Theory]
    [InlineData("2026-03-29T00:50:00Z", "2026-03-29T03:35:00")] // spring: 01:50 CET, the clock jumps 02:00 → 03:00
    [InlineData("2026-10-25T00:40:00Z", "2026-10-25T02:25:00")] // autumn: 02:40 CEST, the clock falls back 03:00 → 02:00
    public void The_limit_is_real_time_across_the_daylight_saving_change(string entered, string expectedLocal)
    {
        var h = At(DateTimeOffset.Parse(entered, System.Globalization.CultureInfo.InvariantCulture));
        Motion(h, "bathroom-pir");
        h.Advance(TimeSpan.FromMinutes(44));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("night", Assert.Single(h.Raised).Data["limit"]);
        Assert.Equal(DateTime.Parse(expectedLocal, System.Globalization.CultureInfo.InvariantCulture), h.Local);
    }

    [Fact]
    public void The_bathroom_door_starts_a_visit_when_it_moves_but_not_with_its_state_at_start_up()
    {
        var h = At(OsloTime(2026, 1, 15, 14, 0));
        h.Door("bathroom-door", false);
        h.Advance(TimeSpan.FromMinutes(120));
        Assert.Empty(h.Raised);

        h.Door("bathroom-door", true);
        h.Door("bathroom-door", false);
        h.Advance(TimeSpan.FromMinutes(60));
        h.Door("bathroom-door", true);
        h.Advance(TimeSpan.FromMinutes(30));
        Assert.Single(h.RaisedOf(CareEventKind.BathroomTooLong));

        // Sitting down in the living room is leaving the bathroom.
        h.Post(SensorReading.Contact("chair", SensorKind.ChairMat, true, h.Now));
        Assert.Single(h.Cleared);
    }

    [Fact]
    public void A_help_button_or_a_zero_limit_is_refused_naming_the_key()
    {
        var errors = new BathroomTooLongOptions { BathroomSensorIds = ["cord"], NightLimit = TimeSpan.Zero }
            .Validate(new SensorCatalog([new("cord", SensorKind.HelpButton)])).Lines();
        Assert.Contains(errors, e => e.StartsWith("bathroom_too_long.bathroom_sensor_ids.0: sensor 'cord' is a HelpButton, expected Motion or DoorContact", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bathroom_too_long.night_limit: must be greater than zero", StringComparison.Ordinal));
        Assert.Contains(new BathroomTooLongOptions().Validate().Lines(), e => e.StartsWith("bathroom_too_long.bathroom_sensor_ids: at least one sensor id is required", StringComparison.Ordinal));
    }
}

public class MotionAndInactivityTests
{
    [Fact]
    public void Pir_motion_is_activity_but_its_hold_time_running_out_and_the_safety_devices_outputs_are_not()
    {
        var (h, rule, quiet) = QuietForTwoHours();

        h.Post(SensorReading.Contact("hall-pir", SensorKind.Motion, false, h.Now));
        h.Post(SensorReading.Contact("kitchen-smoke", SensorKind.SmokeDetector, true, h.Now));
        h.Post(SensorReading.Contact("pills", SensorKind.MedicationDispenser, true, h.Now));
        h.Post(SensorReading.Contact("stove", SensorKind.StoveGuard, true, h.Now));
        h.Post(SensorReading.Contact("stove-fault", SensorKind.StoveGuardFault, true, h.Now));
        Assert.Equal(quiet, rule.QuietTime);

        h.Post(SensorReading.Contact("hall-pir", SensorKind.Motion, true, h.Now));
        Assert.Equal(TimeSpan.Zero, rule.QuietTime);
    }
}
