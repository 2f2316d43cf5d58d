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
    public async Task Headless_demo_plays_the_night_exit_end_to_end_and_exits_0()
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(90), "demo", "--headless", "--speed", "120");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("sensor", StringComparison.Ordinal) && l.Contains("front-door open", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("buzzer", StringComparison.Ordinal) && l.EndsWith("Alarm", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("uplink", StringComparison.Ordinal) && l.Contains("org.edgegateway.alarm.night-exit", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("central", StringComparison.Ordinal) && l.Contains("alarm.night-exit", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ack", StringComparison.Ordinal) && l.Contains("acknowledged", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("3/3 expected happenings observed", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("MISSING", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_command_fails_with_a_message()
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "frobnicate");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("frobnicate", result.StdErr, StringComparison.Ordinal);
    }
}
