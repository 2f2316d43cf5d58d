using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Operators;

namespace EdgeGateway.Centre.Tests.Operators;

/// <summary>How an alarm's timeline is put together from its record, steps and notes (pure: no archive).</summary>
public sealed class AlarmTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 28, 22, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.CreateVersion7(T0);

    private static AlarmRecord Alarm(DateTimeOffset raised) => new(
        Id, "gw-1", "org.edgegateway.alarm.night-exit", AlarmOrigins.Gateway, AlarmStates.Cleared, 3, "night exit", "front-door",
        raised, T0, T0, T0.AddSeconds(20), "Nurse Berit", T0.AddMinutes(10), "Nurse Berit", "help given", 0, null);

    [Fact]
    public void Raised_and_delivered_come_first_even_on_a_home_clock_ahead_then_everything_in_the_centres_time_order()
    {
        // The home's clock five minutes ahead: "raised" must not sort after the nurse's steps.
        var alarm = Alarm(T0.AddMinutes(5));
        AlarmStep[] steps =
        [
            new(Id, T0.AddSeconds(20), "Nurse Berit", AlarmStepKinds.Callback, "no-answer", null),
            new(Id, T0.AddMinutes(2), "Nurse Berit", AlarmStepKinds.Help, null, "night patrol, car 2"),
            new(Id, T0.AddMinutes(9), "Nurse Berit", AlarmStepKinds.Arrived, null, null),
        ];
        AlarmNote[] notes =
        [
            new(Id, T0.AddMinutes(1), "Nurse Kari", "neighbour has a key"),
            new(Id, T0.AddMinutes(10), "Nurse Kari", "same millisecond as the clear"),
            new(Id, T0.AddHours(8), "Nurse Kari", "daughter informed in the morning"),
        ];

        var timeline = AlarmSteps.Timeline(alarm, steps, notes);

        Assert.Equal(["raised", "delivered", "taken", "callback", "note", "help", "arrived", "note", "cleared", "note"], timeline.Select(e => e.Kind));
        Assert.Equal(new TimelineEntry("callback", T0.AddSeconds(20), "Nurse Berit", "no-answer", null), timeline[3]); // after the take in the same millisecond
        Assert.Equal(new TimelineEntry("cleared", T0.AddMinutes(10), "Nurse Berit", null, "help given"), timeline[8]);
        Assert.Equal((T0.AddMinutes(5), (string?)null), (timeline[0].At, timeline[0].Operator));
    }

    [Fact]
    public void An_alarm_nobody_has_touched_shows_raised_and_delivered_only() =>
        Assert.Equal(["raised", "delivered"], AlarmSteps.Timeline(Alarm(T0) with { State = AlarmStates.Delivered, TakenAt = null, TakenBy = null, ClearedAt = null, ClearedBy = null, ClearReason = null }, [], []).Select(e => e.Kind));
}
