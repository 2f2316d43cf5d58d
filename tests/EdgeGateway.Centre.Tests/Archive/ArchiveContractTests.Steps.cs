using EdgeGateway.Centre.Archive;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Centre.Tests.Archive;

/// <summary>The steps of handling an alarm (issue 29), on SQLite and PostgreSQL alike.</summary>
public abstract partial class ArchiveContractTests
{
    private static OperatorAction ActionOf(AlarmStep s) => new(s.At, s.Operator, s.Kind, "gw-1", s.Alarm, null, "ok", s.Text ?? s.Outcome);

    private async Task<CareEvent> AlarmAsync(IArchive archive, DateTimeOffset at, string gateway = "gw-1")
    {
        var evt = Gateway(gateway).Create(CareEventKind.HelpButton, "pendant", "help");
        await archive.RecordEventAsync(evt, Payload(evt), false, at);
        return evt;
    }

    [Fact]
    public async Task Steps_are_stored_with_their_operator_action_and_read_back_in_the_order_stored()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var evt = await AlarmAsync(a, T0);
        await a.TakeAsync(evt.Id, "Nurse Berit", T0.AddSeconds(30));
        AlarmStep[] steps =
        [
            new(evt.Id, T0.AddSeconds(40), "Nurse Berit", AlarmStepKinds.Callback, "no-answer", null),
            new(evt.Id, T0.AddSeconds(90), "Nurse Berit", AlarmStepKinds.Callback, "answered", "she is on the floor, conscious"),

            // The same instant as the call-back before it: the order stored decides.
            new(evt.Id, T0.AddSeconds(90), "Nurse Kari", AlarmStepKinds.Help, null, "night patrol, car 2"),
            new(evt.Id, T0.AddMinutes(12), "Nurse Kari", AlarmStepKinds.Arrived, null, null),
        ];
        for (var i = 0; i < steps.Length; i++)
        {
            Assert.Equal(AlarmStepResult.Added, await (i % 2 == 0 ? a : b).AddStepAsync(steps[i], ActionOf(steps[i])));
        }

        Assert.Equal(steps, await b.StepsAsync(evt.Id));
        Assert.Empty(await a.StepsAsync(Guid.NewGuid()));
        var actions = await a.ActionsAsync(10);
        Assert.Equal(["arrived", "help", "callback", "callback"], actions.Select(x => x.Action));
        Assert.Equal(steps.Reverse().Select(ActionOf), actions);
    }

    [Fact]
    public async Task A_step_on_an_unknown_or_cleared_alarm_or_an_arrival_before_help_stores_neither_step_nor_action()
    {
        await using var archive = await OpenAsync();
        var evt = await AlarmAsync(archive, T0);
        var arrived = new AlarmStep(evt.Id, T0.AddMinutes(1), "Nurse Berit", AlarmStepKinds.Arrived, null, null);
        Assert.Equal(AlarmStepResult.NoHelpYet, await archive.AddStepAsync(arrived, ActionOf(arrived)));
        var unknown = arrived with { Alarm = Guid.NewGuid(), Kind = AlarmStepKinds.Help, Text = "car 2" };
        Assert.Equal(AlarmStepResult.NoAlarm, await archive.AddStepAsync(unknown, ActionOf(unknown)));

        var help = new AlarmStep(evt.Id, T0.AddMinutes(2), "Nurse Berit", AlarmStepKinds.Help, null, "car 2");
        Assert.Equal(AlarmStepResult.Added, await archive.AddStepAsync(help, ActionOf(help)));
        Assert.True(await archive.ClearAsync(evt.Id, "Nurse Berit", "help given", T0.AddMinutes(3)));
        var late = arrived with { At = T0.AddMinutes(4) };
        Assert.Equal(AlarmStepResult.Cleared, await archive.AddStepAsync(late, ActionOf(late)));

        Assert.Equal([help], await archive.StepsAsync(evt.Id));
        Assert.Equal([ActionOf(help)], await archive.ActionsAsync(10));
    }

    [Fact]
    public async Task An_archive_made_before_the_timeline_gains_the_steps_table_on_open_and_keeps_its_alarms()
    {
        CareEvent evt;
        await using (var old = await OpenAsync())
        {
            evt = await AlarmAsync(old, T0);
        }

        // As an archive of the release before issue 29 was: no alarm_steps table, no index on a home's alarms.
        await ExecAsync("DROP TABLE alarm_steps");
        await ExecAsync("DROP INDEX alarms_gateway");

        await using var upgraded = await OpenAsync();
        Assert.Equal(AlarmStates.Delivered, (await upgraded.AlarmAsync(evt.Id))!.State);
        var help = new AlarmStep(evt.Id, T0.AddMinutes(1), "Nurse Berit", AlarmStepKinds.Help, null, "car 2");
        Assert.Equal(AlarmStepResult.Added, await upgraded.AddStepAsync(help, ActionOf(help)));
        Assert.Equal([help], await upgraded.StepsAsync(evt.Id));
        Assert.Single(await upgraded.GatewayAlarmsAsync("gw-1", T0));
    }

    [Fact]
    public async Task A_homes_past_alarms_are_those_received_since_the_time_given_newest_first()
    {
        await using var archive = await OpenAsync();
        var old = await AlarmAsync(archive, T0.AddDays(-40));
        var older = await AlarmAsync(archive, T0.AddDays(-20));
        var recent = await AlarmAsync(archive, T0.AddDays(-1));
        await AlarmAsync(archive, T0, "gw-other");
        await archive.ClearAsync(older.Id, "Nurse Berit", "false alarm", T0.AddDays(-20).AddMinutes(5));

        var listed = await archive.GatewayAlarmsAsync("gw-1", T0.AddDays(-30));

        Assert.Equal([recent.Id, older.Id], listed.Select(x => x.Id));
        Assert.Equal(("Nurse Berit", "false alarm"), (listed[1].ClearedBy, listed[1].ClearReason));
        Assert.Equal(3, (await archive.GatewayAlarmsAsync("gw-1", T0.AddDays(-90))).Count);
        Assert.Contains(old.Id, (await archive.GatewayAlarmsAsync("gw-1", T0.AddDays(-90))).Select(x => x.Id));
        Assert.Empty(await archive.GatewayAlarmsAsync("nobody", T0.AddDays(-90)));
    }

    [Fact]
    public async Task Each_sms_moment_of_an_alarm_is_claimed_by_one_instance_once_and_its_step_may_follow_the_clear()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var evt = await AlarmAsync(a, T0);
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).ClaimKinMessageAsync(evt.Id, "untaken", T0.AddMinutes(10)))));
        Assert.Single(claims, c => c);
        Assert.True(await b.ClaimKinMessageAsync(evt.Id, "cleared", T0.AddMinutes(20)));
        Assert.False(await a.ClaimKinMessageAsync(evt.Id, "cleared", T0.AddMinutes(21)));
        Assert.True(await a.ClaimKinMessageAsync(Guid.NewGuid(), "untaken", T0));

        Assert.True(await a.ClearAsync(evt.Id, "Nurse Berit", "taken to hospital", T0.AddMinutes(20)));
        var sms = new AlarmStep(evt.Id, T0.AddMinutes(20), "centre", AlarmStepKinds.Sms, AlarmStepKinds.Sent, "to next of kin 1 (daughter): …");
        var note = new AlarmStep(evt.Id, T0.AddMinutes(20), "Nurse Berit", AlarmStepKinds.Callback, "answered", null);
        Assert.Equal(AlarmStepResult.Added, await b.AddStepAsync(sms, ActionOf(sms)));
        Assert.Equal(AlarmStepResult.Cleared, await b.AddStepAsync(note, ActionOf(note)));
        Assert.Equal([sms], await a.StepsAsync(evt.Id));
    }
}
