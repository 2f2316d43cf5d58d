using System.Collections.Concurrent;
using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.NextOfKin;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Composition;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Modem;
using EdgeGateway.TestSupport;
using EdgeGateway.TestSupport.Modem;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.NextOfKin;

/// <summary>
/// SMS to next of kin (issue 30) on a real centre and SQLite archive with the scenario clock in the test's hand: the
/// coordinator's rule decides when (untaken for N minutes, cleared with a chosen reason), only the kin marked for it get
/// one, each once, never for a test or the centre's own supervision, and every SMS, sent or not, is in the timeline.
/// The modem is a recording delegate, or MmcliSms over the fake mmcli printing ModemManager's recorded answers.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class KinSmsTests(ITestOutputHelper output) : IAsyncLifetime
{
    internal const string Home = "kin-home";
    internal const string Signoff = "Oslo duty centre, +47 21 00 00 00";

    // 2026-12-04 14:32 in Oslo (UTC+1): the texts give the centre's local time.
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 13, 32, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    private readonly string _dir = Directory.CreateTempSubdirectory("kin-sms-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly ConcurrentQueue<(string Number, string Text)> _sent = new();
    private CentreFixture? _centre;
    private Func<string, string, (bool, string)> _modem = (_, _) => (true, "/org/freedesktop/ModemManager1/SMS/1");

    private CentreFixture Centre => _centre!;

    /// <summary>Ingrid's record with Kari (daughter, SMS) and Per (neighbour, no SMS), and the rule given.</summary>
    internal static ResidentRecord Ingrid(KinSmsRule? rule) => new(
        "Ingrid Hansen", new DateOnly(1938, 4, 12), "Norwegian", "+47 912 34 567",
        new ResidentAddress("Storgata 1", "0155", "Oslo", "3", "3B"),
        new ResidentAccess("left of the back door", "4711", "1234", "ring twice"),
        [new ResidentContact("Kari Hansen", "daughter", "+47 913 00 001", Sms: true), new ResidentContact("Per Olsen", "neighbour", "+47 913 00 002")],
        new ResidentContact("Dr. Lie", null, "+47 22 00 00 00"), "Hard of hearing.", "north", rule);

    public async Task InitializeAsync() => await StartAsync(new KinSmsOptions(SendAsync) { Signoff = Signoff, Attempts = 2, RetryAfter = TimeSpan.Zero });

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public async Task An_alarm_nobody_takes_in_the_homes_minutes_texts_the_marked_next_of_kin_once_and_the_timeline_shows_it()
    {
        await SaveAsync(new KinSmsRule(10, []));
        var fall = await RaiseAsync(CareEventKind.Fall);

        _time.Advance(TimeSpan.FromMinutes(9));
        await Centre.Centre.CheckAsync();
        await Task.Delay(200);
        Assert.Empty(_sent);

        _time.Advance(TimeSpan.FromMinutes(1));
        await Centre.Centre.CheckAsync();
        var sms = await OneSmsAsync();
        Assert.Equal("+47 913 00 001", sms.Number);
        Assert.Equal($"Ingrid Hansen's alarm (fall, 14:32) has waited 10 min without a nurse taking it. The duty centre keeps trying. If you can, call Ingrid Hansen or go there. – {Signoff}", sms.Text);
        foreach (var secret in new[] { "4711", "1234", "Hard of hearing", "Dr. Lie" })
        {
            Assert.DoesNotContain(secret, sms.Text, StringComparison.Ordinal);
        }

        var step = await SmsStepAsync(fall);
        Assert.Equal((KinMessenger.Centre, AlarmStepKinds.Sent), (step.Operator, step.Outcome));
        Assert.Equal("to next of kin 1 (daughter): " + sms.Text, step.Text);
        var timeline = await Centre.Centre.TimelineAsync((await Centre.Archive.AlarmAsync(fall))!);
        Assert.Equal(["raised", "delivered", "sms"], timeline.Select(e => e.Kind));

        // Later passes (and the escalation levels meanwhile) send nothing more; the audit log has the SMS, not its text.
        _time.Advance(TimeSpan.FromMinutes(5));
        await Centre.Centre.CheckAsync();
        await Task.Delay(200);
        Assert.Single(_sent);
        var audit = (await Centre.Archive.ActionsAsync(100)).Single(a => a.Action == "kin-sms");
        Assert.Equal((KinMessenger.Centre, Home, (Guid?)fall, "ok", "untaken: next of kin 1"), (audit.Operator, audit.Gateway, audit.Alarm, audit.Outcome, audit.Detail));
    }

    [Fact]
    public async Task A_taken_alarm_a_test_and_the_centres_own_supervision_alarms_text_nobody()
    {
        await SaveAsync(new KinSmsRule(10, [ClearReasons.Hospital]));
        var taken = await RaiseAsync(CareEventKind.HelpButton);
        await RaiseAsync(CareEventKind.TestAlarm);
        var offline = (await Centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm($"offline:{Home}:1", Home, SupervisionTypes.Offline, 2, "offline", _time.GetUtcNow())))!;
        _time.Advance(TimeSpan.FromMinutes(5));
        await Centre.Centre.TakeAsync(taken, "Nurse Berit");
        _time.Advance(TimeSpan.FromMinutes(30));
        await Centre.Centre.CheckAsync();
        await Centre.Centre.ClearAsync(offline.Id, "Nurse Berit", ClearReasons.Hospital);
        await Task.Delay(300);
        Assert.Empty(_sent);
        Assert.Empty(await Centre.Archive.StepsAsync(taken));
    }

    [Fact]
    public async Task A_clear_with_a_reason_the_coordinator_chose_tells_the_family_how_and_another_reason_does_not()
    {
        await SaveAsync(new KinSmsRule(null, [ClearReasons.Hospital]));
        var helped = await RaiseAsync(CareEventKind.Fall);
        var hospital = await RaiseAsync(CareEventKind.Fall);
        _time.Advance(TimeSpan.FromMinutes(40));
        await Centre.Centre.CheckAsync();
        await Centre.Centre.ClearAsync(helped, "Nurse Berit", ClearReasons.HelpGiven);
        await Centre.Centre.ClearAsync(hospital, "Nurse Berit", ClearReasons.Hospital);

        var sms = await OneSmsAsync();
        Assert.Equal($"Ingrid Hansen's alarm (fall, 14:32) was closed by the duty centre at 15:12: taken to hospital. – {Signoff}", sms.Text);
        var step = await SmsStepAsync(hospital);
        Assert.Equal(AlarmStepKinds.Sent, step.Outcome);

        // The SMS step follows the clear in the timeline: it is the clear it tells of.
        var timeline = await Centre.Centre.TimelineAsync((await Centre.Archive.AlarmAsync(hospital))!);
        Assert.Equal(["raised", "delivered", "cleared", "sms"], timeline.Select(e => e.Kind));
        Assert.Empty(await Centre.Archive.StepsAsync(helped));
    }

    [Fact]
    public async Task A_modem_that_keeps_failing_is_tried_again_then_the_timeline_says_the_sms_was_not_sent_and_why()
    {
        var tries = 0;
        _modem = (_, _) => (false, $"mmcli -s 3 --send: error: couldn't send the SMS: 'Network timeout' (try {Interlocked.Increment(ref tries)})");
        await SaveAsync(new KinSmsRule(1, []));
        var fall = await RaiseAsync(CareEventKind.Fall);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Centre.Centre.CheckAsync();

        var step = await SmsStepAsync(fall);
        Assert.Equal(AlarmStepKinds.Failed, step.Outcome);
        Assert.Equal("to next of kin 1 (daughter) not sent: mmcli -s 3 --send: error: couldn't send the SMS: 'Network timeout' (try 2)", step.Text);
        Assert.Equal(2, tries);
        Assert.Equal("failed", (await Centre.Archive.ActionsAsync(100)).Single(a => a.Action == "kin-sms").Outcome);
    }

    [Fact]
    public async Task Without_a_modem_the_due_sms_is_a_step_saying_the_centre_has_none()
    {
        await _centre!.DisposeAsync();
        await StartAsync(null);
        await SaveAsync(new KinSmsRule(1, []));
        var fall = await RaiseAsync(CareEventKind.Fall);
        _time.Advance(TimeSpan.FromMinutes(2));
        await Centre.Centre.CheckAsync();
        var step = await SmsStepAsync(fall);
        Assert.Equal("to next of kin 1 (daughter) not sent: this centre has no SMS modem (start it with --sms-modem)", step.Text);
    }

    [Fact]
    public async Task A_centre_restarted_after_sending_does_not_send_again()
    {
        await SaveAsync(new KinSmsRule(1, []));
        var fall = await RaiseAsync(CareEventKind.Fall);
        _time.Advance(TimeSpan.FromMinutes(2));
        await Centre.Centre.CheckAsync();
        await OneSmsAsync();

        await _centre!.DisposeAsync();
        _centre = null;
        await StartAsync(new KinSmsOptions(SendAsync));
        await Centre.Centre.CheckAsync();
        await Task.Delay(300);
        Assert.Single(_sent);
        Assert.Single(await Centre.Archive.StepsAsync(fall));
    }

    [Fact]
    public async Task Through_modemmanager_the_sms_is_created_sent_and_deleted_with_mmcli_and_its_path_is_the_step()
    {
        using var fake = FakeMmcli.Start("sms-sent");
        await _centre!.DisposeAsync();
        await StartAsync(CentreSms.Through(new MmcliSms(TimeProvider.System, fake.Command), Signoff));
        await SaveAsync(new KinSmsRule(10, []));
        var fall = await RaiseAsync(CareEventKind.Fall);
        _time.Advance(TimeSpan.FromMinutes(10));
        await Centre.Centre.CheckAsync();

        var step = await SmsStepAsync(fall);
        var text = $"Ingrid Hansen's alarm (fall, 14:32) has waited 10 min without a nurse taking it. The duty centre keeps trying. If you can, call Ingrid Hansen or go there. – {Signoff}";
        Assert.Equal((AlarmStepKinds.Sent, "to next of kin 1 (daughter): " + text), (step.Outcome, step.Text));
        Assert.Equal(["-J -L", $"-m 0 --messaging-create-sms=number='+4791300001',text=\"{text}\"", "-s 3 --send --timeout=30", "-m 0 --messaging-delete-sms=3"], fake.Calls);
    }

    [Fact]
    public async Task A_modemmanager_that_cannot_send_leaves_its_own_error_in_the_timeline()
    {
        using var fake = FakeMmcli.Start("sms-send-fails");
        await _centre!.DisposeAsync();
        await StartAsync(CentreSms.Through(new MmcliSms(TimeProvider.System, fake.Command), null) with { Attempts = 1 });
        await SaveAsync(new KinSmsRule(null, [ClearReasons.Hospital]));
        var fall = await RaiseAsync(CareEventKind.Fall);
        await Centre.Centre.ClearAsync(fall, "Nurse Berit", ClearReasons.Hospital);

        var step = await SmsStepAsync(fall);
        Assert.Equal(AlarmStepKinds.Failed, step.Outcome);
        Assert.Equal("to next of kin 1 (daughter) not sent: mmcli -s 3 --send: error: couldn't send the SMS: 'GDBus.Error:org.freedesktop.ModemManager1.Error.MessageError.NetworkTimeout: Network timeout'", step.Text);
        Assert.Equal("-m 0 --messaging-delete-sms=3", fake.Calls[^1]);
    }

    private async Task StartAsync(KinSmsOptions? sms)
    {
        var options = new DutyCentreOptions { Time = _time, Zone = Oslo, ResidentKey = _key, Sms = sms };
        _centre = await CentreFixture.StartAsync(_dir, [], options, web: false, loggers: _logs);
        await Centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), _time.GetUtcNow());
    }

    private readonly ResidentKey _key = ResidentKey.Generate();

    private Task<(bool Sent, string Detail)> SendAsync(string number, string text, CancellationToken ct)
    {
        var result = _modem(number, text);
        if (result.Item1)
        {
            _sent.Enqueue((number, text));
        }

        return Task.FromResult(result);
    }

    private Task<StoredResident> SaveAsync(KinSmsRule rule) => Centre.Centre.Residents.SaveAsync(Home, Ingrid(rule), "Coordinator Cora");

    private async Task<Guid> RaiseAsync(CareEventKind kind)
    {
        var evt = new CareEventFactory(Home, _time, new FixedClockSyncStatus(true)).Create(kind, "pendant", kind.ToString());
        await Centre.Archive.RecordEventAsync(evt, Encoding.UTF8.GetString(Contract.CloudEventCodec.Serialize(evt)), false, _time.GetUtcNow());
        return evt.Id;
    }

    private async Task<(string Number, string Text)> OneSmsAsync()
    {
        await Eventually.UntilAsync(() => !_sent.IsEmpty, TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        return Assert.Single(_sent);
    }

    private async Task<AlarmStep> SmsStepAsync(Guid alarm)
    {
        // The worker sends and records after the pass returned: bounded polling for its step.
        IReadOnlyList<AlarmStep> steps = [];
        for (var i = 0; i < 200 && steps.Count == 0; i++)
        {
            await Task.Delay(100);
            steps = await Centre.Archive.StepsAsync(alarm);
        }

        var step = Assert.Single(steps);
        Assert.Equal(AlarmStepKinds.Sms, step.Kind);
        return step;
    }
}
