using EdgeGateway.Demo;
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
        Assert.True(Has("central", "technical.mains-lost"), "the power cut reached the centre");
        Assert.True(Has("central", "alarm.help-button"), "her help call on battery reached the centre");
        Assert.True(Has("alarm", "HelpButton taken by Nurse Berit"), "and was taken on");
        Assert.True(Has("central", "technical.mains-restored"), "and so did the power's return");

        // The duty centre: its page is announced before the story starts; the nurse takes and clears through the page's API,
        // and the home hears each alarm delivered before taken.
        int First(string category, string text) => Array.FindIndex(lines, l => l.Contains(category, StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));
        var page = First("centre", "the nurses' page: http://127.0.0.1:");
        Assert.True(page >= 0 && page < First("scenario", "the resident is asleep"), "the page's URL comes before the scenario");
        Assert.True(Has("nurse", "Nurse Berit takes the night-exit alarm on the page: HTTP 200, alarm taken, the gateway's reply: ok"));
        Assert.True(Has("nurse", "Nurse Berit clears the night-exit alarm on the page (help given): HTTP 200, alarm cleared"));

        // Issue 29: she documents the night exit step by step before clearing it; each step is on the page's timeline.
        var callback = First("nurse", "Nurse Berit documents on the night-exit alarm: call-back, no answer: HTTP 200, alarm taken");
        var help = First("nurse", "Nurse Berit documents on the night-exit alarm: help on the way: HTTP 200, alarm taken");
        var arrived = First("nurse", "Nurse Berit documents on the night-exit alarm: arrived at the home: HTTP 200, alarm taken");
        Assert.True(callback >= 0 && callback < help && help < arrived && arrived < First("nurse", "Nurse Berit clears the night-exit alarm"), "call-back, help on the way, arrived, then the clear");
        Assert.True(Has("page", "night-exit alarm cleared (help given, Nurse Berit)"));
        Assert.True(Has("page", "tap-left-running alarm cleared (no help needed, Nurse Berit)"));
        Assert.True(Has("page", "fall alarm cleared (cleared at the gateway)"));
        foreach (var kind in new[] { "NightExit", "TapLeftRunning", "Fall" })
        {
            var delivered = First("alarm", $"{kind} received by the centre");
            Assert.True(delivered >= 0 && delivered < First("alarm", $"{kind} taken by Nurse Berit"), $"{kind}: delivered, then taken, at home");
        }

        // Issue 30: her phone, subscribed before the story starts, gets the fall by Web Push, decrypts it, and its tap opens the
        // same alarm; a host without OpenSSL (the arm64 smoke's sysroot) says push was not played and expects one happening less.
        if (DemoPhone.CanRun)
        {
            var subscribed = First("nurse", "Nurse Berit turns on \"Notify this phone\" on the page: HTTP 200, her phone is subscribed");
            Assert.True(subscribed >= 0 && subscribed < First("scenario", "the resident is asleep"), "the phone is subscribed before the scenario's first alarm");
            Assert.True(Has("phone", "Nurse Berit's phone, page closed: «Fall · Ingrid Hansen» Storgata 1, floor 3, door 3B, 0155 Oslo · fall detected"));
            Assert.True(Has("phone", "Nurse Berit taps it: the page opens the fall alarm"));
        }
        else
        {
            Assert.True(Has("phone", "push not played: this host has no OpenSSL (libssl), which Web Push encryption needs"));
        }

        var expected = DemoPhone.CanRun ? "34/34" : "33/33";
        Assert.Contains(lines, l => l.Contains($"{expected} expected happenings observed, 0 failed checks", StringComparison.Ordinal));
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
