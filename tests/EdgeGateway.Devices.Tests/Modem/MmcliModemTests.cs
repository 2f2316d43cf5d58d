using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Modem;
using EdgeGateway.TestSupport.Modem;

namespace EdgeGateway.Devices.Tests.Modem;

/// <summary><see cref="MmcliModem"/> against a fake mmcli process printing recorded ModemManager answers.</summary>
public sealed class MmcliModemTests
{
    private static Task<ModemReading> ReadAsync(FakeMmcli fake, TimeSpan? timeout = null) =>
        new MmcliModem(TimeProvider.System, fake.Command, timeout ?? TimeSpan.FromSeconds(30)).ReadAsync(CancellationToken.None);

    [Fact]
    public async Task A_healthy_modem_is_read_from_its_three_answers()
    {
        using var fake = FakeMmcli.Start("healthy");
        var reading = await ReadAsync(fake);
        Assert.Equal(ModemProblem.None, reading.Problem);
        Assert.Equal("connected", reading.Status!.State);
        Assert.Equal(-95, reading.Status.LteRsrp!.Value.DecibelMilliwatts, 6);
        Assert.Equal(["-J -L", "-J -m 0", "-J -m 0 --signal-get"], fake.Calls);
    }

    [Fact]
    public async Task Signal_polling_that_is_off_is_switched_on_once()
    {
        using var fake = FakeMmcli.Start("signal-polling-off");
        var modem = new MmcliModem(TimeProvider.System, fake.Command, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var first = await modem.ReadAsync(CancellationToken.None);
        await modem.ReadAsync(CancellationToken.None);
        Assert.Equal(ModemProblem.None, first.Problem);
        Assert.Null(first.Status!.LteRsrp);
        Assert.Single(fake.Calls, c => c == "-m 0 --signal-setup=30");
    }

    [Theory]
    [InlineData("no-modem", ModemProblem.NoModem, "ModemManager lists no modem")]
    [InlineData("modem-gone", ModemProblem.NoModem, "mmcli -J -m 0: error: couldn't find modem")]
    [InlineData("modemmanager-down", ModemProblem.MmcliFailed, "mmcli -J -L: error: couldn't find the ModemManager process in the bus")]
    [InlineData("garbage", ModemProblem.MalformedOutput, "mmcli -m 0: not JSON")]
    public async Task What_keeps_the_modem_from_being_read_is_a_named_problem(string situation, ModemProblem problem, string detail)
    {
        using var fake = FakeMmcli.Start(situation);
        var reading = await ReadAsync(fake);
        Assert.Null(reading.Status);
        Assert.Equal(problem, reading.Problem);
        Assert.StartsWith(detail, reading.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_mmcli_is_killed_at_its_time_limit_and_named()
    {
        using var fake = FakeMmcli.Start("hang");
        var reading = await ReadAsync(fake, TimeSpan.FromSeconds(1));
        Assert.Equal(ModemProblem.MmcliTimedOut, reading.Problem);
        Assert.Equal("mmcli -J -m 0: no answer within 1 s", reading.Detail);
    }

    [Fact]
    public async Task A_missing_mmcli_is_named_not_thrown()
    {
        var reading = await new MmcliModem(TimeProvider.System, Path.Combine(Path.GetTempPath(), "no-such-dir", "mmcli")).ReadAsync(CancellationToken.None);
        Assert.Equal(ModemProblem.MmcliMissing, reading.Problem);
        Assert.Contains("cannot be started", reading.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_modem_config_is_refused_naming_each_key()
    {
        var errors = new DevicesConfig { Modem = new ModemConfig { CheckMinutes = 0, MinSignalPercent = 150 } }.Validate();
        Assert.Contains(errors, e => e.ToString().StartsWith("devices.modem.check_minutes: 0 must be 1–1440", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().StartsWith("devices.modem.min_signal_percent: 150 must be 0–100", StringComparison.Ordinal));
        Assert.Empty(new DevicesConfig { Modem = new ModemConfig() }.Validate());
    }
}
