using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Core.Tests.Alarms;

public class AlarmLifecycleTests
{
    private readonly CareEventFactory _factory = new("home-1", new FakeTimeProvider(), new FixedClockSyncStatus(true));

    private Alarm NewAlarm() => new(_factory.Create(CareEventKind.Fall, "wrist", "fall"));

    [Theory]
    [InlineData(AlarmState.Raised, AlarmTrigger.Acknowledge, AlarmState.Acknowledged)]
    [InlineData(AlarmState.Raised, AlarmTrigger.Clear, AlarmState.Cleared)]
    [InlineData(AlarmState.Acknowledged, AlarmTrigger.Acknowledge, AlarmState.Acknowledged)]
    [InlineData(AlarmState.Acknowledged, AlarmTrigger.Clear, AlarmState.Cleared)]
    public void Legal_transitions(AlarmState from, AlarmTrigger trigger, AlarmState to)
    {
        Assert.True(AlarmStateMachine.CanFire(from, trigger));
        Assert.Equal(to, AlarmStateMachine.Next(from, trigger));
    }

    [Theory]
    [InlineData(AlarmTrigger.Acknowledge, "cannot acknowledge an alarm that is cleared")]
    [InlineData(AlarmTrigger.Clear, "cannot clear an alarm that is cleared")]
    public void Cleared_is_final_and_the_error_names_state_and_trigger(AlarmTrigger trigger, string message)
    {
        var ex = Assert.Throws<InvalidAlarmTransitionException>(() => AlarmStateMachine.Next(AlarmState.Cleared, trigger));
        Assert.Equal(message, ex.Message);
        Assert.Equal(AlarmState.Cleared, ex.State);
        Assert.Equal(trigger, ex.Trigger);
    }

    [Fact]
    public void Alarm_goes_raised_acknowledged_cleared_and_keeps_the_first_ack()
    {
        var alarm = NewAlarm();
        Assert.Equal(AlarmState.Raised, alarm.State);
        var t1 = _factory.Now();
        alarm.Acknowledge("nurse-1", t1);
        alarm.Acknowledge("nurse-2", _factory.Now());
        Assert.Equal(AlarmState.Acknowledged, alarm.State);
        Assert.Equal("nurse-1", alarm.AcknowledgedBy);
        Assert.Equal(t1, alarm.AcknowledgedAt);
        alarm.Clear(ClearReason.Centre, _factory.Now());
        Assert.Equal(AlarmState.Cleared, alarm.State);
        Assert.Equal(ClearReason.Centre, alarm.ClearReason);
    }

    [Fact]
    public void Acknowledging_a_cleared_alarm_is_rejected_and_changes_nothing()
    {
        var alarm = NewAlarm();
        alarm.Clear(ClearReason.LocalReset, _factory.Now());
        var ex = Assert.Throws<InvalidAlarmTransitionException>(() => alarm.Acknowledge("nurse", _factory.Now()));
        Assert.Contains("acknowledge", ex.Message, StringComparison.Ordinal);
        Assert.Equal(AlarmState.Cleared, alarm.State);
        Assert.Null(alarm.AcknowledgedBy);
    }

    [Fact]
    public void Only_alarm_events_can_raise_an_alarm()
    {
        var info = _factory.Create(CareEventKind.FallCancelled, "wrist", "cancelled");
        var ex = Assert.Throws<ArgumentException>(() => new Alarm(info));
        Assert.Contains("not an alarm", ex.Message, StringComparison.Ordinal);
    }
}
