using EdgeGateway.Configuration;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Configuration;

/// <summary>The uplink's spread of routine reports after an outage (issue 33): defaults, bounds, and every bad value named at its key.</summary>
public sealed class RoutineSpreadConfigTests
{
    [Fact]
    public void Without_the_keys_routine_reports_spread_over_ten_minutes_after_an_outage_of_a_minute()
    {
        var config = GatewayConfig.Parse("""{ "gateway_id": "home-1", "simulated": true }""", "config");

        Assert.Equal(600, config.Uplink.RoutineSpreadSeconds);
        Assert.Equal(60, config.Uplink.OutageThresholdSeconds);
        Assert.DoesNotContain(config.Validate().Lines(), l => l.StartsWith("uplink.routine_spread_seconds", StringComparison.Ordinal) || l.StartsWith("uplink.outage_threshold_seconds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(14_400, 3600)]
    public void The_bounds_are_accepted(int spread, int threshold)
    {
        var config = GatewayConfig.Parse(
            $$"""{ "gateway_id": "home-1", "simulated": true, "uplink": { "routine_spread_seconds": {{spread}}, "outage_threshold_seconds": {{threshold}} } }""",
            "config");

        Assert.Equal(spread, config.Uplink.RoutineSpreadSeconds);
        Assert.DoesNotContain(config.Validate().Lines(), l => l.StartsWith("uplink.routine_spread_seconds", StringComparison.Ordinal) || l.StartsWith("uplink.outage_threshold_seconds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(14_401, 3601)]
    public void Each_bad_value_is_named_at_its_key(int spread, int threshold)
    {
        var config = GatewayConfig.Parse(
            $$"""{ "gateway_id": "home-1", "simulated": true, "uplink": { "routine_spread_seconds": {{spread}}, "outage_threshold_seconds": {{threshold}} } }""",
            "config");

        var lines = config.Validate().Lines();

        Assert.Contains(lines, l => l.StartsWith($"uplink.routine_spread_seconds: {spread} is out of range; expected 0–14400", StringComparison.Ordinal));
        Assert.Contains($"uplink.outage_threshold_seconds: {threshold} is out of range; expected 5–3600", lines);
    }

    [Fact]
    public void A_misspelt_key_is_refused_naming_the_right_one()
    {
        var ex = Assert.Throws<EdgeGateway.Core.Configuration.ConfigurationException>(() =>
            GatewayConfig.Parse("""{ "gateway_id": "home-1", "uplink": { "routine_spread": 600 } }""", "config"));

        Assert.Contains(ex.Errors, e => e.Contains("unknown key 'routine_spread'", StringComparison.Ordinal) && e.Contains("routine_spread_seconds", StringComparison.Ordinal));
    }
}
