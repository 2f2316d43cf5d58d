using EdgeGateway.Core.Configuration;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Power;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeGateway.Core.Tests.Power;

public sealed class PowerMonitorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
    private readonly ScriptedSource _source = new();
    private readonly List<(CareEventKind Kind, string Text)> _events = [];
    private readonly List<PowerState> _shutdowns = [];
    private readonly PowerMonitor _monitor;

    public PowerMonitorTests()
    {
        _monitor = new PowerMonitor(
            _source,
            new PowerMonitorOptions { PollInterval = TimeSpan.FromSeconds(5), MainsSettle = TimeSpan.FromSeconds(10), Capacity = ElectricCharge.FromMilliampereHours(3000) },
            _time,
            (kind, text) => _events.Add((kind, text)));
        _monitor.ShutdownRequested += _shutdowns.Add;
        _source.Now = new PowerStatus(PowerSupply.Mains, BatteryCondition.Normal, Ratio.FromPercent(95));
        _monitor.Start();
    }

    public void Dispose() => _monitor.Dispose();

    private IEnumerable<CareEventKind> Kinds => _events.Select(e => e.Kind);

    private void Run(TimeSpan span)
    {
        for (var left = span; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private void OnBattery(double percent, double amperes = -0.6) =>
        _source.Now = new PowerStatus(PowerSupply.Battery, BatteryCondition.Normal, Ratio.FromPercent(percent), ElectricPotential.FromVolts(7.4), ElectricCurrent.FromAmperes(amperes));

    [Fact]
    public void A_flicker_shorter_than_the_settle_time_is_not_an_event()
    {
        OnBattery(95);
        Run(TimeSpan.FromSeconds(6));
        _source.Now = new PowerStatus(PowerSupply.Mains, BatteryCondition.Normal, Ratio.FromPercent(95));
        Run(TimeSpan.FromMinutes(1));

        Assert.Empty(_events);
        Assert.Equal(PowerSupply.Mains, _monitor.State.Supply);
    }

    [Fact]
    public void A_power_cut_goes_lost_low_critical_with_one_shutdown_request_and_mains_back_restores()
    {
        OnBattery(80);
        Run(TimeSpan.FromSeconds(16));
        Assert.Equal([CareEventKind.MainsLost], Kinds);
        Assert.Equal(PowerSupply.Battery, _monitor.State.Supply);

        // 3000 mAh × (80 % − 10 % reserve) at 0.6 A: 3.5 h to the reserve.
        Assert.Equal(3.5, _monitor.State.TimeLeft!.Value.TotalHours, 2);
        Assert.Contains("~3.5 h left", _monitor.State.ToString(), StringComparison.Ordinal);

        OnBattery(29);
        Run(TimeSpan.FromSeconds(5));
        OnBattery(25);
        Run(TimeSpan.FromSeconds(30));
        Assert.Equal([CareEventKind.MainsLost, CareEventKind.BatteryLow], Kinds);

        OnBattery(10);
        Run(TimeSpan.FromSeconds(30));
        Assert.Equal([CareEventKind.MainsLost, CareEventKind.BatteryLow, CareEventKind.BatteryCritical], Kinds);
        var shutdown = Assert.Single(_shutdowns);
        Assert.Equal(PowerSupply.Battery, shutdown.Supply);

        _source.Now = new PowerStatus(PowerSupply.Mains, BatteryCondition.Normal, Ratio.FromPercent(12), BatteryCurrent: ElectricCurrent.FromAmperes(0.9));
        Run(TimeSpan.FromSeconds(16));
        Assert.Equal(CareEventKind.MainsRestored, Kinds.Last());
        Assert.Null(_monitor.State.TimeLeft);

        // Charged back above the low threshold plus its hysteresis: the low battery clears once.
        _source.Now = new PowerStatus(PowerSupply.Mains, BatteryCondition.Normal, Ratio.FromPercent(40));
        Run(TimeSpan.FromSeconds(10));
        Assert.Equal(CareEventKind.BatteryRestored, Kinds.Last());
        Assert.Single(_shutdowns);
    }

    [Fact]
    public void A_dc_ups_battery_low_signal_is_its_reserve()
    {
        _source.Now = new PowerStatus(PowerSupply.Battery, BatteryCondition.Normal);
        Run(TimeSpan.FromSeconds(16));
        _source.Now = new PowerStatus(PowerSupply.Battery, BatteryCondition.Low);
        Run(TimeSpan.FromSeconds(5));

        Assert.Equal([CareEventKind.MainsLost, CareEventKind.BatteryLow, CareEventKind.BatteryCritical], Kinds);
        Assert.Single(_shutdowns);
    }

    [Fact]
    public void A_missing_battery_on_mains_and_a_board_that_throws_are_faults_reported_once()
    {
        _source.Now = new PowerStatus(PowerSupply.Mains, BatteryCondition.Missing);
        Run(TimeSpan.FromMinutes(1));
        Assert.Equal([CareEventKind.BatteryFault], Kinds);
        Assert.Contains("no battery connected", _events[0].Text, StringComparison.Ordinal);

        _source.Now = new PowerStatus(PowerSupply.Mains, BatteryCondition.Normal, Ratio.FromPercent(60));
        Run(TimeSpan.FromSeconds(5));
        Assert.Equal(CareEventKind.BatteryRestored, Kinds.Last());

        _source.Throw = new InvalidOperationException("binding bug");
        Run(TimeSpan.FromSeconds(30));
        Assert.Equal(CareEventKind.BatteryFault, Kinds.Last());
        Assert.Contains("binding bug", _events[^1].Text, StringComparison.Ordinal);
        Assert.Equal(PowerSupply.Mains, _monitor.State.Supply); // an unreadable board keeps the last settled supply
        Assert.Equal(3, _events.Count);
    }

    [Fact]
    public void Starting_on_battery_is_reported_at_once()
    {
        using var monitor = new PowerMonitor(new ScriptedSource { Now = new PowerStatus(PowerSupply.Battery, BatteryCondition.Normal) }, new PowerMonitorOptions(), _time, (k, t) => _events.Add((k, t)));
        monitor.Check();
        Assert.Equal(CareEventKind.MainsLost, Assert.Single(_events).Kind);
    }

    [Fact]
    public void Options_out_of_range_are_named()
    {
        var errors = new PowerMonitorOptions { LowCharge = Ratio.FromPercent(5), ReserveCharge = Ratio.FromPercent(10), PollInterval = TimeSpan.Zero }.Validate(ConfigKey.Of("devices", "power")).Select(e => e.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("devices.power.poll_seconds:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("devices.power.low_percent: 5 % must be above the reserve (10 %)", StringComparison.Ordinal));
    }

    private sealed class ScriptedSource : IPowerSource
    {
        public PowerStatus Now { get; set; } = new(PowerSupply.Mains, BatteryCondition.Normal);

        public Exception? Throw { get; set; }

        public string Description => "scripted";

        public PowerStatus Read() => Throw is { } ex ? throw ex : Now;

        public void Dispose()
        {
        }
    }
}
