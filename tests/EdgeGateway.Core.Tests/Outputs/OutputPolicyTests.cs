using System.Text;
using EdgeGateway.Core.Outputs;
using EdgeGateway.TestSupport;
using static EdgeGateway.Core.Outputs.HomeConditions;

namespace EdgeGateway.Core.Tests.Outputs;

public class OutputPolicyTests
{
    // Every set of conditions, possible or not: the tables must answer each one.
    public static TheoryData<HomeConditions> AllConditions()
    {
        var all = new TheoryData<HomeConditions>();
        var every = Enum.GetValues<HomeConditions>().Aggregate((a, b) => a | b);
        for (var c = 0; c <= (int)every; c++)
        {
            all.Add((HomeConditions)c);
        }

        return all;
    }

    [Theory]
    [InlineData(0, Fire, BuzzerPattern.Fire)]
    [InlineData(1, AlarmRaised | NoUplink, BuzzerPattern.AlarmUndeliverable)]
    [InlineData(2, Warning, BuzzerPattern.PreAlarm)]
    [InlineData(3, AlarmRaised, BuzzerPattern.Alarm)]
    [InlineData(4, AlarmDelivered, BuzzerPattern.AlarmDelivered)]
    [InlineData(5, AlarmTaken, BuzzerPattern.AlarmTaken)]
    [InlineData(6, None, BuzzerPattern.Off)]
    public void Buzzer_rows(int index, HomeConditions when, BuzzerPattern pattern)
    {
        Assert.Equal(7, OutputPolicy.Buzzer.Count);
        Assert.Equal((when, pattern), (OutputPolicy.Buzzer[index].When, OutputPolicy.Buzzer[index].Pattern));
        Assert.Equal(pattern, OutputPolicy.BuzzerFor(when));
    }

    [Theory]
    [InlineData(0, AlarmRaised, LedPattern.Alarm)]
    [InlineData(1, Warning, LedPattern.Alarm)]
    [InlineData(2, AlarmDelivered, LedPattern.AlarmDelivered)]
    [InlineData(3, AlarmTaken, LedPattern.AlarmTaken)]
    [InlineData(4, NoUplink, LedPattern.NoUplink)]
    [InlineData(5, Fault, LedPattern.Fault)]
    [InlineData(6, None, LedPattern.Heartbeat)]
    public void Led_rows(int index, HomeConditions when, LedPattern pattern)
    {
        Assert.Equal(7, OutputPolicy.Led.Count);
        Assert.Equal((when, pattern), (OutputPolicy.Led[index].When, OutputPolicy.Led[index].Pattern));
        Assert.Equal(pattern, OutputPolicy.LedFor(when));
    }

    [Theory]
    [InlineData(Fire | AlarmRaised | NoUplink | Warning | Fault, BuzzerPattern.Fire, LedPattern.Alarm)]
    [InlineData(Fire | AlarmTaken, BuzzerPattern.Fire, LedPattern.AlarmTaken)]
    [InlineData(AlarmRaised | NoUplink | Warning, BuzzerPattern.AlarmUndeliverable, LedPattern.Alarm)]
    [InlineData(AlarmDelivered | NoUplink, BuzzerPattern.AlarmDelivered, LedPattern.AlarmDelivered)]
    [InlineData(Warning | AlarmRaised, BuzzerPattern.PreAlarm, LedPattern.Alarm)]
    [InlineData(Warning | AlarmTaken, BuzzerPattern.PreAlarm, LedPattern.Alarm)]
    [InlineData(AlarmRaised | AlarmTaken, BuzzerPattern.Alarm, LedPattern.Alarm)]
    [InlineData(AlarmDelivered | AlarmTaken, BuzzerPattern.AlarmDelivered, LedPattern.AlarmDelivered)]
    [InlineData(AlarmTaken | NoUplink | Fault, BuzzerPattern.AlarmTaken, LedPattern.AlarmTaken)]
    [InlineData(NoUplink | Fault, BuzzerPattern.Off, LedPattern.NoUplink)]
    public void The_most_urgent_row_wins(HomeConditions conditions, BuzzerPattern buzzer, LedPattern led) =>
        Assert.Equal((buzzer, led), (OutputPolicy.BuzzerFor(conditions), OutputPolicy.LedFor(conditions)));

    [Theory]
    [MemberData(nameof(AllConditions))]
    public void A_fire_always_sounds_the_fire_signal(HomeConditions conditions) =>
        Assert.Equal(conditions.HasFlag(Fire), OutputPolicy.BuzzerFor(conditions) == BuzzerPattern.Fire);

    [Theory]
    [MemberData(nameof(AllConditions))]
    public void A_fault_never_changes_the_buzzer_and_a_lost_uplink_only_for_a_raised_alarm(HomeConditions conditions)
    {
        Assert.Equal(OutputPolicy.BuzzerFor(conditions & ~Fault), OutputPolicy.BuzzerFor(conditions | Fault));
        if (!conditions.HasFlag(AlarmRaised))
        {
            Assert.Equal(OutputPolicy.BuzzerFor(conditions & ~NoUplink), OutputPolicy.BuzzerFor(conditions | NoUplink));
        }
    }

    [Theory]
    [MemberData(nameof(AllConditions))]
    public void Without_an_alarm_or_warning_the_buzzer_is_silent(HomeConditions conditions)
    {
        var quiet = (conditions & (Fire | AlarmRaised | AlarmDelivered | AlarmTaken | Warning)) == None;
        Assert.Equal(quiet, OutputPolicy.BuzzerFor(conditions) == BuzzerPattern.Off);
    }

    [Theory]
    [MemberData(nameof(AllConditions))]
    public void An_undeliverable_alarm_is_never_silent_and_only_a_fire_outranks_it(HomeConditions conditions)
    {
        if (conditions.HasFlag(AlarmRaised | NoUplink))
        {
            Assert.Equal(conditions.HasFlag(Fire) ? BuzzerPattern.Fire : BuzzerPattern.AlarmUndeliverable, OutputPolicy.BuzzerFor(conditions));
        }
        else
        {
            Assert.NotEqual(BuzzerPattern.AlarmUndeliverable, OutputPolicy.BuzzerFor(conditions));
        }
    }

    [Theory]
    [MemberData(nameof(AllConditions))]
    public void Help_is_coming_only_when_no_alarm_waits_for_a_person(HomeConditions conditions)
    {
        var allTaken = conditions.HasFlag(AlarmTaken) && (conditions & (AlarmRaised | AlarmDelivered | Warning)) == None;
        Assert.Equal(allTaken && !conditions.HasFlag(Fire), OutputPolicy.BuzzerFor(conditions) == BuzzerPattern.AlarmTaken);
        Assert.Equal(allTaken, OutputPolicy.LedFor(conditions) == LedPattern.AlarmTaken);
    }

    [Theory]
    [MemberData(nameof(AllConditions))]
    public void The_led_shows_an_alarm_before_the_uplink_and_the_uplink_before_a_fault(HomeConditions conditions)
    {
        var led = OutputPolicy.LedFor(conditions);
        Assert.Equal((conditions & (AlarmRaised | Warning)) != None, led == LedPattern.Alarm);
        var alarmShown = (conditions & (AlarmRaised | Warning | AlarmDelivered | AlarmTaken)) != None;
        Assert.Equal(!alarmShown && conditions.HasFlag(NoUplink), led == LedPattern.NoUplink);
        Assert.Equal(!alarmShown && !conditions.HasFlag(NoUplink) && conditions.HasFlag(Fault), led == LedPattern.Fault);
        Assert.Equal((conditions & ~Fire) == None, led == LedPattern.Heartbeat);
    }

    [Fact]
    public void Docs_show_the_tables_rows()
    {
        // docs/events.md states the policy for technicians from this table, not from a second description of it.
        var docs = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "events.md")).ReplaceLineEndings("\n");
        Assert.Contains(Render("buzzer", OutputPolicy.Buzzer), docs, StringComparison.Ordinal);
        Assert.Contains(Render("LED", OutputPolicy.Led), docs, StringComparison.Ordinal);
    }

    private static string Render<TPattern>(string output, IReadOnlyList<OutputRow<TPattern>> rows)
        where TPattern : struct, Enum
    {
        var text = new StringBuilder($"| when | {output} | why |\n|---|---|---|\n");
        foreach (var row in rows)
        {
            var when = row.When == None
                ? "otherwise"
                : string.Join(" and ", Enum.GetValues<HomeConditions>().Where(c => c != None && row.When.HasFlag(c)).Select(c => $"`{c}`"));
            text.Append($"| {when} | `{row.Pattern}` | {row.Why} |\n");
        }

        return text.ToString();
    }
}
