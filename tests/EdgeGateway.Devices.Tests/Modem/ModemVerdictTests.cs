using EdgeGateway.Devices.Modem;
using EdgeGateway.TestSupport.Modem;
using UnitsNet;

namespace EdgeGateway.Devices.Tests.Modem;

/// <summary>Whether the secondary path could carry an alarm, judged from what ModemManager says.</summary>
public sealed class ModemVerdictTests
{
    private static readonly ModemCheckOptions Options = new() { MinSignal = Ratio.FromPercent(20) };

    private static ModemReading Reading(string situation) => ModemReading.Of(
        MmcliJson.WithSignal(MmcliJson.ParseModem(FakeMmcli.Recorded(situation, "modem.json")), FakeMmcli.Recorded(situation, "signal.json")));

    [Theory]
    [InlineData("healthy", ModemProblem.None, "registered (home) on Telia N, signal 67 %")]
    [InlineData("sim-missing", ModemProblem.SimMissing, "SIM missing (sim-missing)")]
    [InlineData("sim-pin", ModemProblem.SimLocked, "SIM locked, needs sim-pin")]
    [InlineData("sim-puk", ModemProblem.SimLocked, "SIM locked, needs sim-puk")]
    [InlineData("searching", ModemProblem.NotRegistered, "not registered (searching)")]
    [InlineData("denied", ModemProblem.NotRegistered, "not registered (denied)")]
    [InlineData("weak-signal", ModemProblem.SignalLow, "signal 12 % below 20 %")]
    public void Each_recorded_situation_gets_its_problem_and_reason(string situation, ModemProblem problem, string reason)
    {
        var verdict = ModemVerdict.Of(Reading(situation), Options);
        Assert.Equal(problem, verdict.Problem);
        Assert.Equal(reason, verdict.Reason);
    }

    [Fact]
    public void A_weak_signal_must_climb_past_the_hysteresis_to_count_as_restored()
    {
        var at22 = ModemReading.Of(Reading("healthy").Status! with { SignalQuality = Ratio.FromPercent(22) });
        Assert.Equal(ModemProblem.None, ModemVerdict.Of(at22, Options).Problem);
        Assert.Equal(ModemProblem.SignalLow, ModemVerdict.Of(at22, Options, signalWasLow: true).Problem);
        var at25 = ModemReading.Of(Reading("healthy").Status! with { SignalQuality = Ratio.FromPercent(25) });
        Assert.Equal(ModemProblem.None, ModemVerdict.Of(at25, Options, signalWasLow: true).Problem);
    }

    [Fact]
    public void A_read_fault_is_the_verdict_with_its_detail()
    {
        var verdict = ModemVerdict.Of(ModemReading.Failed(ModemProblem.MmcliTimedOut, "mmcli -J -m 0: no answer within 10 s"), Options);
        Assert.Equal(ModemProblem.MmcliTimedOut, verdict.Problem);
        Assert.Equal("mmcli -J -m 0: no answer within 10 s", verdict.Reason);
    }
}
