using System.Collections.Concurrent;
using EdgeGateway.Core.Events;
using EdgeGateway.Devices.Board;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;
using Xunit.Abstractions;

namespace EdgeGateway.Devices.Tests.Board;

/// <summary>The board check: one fault when a part crosses its limit, one restore past the hysteresis, never a flap.</summary>
public sealed class BoardCheckTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eg-board-check-").FullName;
    private readonly ConcurrentQueue<BoardChange> _changes = new();
    private Temperature? _cpu = Temperature.FromDegreesCelsius(55);
    private double _freeShare = 0.5;
    private readonly StrictLogs _logs = new(output);

    private BoardCheck Start(string? vcgencmdOutput = "throttled=0x0")
    {
        var vcgencmd = Path.Combine(_dir, "vcgencmd");
        File.WriteAllText(vcgencmd, $"#!/bin/sh\necho {vcgencmdOutput}\n");
        File.SetUnixFileMode(vcgencmd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var total = Information.FromGigabytes(8);
        return new BoardCheck(
            () => _cpu,
            new PiThrottling(TimeProvider.System, Path.Combine(_dir, "no-hwmon"), vcgencmd),
            () => (Information.FromBytes((double)total.Bytes * _freeShare), total),
            new BoardConfig().ToOptions(),
            new FakeTimeProvider(),
            _changes.Enqueue,
            _logs.For<BoardCheck>());
    }

    [Fact]
    public async Task A_hot_CPU_is_one_fault_and_is_restored_only_5_degrees_below_the_limit()
    {
        using var check = Start();
        foreach (var celsius in new[] { 60, 80, 82, 78, 76, 75, 74 })
        {
            _cpu = Temperature.FromDegreesCelsius(celsius);
            await check.CheckAsync();
        }

        Assert.Equal(
            [(CareEventKind.BoardFault, "temperature", "CPU 80 °C at or above 80 °C"), (CareEventKind.BoardRestored, "temperature", "CPU 75 °C")],
            _changes.Select(c => (c.Event, c.Part, c.Reason)));
    }

    [Fact]
    public async Task A_nearly_full_data_directory_is_one_fault_and_is_restored_2_points_above()
    {
        using var check = Start();
        foreach (var share in new[] { 0.5, 0.09, 0.11, 0.115, 0.125 })
        {
            _freeShare = share;
            await check.CheckAsync();
        }

        Assert.Equal([CareEventKind.BoardFault, CareEventKind.BoardRestored], _changes.Select(c => c.Event));
        Assert.All(_changes, c => Assert.Equal("storage", c.Part));
        Assert.StartsWith("9 % free (720 MB) in the data directory, below 10 %", _changes.First().Reason, StringComparison.Ordinal);
        Assert.Equal(12.5, check.Last!.FreeShare!.Value.Percent, 6);
    }

    [Fact]
    public async Task Under_voltage_is_a_power_fault_and_an_unreadable_part_raises_nothing()
    {
        using (var check = Start("throttled=0x50005"))
        {
            _cpu = null;
            await check.CheckAsync();
            Assert.Equal(["power"], check.Faulted);
            Assert.Null(check.Last!.CpuTemperature);
        }

        Assert.Equal("under-voltage on the 5 V supply (vcgencmd)", Assert.Single(_changes).Reason);
    }

    [Fact]
    public void The_real_binding_reads_the_thermal_zone_or_says_it_has_none()
    {
        // Iot.Device.CpuTemperature reads /sys/class/thermal/thermal_zone0/temp and nothing else: a Pi has it, a container may not.
        using var cpu = new CpuTemperatureSource();
        var reading = cpu.Read();
        if (File.Exists("/sys/class/thermal/thermal_zone0/temp"))
        {
            Assert.InRange(reading!.Value.DegreesCelsius, -40, 125);
        }
        else
        {
            Assert.Null(reading);
        }
    }

    [Fact]
    public void A_bad_board_config_is_refused_naming_each_key()
    {
        var errors = new DevicesConfig { Board = new BoardConfig { CheckSeconds = 1, MaxCpuCelsius = 150, MinFreePercent = 0 } }.Validate();
        Assert.Contains(errors, e => e.ToString().StartsWith("devices.board.check_seconds: 1 must be 10–3600", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().StartsWith("devices.board.max_cpu_celsius: 150 must be 50–100", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().StartsWith("devices.board.min_free_percent: 0 must be 1–50", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }
}
