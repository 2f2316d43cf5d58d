using System.Collections.Concurrent;
using EdgeGateway.Core.Events;
using EdgeGateway.Devices.Modem;
using EdgeGateway.TestSupport;
using EdgeGateway.TestSupport.Modem;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Devices.Tests.Modem;

/// <summary>The periodic modem check: one fault per problem, a restore when it clears, on the configured interval.</summary>
public sealed class ModemCheckTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private (ModemCheck Check, ConcurrentQueue<ModemChange> Changes) Start(FakeMmcli fake, TimeProvider time)
    {
        var changes = new ConcurrentQueue<ModemChange>();
        var check = new ModemCheck(new MmcliModem(TimeProvider.System, fake.Command), new ModemCheckOptions { Interval = Interval }, time, changes.Enqueue, _logs.For<ModemCheck>());
        return (check, changes);
    }

    [Fact]
    public async Task A_missing_SIM_is_one_fault_until_it_clears_and_then_one_restore()
    {
        using var fake = FakeMmcli.Start("sim-missing");
        var (check, changes) = Start(fake, new FakeTimeProvider());
        using (check)
        {
            await check.CheckAsync();
            await check.CheckAsync();
            fake.Answer("healthy");
            await check.CheckAsync();
            await check.CheckAsync();
        }

        Assert.Equal(
            [(CareEventKind.ModemFault, ModemProblem.SimMissing), (CareEventKind.ModemRestored, ModemProblem.None)],
            changes.Select(c => (c.Event, c.Verdict.Problem)));
        Assert.Equal("SIM missing (sim-missing)", changes.First().Verdict.Reason);
    }

    [Fact]
    public async Task A_new_reason_is_a_new_fault_and_a_healthy_first_check_says_nothing()
    {
        using var fake = FakeMmcli.Start("healthy");
        var (check, changes) = Start(fake, new FakeTimeProvider());
        using (check)
        {
            Assert.Equal(ModemProblem.None, (await check.CheckAsync()).Problem);
            Assert.Empty(changes);
            fake.Answer("sim-pin");
            await check.CheckAsync();
            fake.Answer("searching");
            await check.CheckAsync();
            Assert.Equal("searching", check.LastStatus!.Registration);
        }

        Assert.Equal([ModemProblem.SimLocked, ModemProblem.NotRegistered], changes.Select(c => c.Verdict.Problem));
        Assert.All(changes, c => Assert.Equal(CareEventKind.ModemFault, c.Event));
    }

    [Fact]
    public async Task The_check_runs_at_start_and_again_after_each_interval()
    {
        using var fake = FakeMmcli.Start("healthy");
        var time = new FakeTimeProvider();
        var (check, _) = Start(fake, time);
        using (check)
        {
            await Eventually.UntilAsync(() => fake.Calls.Count(c => c == "-J -L") == 1 && check.LastStatus is not null, TimeSpan.FromSeconds(30));
            time.Advance(Interval - TimeSpan.FromSeconds(1));
            await Task.Delay(200);
            Assert.Equal(1, fake.Calls.Count(c => c == "-J -L"));
            time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.UntilAsync(() => fake.Calls.Count(c => c == "-J -L") == 2, TimeSpan.FromSeconds(30));
        }
    }
}
