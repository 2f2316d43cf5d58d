using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Rules;

namespace EdgeGateway.Core.Tests.Configuration;

public sealed class ConfigKeyTests
{
    [Fact]
    public void A_key_built_from_property_names_renders_as_the_file_spells_it()
    {
        var key = ConfigKey.Of("rules").Field(nameof(HomeRulesConfig.NightExit)).Field(nameof(NightExitOptions.GracePeriod));
        Assert.Equal("rules.night_exit.grace_period", key.ToString());
        Assert.Equal(["rules", "night_exit", "grace_period"], key.Segments);

        var pin = ConfigKey.Of("devices").Field("Contacts").Then(0).Field("Pin");
        Assert.Equal("devices.contacts.0.pin", pin.ToString());
        Assert.Equal("devices.flow_meters.0.pulses_per_litre", ConfigKey.Of("devices").Field("FlowMeters").Then(0).Field("PulsesPerLitre").ToString());
        Assert.Equal("devices.accelerometers.1.sample_rate_hz", ConfigKey.Of("devices").Field("Accelerometers").Then(1).Field("SampleRateHz").ToString());
    }

    [Fact]
    public void The_root_renders_empty_and_parse_gives_back_the_same_key()
    {
        Assert.Equal("", ConfigKey.Root.ToString());
        Assert.True(ConfigKey.Root.IsRoot);
        Assert.Same(ConfigKey.Root, ConfigKey.Parse(""));

        var key = ConfigKey.Parse("devices.contacts.0.pin");
        Assert.Equal(ConfigKey.Of("devices", "contacts", "0", "pin"), key);
        Assert.Equal(ConfigKey.Of("devices").Field("Contacts").Then(0).Field("Pin").GetHashCode(), key.GetHashCode());
        Assert.True(key == ConfigKey.Parse("devices.contacts.0.pin"));
        Assert.NotEqual(ConfigKey.Parse("devices.contacts.1.pin"), key);
    }

    [Fact]
    public void Within_and_parent_follow_the_segments_not_the_text()
    {
        var pin = ConfigKey.Parse("devices.contacts.1.pin");
        Assert.True(pin.IsWithin(ConfigKey.Parse("devices.contacts.1")));
        Assert.True(pin.IsWithin(pin));
        Assert.True(pin.IsWithin(ConfigKey.Root));

        // "devices.contacts.10" starts with the text "devices.contacts.1" but is another item.
        Assert.False(ConfigKey.Parse("devices.contacts.10.pin").IsWithin(ConfigKey.Parse("devices.contacts.1")));
        Assert.Equal(ConfigKey.Parse("devices.contacts.1"), pin.Parent);
        Assert.Same(ConfigKey.Root, ConfigKey.Of("devices").Parent);
    }
}

public sealed class ConfigIssueTests
{
    [Fact]
    public void An_issue_renders_key_and_problem_once_and_line_and_column_when_known()
    {
        var issue = new ConfigIssue(ConfigKey.Parse("rules.night_exit.grace_period"), "must not be negative (was -00:03:00)");
        Assert.Equal("rules.night_exit.grace_period: must not be negative (was -00:03:00)", issue.ToString());
        Assert.Equal("rules.night_exit.grace_period", issue.Path);
        Assert.Equal("line 12, column 7: rules.night_exit.grace_period: must not be negative (was -00:03:00)", (issue with { Line = 12, Column = 7 }).ToString());
        Assert.Equal("line 3, column 1: not valid JSON: oops", new ConfigIssue(ConfigKey.Root, "not valid JSON: oops") { Line = 3 }.ToString());
    }

    [Fact]
    public void A_problem_naming_another_key_keeps_that_key_structured()
    {
        var first = ConfigKey.Parse("devices.contacts.0.pin");
        var issue = ConfigIssue.Naming(ConfigKey.Parse("devices.flow_meters.0.pin"), first, other => $"GPIO 17 is already used by {other}");
        Assert.Equal("devices.flow_meters.0.pin: GPIO 17 is already used by devices.contacts.0.pin", issue.ToString());
        Assert.Equal(first, issue.Other);
        Assert.Null(new ConfigIssue(first, "missing").Other);
    }
}

public sealed class ConfigurationExceptionTests
{
    private static readonly ConfigIssue Grace = new(ConfigKey.Parse("rules.night_exit.grace_period"), "must not be negative (was -00:03:00)") { Line = 9, Column = 5 };
    private static readonly ConfigIssue Led = new(ConfigKey.Parse("devices.outputs.led_pin"), "missing");

    [Fact]
    public void The_message_lists_every_issue_once_each_on_its_line_with_the_origin()
    {
        var ex = new ConfigurationException([Grace, Led], "/etc/edgegateway/config.json");
        Assert.Equal(
            "invalid configuration:\n  /etc/edgegateway/config.json: line 9, column 5: rules.night_exit.grace_period: must not be negative (was -00:03:00)\n  /etc/edgegateway/config.json: devices.outputs.led_pin: missing",
            ex.Message);
        Assert.Equal(
            ["/etc/edgegateway/config.json: line 9, column 5: rules.night_exit.grace_period: must not be negative (was -00:03:00)", "/etc/edgegateway/config.json: devices.outputs.led_pin: missing"],
            ex.Errors);
        Assert.Equal([Grace, Led], ex.Issues);
        Assert.Equal("/etc/edgegateway/config.json", ex.Origin);
    }

    [Fact]
    public void Without_an_origin_the_lines_are_the_issues()
    {
        var ex = new ConfigurationException([Led]);
        Assert.Equal("invalid configuration:\n  devices.outputs.led_pin: missing", ex.Message);
        Assert.Equal(["devices.outputs.led_pin: missing"], ex.Errors);
        Assert.Null(ex.Origin);
    }

    [Fact]
    public void Throw_if_any_throws_only_for_issues_and_carries_all_of_them()
    {
        ConfigurationException.ThrowIfAny([]);
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationException.ThrowIfAny([Grace, Led]));
        Assert.Equal([Grace, Led], ex.Issues);
    }

    [Fact]
    public void A_rule_refuses_bad_options_with_the_same_issues_its_validator_lists()
    {
        var options = new HelpButtonOptions { LongPress = TimeSpan.Zero };
        var ex = Assert.Throws<ConfigurationException>(() => new HelpButtonRule(options, []));
        Assert.Equal(options.Validate(), ex.Issues);
        Assert.Equal(ConfigKey.Parse("help_button.long_press"), Assert.Single(ex.Issues).Key);
    }
}
