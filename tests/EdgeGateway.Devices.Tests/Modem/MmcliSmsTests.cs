using System.Diagnostics;
using EdgeGateway.Devices.Modem;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.TestSupport.Modem;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Modem;

/// <summary><see cref="MmcliSms"/> against a fake mmcli process printing recorded ModemManager answers, and the demo's <see cref="SimulatedSmsModem"/>.</summary>
public sealed class MmcliSmsTests
{
    private const string Path3 = "/org/freedesktop/ModemManager1/SMS/3";

    private static Task<SmsSendResult> SendAsync(FakeMmcli fake, string number = "+4791234567", string text = "Hello", TimeSpan? timeout = null) =>
        new MmcliSms(TimeProvider.System, fake.Command, timeout).SendAsync(number, text, CancellationToken.None);

    [Fact]
    public async Task An_sms_is_created_on_the_first_modem_sent_and_deleted()
    {
        using var fake = FakeMmcli.Start("sms-sent");
        var result = await SendAsync(fake, text: "Fall detected");
        Assert.Equal(new SmsSendResult(true, Path3), result);
        Assert.Equal(
            ["-J -L", "-m 0 --messaging-create-sms=number='+4791234567',text=\"Fall detected\"", "-s 3 --send --timeout=30", "-m 0 --messaging-delete-sms=3"],
            fake.Calls);
    }

    [Theory]
    [InlineData("It's Ola", "text=\"It's Ola\"")]
    [InlineData("Say \"help\"", "text='Say \"help\"'")]
    [InlineData("Ola's \"help\" button", "text=\"Ola's ”help” button\"")]
    [InlineData("Fall detected\nCall Ola", "text=\"Fall detected⏎Call Ola\"")]
    public async Task The_text_is_quoted_so_that_ModemManager_reads_it_whole(string text, string argument)
    {
        using var fake = FakeMmcli.Start("sms-sent");
        var result = await SendAsync(fake, text: text);
        Assert.True(result.Sent);
        Assert.Equal($"-m 0 --messaging-create-sms=number='+4791234567',{argument}", fake.Calls[1]);
    }

    [Fact]
    public async Task A_number_written_with_spaces_is_sent_without_them()
    {
        using var fake = FakeMmcli.Start("sms-sent");
        var result = await SendAsync(fake, number: "+47 912 34 567");
        Assert.True(result.Sent);
        Assert.StartsWith("-m 0 --messaging-create-sms=number='+4791234567',", fake.Calls[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4791234567", "the number '4791234567' is not + and 8–15 digits")]
    [InlineData("+47 1234", "the number '+471234' is not + and 8–15 digits")]
    [InlineData("+4791234567890123", "the number '+4791234567890123' is not + and 8–15 digits")]
    [InlineData("+47-912-34-567", "the number '+47-912-34-567' is not + and 8–15 digits")]
    [InlineData(" ", "no number to send the SMS to")]
    public async Task A_number_not_in_international_form_is_refused_without_asking_mmcli(string number, string detail)
    {
        using var fake = FakeMmcli.Start("sms-sent");
        var result = await SendAsync(fake, number: number);
        Assert.Equal(new SmsSendResult(false, detail), result);
        Assert.Empty(fake.Calls);
    }

    [Fact]
    public async Task A_blank_text_is_a_caller_error()
    {
        using var fake = FakeMmcli.Start("sms-sent");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => SendAsync(fake, text: " "));
        Assert.Empty(fake.Calls);
    }

    [Fact]
    public async Task A_send_the_network_refuses_is_named_and_the_sms_still_deleted()
    {
        using var fake = FakeMmcli.Start("sms-send-fails");
        var result = await SendAsync(fake);
        Assert.Equal(
            new SmsSendResult(false, "mmcli -s 3 --send: error: couldn't send the SMS: 'GDBus.Error:org.freedesktop.ModemManager1.Error.MessageError.NetworkTimeout: Network timeout'"),
            result);
        Assert.Equal("-m 0 --messaging-delete-sms=3", fake.Calls[^1]);
    }

    [Fact]
    public async Task A_failed_delete_leaves_the_result_sent_and_is_kept()
    {
        using var fake = FakeMmcli.Start("sms-delete-fails");
        var sms = new MmcliSms(TimeProvider.System, fake.Command);
        var result = await sms.SendAsync("+4791234567", "Hello", CancellationToken.None);
        Assert.Equal(new SmsSendResult(true, Path3), result);
        Assert.StartsWith("mmcli -m 0 --messaging-delete-sms=3: error: couldn't delete SMS:", sms.LastDeleteFailure, StringComparison.Ordinal);

        fake.Answer("sms-sent");
        await sms.SendAsync("+4791234567", "Hello", CancellationToken.None);
        Assert.Null(sms.LastDeleteFailure);
    }

    [Theory]
    [InlineData("sms-no-messaging", "mmcli -m 0 --messaging-create-sms: error: modem has no messaging capabilities", 2)]
    [InlineData("modemmanager-down", "mmcli -J -L: error: couldn't find the ModemManager process in the bus", 1)]
    [InlineData("no-modem", "ModemManager lists no modem", 1)]
    public async Task What_keeps_the_sms_from_being_created_is_named(string situation, string detail, int calls)
    {
        using var fake = FakeMmcli.Start(situation);
        var result = await SendAsync(fake);
        Assert.Equal(new SmsSendResult(false, detail), result);
        Assert.Equal(calls, fake.Calls.Count);
    }

    [Fact]
    public async Task A_missing_mmcli_is_named_not_thrown()
    {
        var result = await new MmcliSms(TimeProvider.System, Path.Combine(Path.GetTempPath(), "no-such-dir", "mmcli")).SendAsync("+4791234567", "Hello", CancellationToken.None);
        Assert.False(result.Sent);
        Assert.Contains("cannot be started", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_that_never_answers_is_killed_five_seconds_after_mmclis_own_timeout()
    {
        using var fake = FakeMmcli.Start("sms-send-hangs");
        var watch = Stopwatch.StartNew();
        var result = await SendAsync(fake, timeout: TimeSpan.FromSeconds(1));
        Assert.Equal(new SmsSendResult(false, "mmcli -s 3 --send: no answer within 6 s"), result);
        Assert.Equal(["-J -L", "-s 3 --send --timeout=1", "-m 0 --messaging-delete-sms=3"], fake.Calls.Where((_, i) => i != 1));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task The_simulated_modem_keeps_and_announces_every_message()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero));
        var modem = new SimulatedSmsModem(time);
        var received = new List<SimulatedSms>();
        modem.Received += received.Add;

        var first = await modem.SendAsync("+4791234567", "Fall detected", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var second = await modem.SendAsync("+4798765432", "Ola is fine", CancellationToken.None);

        Assert.Equal(new SmsSendResult(true, "simulated modem: message 1"), first);
        Assert.Equal(new SmsSendResult(true, "simulated modem: message 2"), second);
        Assert.Equal(
            [new SimulatedSms("+4791234567", "Fall detected", time.Start), new SimulatedSms("+4798765432", "Ola is fine", time.Start.AddMinutes(1))],
            modem.Sent);
        Assert.Equal(modem.Sent, received);
    }
}
