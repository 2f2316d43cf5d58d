using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.TestSupport;
using static EdgeGateway.Core.Tests.Rules.RuleHarness;

namespace EdgeGateway.Core.Tests.Rules;

public class TapLeftRunningRuleTests
{
    private static RuleHarness At(DateTimeOffset start)
    {
        var h = new RuleHarness(start);
        h.Add(new TapLeftRunningRule(new TapLeftRunningOptions { FlowSensorIds = ["kitchen"], Limit = TimeSpan.FromMinutes(20) }));
        return h;
    }

    [Fact]
    public void Continuous_flow_past_the_limit_raises_and_clears_when_it_stops()
    {
        var h = At(OsloTime(2026, 1, 15, 8, 0));
        h.Flow("kitchen", 6);
        for (var i = 0; i < 19; i++)
        {
            h.AdvanceMinutes(1);
            h.Flow("kitchen", 6 + (i % 3));
        }

        h.AdvanceMinutes(0.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.TapLeftRunning, alarm.Kind);
        h.AdvanceMinutes(30);
        Assert.Single(h.Raised);
        h.Flow("kitchen", 0);
        Assert.Equal((alarm.Id, ClearReason.ConditionEnded), Assert.Single(h.Cleared));
    }

    [Fact]
    public void A_break_in_the_flow_restarts_the_count_and_a_drip_never_counts()
    {
        var h = At(OsloTime(2026, 1, 15, 8, 0));
        h.Flow("kitchen", 6);
        h.AdvanceMinutes(15);
        h.Flow("kitchen", 0);
        h.Flow("kitchen", 6);
        h.AdvanceMinutes(15);
        Assert.Empty(h.Raised);
        h.Flow("kitchen", 0.2);
        h.AdvanceMinutes(120);
        Assert.Empty(h.Raised);
    }

    [Fact]
    public void The_limit_is_real_time_across_midnight_and_the_autumn_daylight_saving_change()
    {
        var h = At(new DateTimeOffset(2026, 10, 25, 0, 50, 0, TimeSpan.Zero));
        h.Flow("kitchen", 6);
        h.AdvanceMinutes(19.9);
        Assert.Empty(h.Raised);
        h.AdvanceMinutes(0.1);
        Assert.Single(h.Raised);
        Assert.Equal(new DateTime(2026, 10, 25, 2, 10, 0), h.Local);

        var midnight = At(OsloTime(2026, 1, 15, 23, 50));
        midnight.Flow("kitchen", 6);
        midnight.AdvanceMinutes(20);
        Assert.Single(midnight.Raised);
    }

    [Fact]
    public void Bad_values_are_refused_naming_the_key()
    {
        var errors = new TapLeftRunningOptions { FlowSensorIds = ["bath"], Limit = TimeSpan.FromMinutes(-1), MinimumFlowLitresPerMinute = 0 }
            .Validate(new SensorCatalog([new("bath", SensorKind.DoorContact)])).Lines();
        Assert.Contains("tap_left_running.flow_sensor_ids.0: sensor 'bath' is a DoorContact, expected FlowMeter", errors);
        Assert.Contains(errors, e => e.StartsWith("tap_left_running.limit:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("tap_left_running.minimum_flow_litres_per_minute:", StringComparison.Ordinal));
    }
}

public class LeakRuleTests
{
    private static readonly LeakOptions Options = new() { FlowSensorIds = ["main"], SlowLeakWindow = TimeSpan.FromHours(4), BurstFlowLitresPerMinute = 30 };

    private static (RuleHarness, RecordingValve) At(DateTimeOffset start, LeakOptions? options = null, bool valveFails = false)
    {
        var h = new RuleHarness(start);
        var valve = new RecordingValve(valveFails);
        h.Add(new LeakRule(options ?? Options, valve));
        return (h, valve);
    }

    [Fact]
    public void Flow_that_never_reaches_zero_over_the_window_is_a_slow_leak_cleared_when_it_does()
    {
        var (h, valve) = At(OsloTime(2026, 1, 15, 22, 0));
        h.Flow("main", 0.05);
        h.Advance(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromSeconds(1));
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.SlowLeak, alarm.Kind);
        Assert.False(alarm.Data.ContainsKey("valve"));
        Assert.False(valve.IsClosed);
        h.Flow("main", 0);
        Assert.Single(h.Cleared);
    }

    [Fact]
    public void One_zero_reading_inside_the_window_is_no_leak()
    {
        var (h, _) = At(OsloTime(2026, 3, 29, 0, 0));
        h.Flow("main", 3);
        h.Advance(TimeSpan.FromHours(3.9));
        h.Flow("main", 0);
        h.Flow("main", 3);
        h.Advance(TimeSpan.FromHours(3.9));
        Assert.Empty(h.Raised);
        h.Advance(TimeSpan.FromHours(0.1));
        Assert.Single(h.Raised);
    }

    [Fact]
    public void Flow_above_the_maximum_is_a_burst_at_once_and_clears_below_it_without_a_valve()
    {
        var (h, valve) = At(OsloTime(2026, 1, 15, 12, 0));
        h.Flow("main", 30);
        Assert.Empty(h.Raised);
        h.Flow("main", 45);
        var alarm = Assert.Single(h.Raised);
        Assert.Equal(CareEventKind.BurstLeak, alarm.Kind);
        Assert.Equal("45", alarm.Data["flowLpm"]);
        Assert.False(valve.IsClosed);
        h.Flow("main", 44);
        Assert.Single(h.Raised);
        h.Flow("main", 10);
        Assert.Single(h.Cleared);
    }

    [Fact]
    public void Burst_closes_the_valve_says_so_and_stays_raised_when_the_valve_stops_the_flow()
    {
        var (h, valve) = At(OsloTime(2026, 1, 15, 12, 0), Options with { CloseValveOnBurst = true });
        h.Flow("main", 60);
        var alarm = Assert.Single(h.Raised);
        Assert.True(valve.IsClosed);
        Assert.Equal("closed", alarm.Data["valve"]);
        Assert.Contains("water shut off", alarm.Message, StringComparison.Ordinal);
        h.Flow("main", 0);
        Assert.Empty(h.Cleared);
    }

    [Fact]
    public void A_valve_that_fails_to_close_does_not_stop_the_alarm_and_the_event_says_so()
    {
        var (h, _) = At(OsloTime(2026, 1, 15, 12, 0), Options with { CloseValveOnSlowLeak = true }, valveFails: true);
        h.Flow("main", 0.1);
        h.Advance(TimeSpan.FromHours(4));
        var alarm = Assert.Single(h.Raised);
        Assert.Equal("failed", alarm.Data["valve"]);
        Assert.Equal("relay stuck", alarm.Data["valveError"]);
    }

    [Fact]
    public void Bad_values_are_refused_naming_the_key_and_a_missing_valve_is_named()
    {
        var errors = (Options with { SlowLeakWindow = TimeSpan.Zero, BurstFlowLitresPerMinute = -1 }).Validate().Lines();
        Assert.Contains(errors, e => e.StartsWith("leak.slow_leak_window: must be greater than zero", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("leak.burst_flow_litres_per_minute:", StringComparison.Ordinal));
        var ex = Assert.Throws<ConfigurationException>(() => new LeakRule(Options with { CloseValveOnBurst = true }));
        Assert.Contains("leak.close_valve_on_burst: the home has no shut-off valve", ex.Errors);
    }

    private sealed class RecordingValve(bool fails) : IShutOffValve
    {
        public bool IsClosed { get; private set; }

        public void SetClosed(bool closed)
        {
            if (fails)
            {
                throw new IOException("relay stuck");
            }

            IsClosed = closed;
        }
    }
}
