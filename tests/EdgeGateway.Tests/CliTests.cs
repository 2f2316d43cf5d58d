using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests;

[Trait("Category", "Integration")]
public class CliTests
{
    [Fact]
    public async Task Version_prints_version_and_commit()
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^edgegateway \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}|unknown\)", result.StdOut.Trim());
    }

    [Fact]
    public async Task Headless_demo_plays_a_day_in_the_life_end_to_end_and_exits_0()
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(180), "demo", "--headless", "--speed", "120");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        bool Has(string category, string text) => lines.Any(l => l.Contains(category, StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));

        // The peek: the door opens and closes, and exactly one night-exit alarm goes out all night (the real exit).
        Assert.True(lines.Count(l => l.Contains("sensor", StringComparison.Ordinal) && l.Contains("front-door open", StringComparison.Ordinal)) >= 2);
        Assert.Single(lines, l => l.Contains("central", StringComparison.Ordinal) && l.Contains("alarm.night-exit", StringComparison.Ordinal));
        Assert.True(Has("uplink", "org.edgegateway.alarm.night-exit"));
        Assert.True(Has("alarm", "NightExit received by the centre"));
        Assert.True(Has("alarm", "NightExit taken by Nurse Berit"));
        Assert.True(Has("buzzer", "AlarmDelivered"));
        Assert.True(Has("buzzer", "AlarmTaken"));
        Assert.True(Has("central", "alarm.tap-left-running"));
        Assert.True(Has("sensor", "kitchen-flow flow 0 L/min"), "the pulse meter saw the tap stop");
        Assert.Equal(2, lines.Count(l => l.Contains("sensor", StringComparison.Ordinal) && l.Contains("wearable fall detected", StringComparison.Ordinal)));
        Assert.True(Has("buzzer", "PreAlarm"));
        Assert.True(Has("central", "info.fall-cancelled"));
        Assert.True(Has("central", "alarm.fall "));
        Assert.True(Has("alarm", "Fall received by the centre"));
        Assert.True(Has("alarm", "Fall taken by Nurse Berit"));
        Assert.True(Has("alarm", "Fall cleared (LocalReset)"));
        Assert.True(Has("central", "technical.modem-fault"), "the 4G signal loss reached the centre");
        Assert.True(Has("central", "technical.modem-restored"), "and so did its end");
        Assert.True(Has("central", "alarm.dose-missed"), "the missed dose reached the centre");
        Assert.True(Has("alarm", "DoseMissed cleared (ConditionEnded)"), "and ended when the dose was taken late");
        Assert.True(Has("central", "alarm.fire") && Has("central", "prio 0"), "the fire reached the centre at the highest priority");
        Assert.True(Has("buzzer", "Fire"));
        Assert.True(Has("gateway", "clear refused: a fire alarm cannot be reset at the gateway"), "the local reset was refused");
        Assert.True(Has("central", "info.smoke-released"));
        Assert.True(Has("alarm", "Fire cleared (Centre)"), "only the centre's clear ended it");
        Assert.True(Has("central", "info.stove-switched-off"));
        Assert.Contains(lines, l => l.Contains("23/23 expected happenings observed, 0 failed checks", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("MISSING", StringComparison.Ordinal) || l.Contains("CHECK FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_command_fails_with_a_message()
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "frobnicate");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("frobnicate", result.StdErr, StringComparison.Ordinal);
    }
}
