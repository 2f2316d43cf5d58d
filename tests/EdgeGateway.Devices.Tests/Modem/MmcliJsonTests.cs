using EdgeGateway.Devices.Modem;
using EdgeGateway.TestSupport.Modem;

namespace EdgeGateway.Devices.Tests.Modem;

/// <summary>ModemManager's JSON, as mmcli prints it, read into <see cref="ModemStatus"/>; anything else is a named format error.</summary>
public sealed class MmcliJsonTests
{
    private static ModemStatus Read(string situation) =>
        MmcliJson.WithSignal(MmcliJson.ParseModem(FakeMmcli.Recorded(situation, "modem.json")), FakeMmcli.Recorded(situation, "signal.json"));

    [Fact]
    public void A_connected_modem_reads_with_its_registration_operator_and_LTE_values_in_their_units()
    {
        var s = Read("healthy");
        Assert.Equal("connected", s.State);
        Assert.Null(s.FailedReason);
        Assert.Equal("home", s.Registration);
        Assert.Equal("Telia N", s.Operator);
        Assert.Equal(["lte"], s.AccessTechnologies);
        Assert.Equal(67, s.SignalQuality!.Value.Percent, 6);
        Assert.Equal(-95, s.LteRsrp!.Value.DecibelMilliwatts, 6);
        Assert.Equal(-11, s.LteRsrq!.Value.Decibels, 6);
        Assert.Equal(13.4, s.LteSnr!.Value.Decibels, 6);
        Assert.Equal(TimeSpan.FromSeconds(30), s.SignalRefresh);
        Assert.True(s.IsRegistered);

        // A working modem reports sim-pin2 as its "lock": that guards fixed dialling only and must not read as a locked SIM.
        Assert.Equal("sim-pin2", s.UnlockRequired);
        Assert.False(s.IsLocked);
    }

    [Fact]
    public void Absent_values_read_as_absent_not_as_zero_or_text()
    {
        var s = Read("sim-missing");
        Assert.Equal("failed", s.State);
        Assert.Equal("sim-missing", s.FailedReason);
        Assert.Null(s.Registration);
        Assert.Null(s.Operator);
        Assert.Null(s.UnlockRequired);
        Assert.Empty(s.AccessTechnologies);
        Assert.Null(s.LteRsrp);
        Assert.Null(s.LteSnr);
    }

    [Theory]
    [InlineData("sim-pin")]
    [InlineData("sim-puk")]
    public void A_SIM_waiting_for_its_PIN_or_PUK_is_locked(string situation)
    {
        var s = Read(situation);
        Assert.Equal("locked", s.State);
        Assert.Equal(situation, s.UnlockRequired);
        Assert.True(s.IsLocked);
    }

    [Theory]
    [InlineData("searching", "searching")]
    [InlineData("denied", "denied")]
    [InlineData("weak-signal", "roaming")]
    public void The_registration_is_read_as_ModemManager_names_it(string situation, string registration)
    {
        var s = Read(situation);
        Assert.Equal(registration, s.Registration);
        Assert.Equal(registration == "roaming", s.IsRegistered);
    }

    [Fact]
    public void The_modem_list_gives_mmcli_indices()
    {
        Assert.Equal([0], MmcliJson.ParseModemList(FakeMmcli.Recorded("healthy", "list.json")));
        Assert.Empty(MmcliJson.ParseModemList(FakeMmcli.Recorded("no-modem", "list.json")));
        Assert.Equal([3, 12], MmcliJson.ParseModemList("""{"modem-list":["/org/freedesktop/ModemManager1/Modem/3","/org/freedesktop/ModemManager1/Modem/12"]}"""));
    }

    [Theory]
    [InlineData("", "mmcli printed nothing")]
    [InlineData("error: couldn't find modem", "not JSON")]
    [InlineData("""{"modem-list":"/org/freedesktop/ModemManager1/Modem/0"}""", "modem-list: missing or not an array")]
    [InlineData("""{"modem-list":["/org/freedesktop/ModemManager1/Modem/x"]}""", "is not a ModemManager modem path")]
    [InlineData("""{"modem-list":[0]}""", "modem-list: an entry is not a string")]
    public void A_malformed_modem_list_is_refused_naming_what_is_wrong(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => MmcliJson.ParseModemList(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"modem":{"generic":{}}}""", "modem.generic.state: missing")]
    [InlineData("""{"modem":{"generic":{"state":5}}}""", "modem.generic.state: not a string")]
    [InlineData("""{"modem":{}}""", "modem.generic: missing or not an object")]
    [InlineData("""{"modem":{"generic":{"state":"registered","signal-quality":{"value":"strong"}}}}""", "modem.generic.signal-quality.value: 'strong' is not a number")]
    [InlineData("""{"modem":{"generic":{"state":"registered","signal-quality":{"value":"140"}}}}""", "is not 0–100 %")]
    [InlineData("""{"modem":{"generic":{"state":"registered","access-technologies":"lte"}}}""", "modem.generic.access-technologies: not an array")]
    [InlineData("""[1,2]""", "the answer is not a JSON object")]
    public void A_malformed_modem_answer_is_refused_naming_the_key(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => MmcliJson.ParseModem(json));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_off_answer_is_a_format_error()
    {
        var ex = Assert.Throws<FormatException>(() => MmcliJson.ParseModem(FakeMmcli.Recorded("garbage", "modem.json")));
        Assert.StartsWith("not JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signal_value_that_is_not_a_number_is_refused_naming_the_key()
    {
        var status = MmcliJson.ParseModem(FakeMmcli.Recorded("healthy", "modem.json"));
        var ex = Assert.Throws<FormatException>(() => MmcliJson.WithSignal(status, """{"modem":{"signal":{"lte":{"rsrp":"-95 dBm"},"refresh":{"rate":"30"}}}}"""));
        Assert.Contains("modem.signal.lte.rsrp: '-95 dBm' is not a number", ex.Message, StringComparison.Ordinal);
    }
}
