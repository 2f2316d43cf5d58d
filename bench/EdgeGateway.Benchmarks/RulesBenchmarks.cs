using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using UnitsNet;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Rule evaluation on one core: a day's mix of readings (doors, bed mat, flow) run through every rule of a fully
/// configured home. One operation = <see cref="Batch"/> readings, so events/s = Batch / mean and allocations per event =
/// Allocated / Batch. Timers are counted, not run, so this is the rules' own cost without the loop's queue.
/// </summary>
[MemoryDiagnoser]
public class RulesBenchmarks
{
    /// <summary>Readings per operation.</summary>
    public const int Batch = 1000;

    private ICareRule[] _rules = [];
    private SensorReading[] _readings = [];
    private BenchContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new HomeRulesConfig
        {
            Sensors =
            [
                new() { Id = "front-door", Kind = SensorKind.DoorContact },
                new() { Id = "balcony", Kind = SensorKind.DoorContact },
                new() { Id = "bed", Kind = SensorKind.BedMat },
                new() { Id = "kitchen", Kind = SensorKind.FlowMeter },
            ],
            NightExit = new() { DoorSensorId = "front-door", IndoorSensorIds = ["bed"] },
            BedLeftAtNight = new() { BedSensorId = "bed" },
            DoorLeftOpen = new() { DoorSensorIds = ["front-door", "balcony"] },
            TapLeftRunning = new() { FlowSensorIds = ["kitchen"] },
            Leak = new() { FlowSensorIds = ["kitchen"] },
            Inactivity = new() { ActivitySensorIds = ["front-door", "balcony", "bed"] },
        };
        _rules = [.. config.BuildRules()];
        var noon = new EventTime(new DateTimeOffset(2026, 6, 10, 12, 0, 0, TimeSpan.FromHours(2)), true, TimeSpan.FromHours(1));
        _context = new BenchContext(noon);
        _readings = new SensorReading[Batch];
        for (var i = 0; i < Batch; i++)
        {
            _readings[i] = (i % 4) switch
            {
                0 => SensorReading.Contact(i % 8 == 0 ? "front-door" : "balcony", SensorKind.DoorContact, i % 16 < 8, noon),
                1 => SensorReading.Contact("bed", SensorKind.BedMat, i % 10 < 5, noon),
                2 => SensorReading.FlowMeter("kitchen", VolumeFlow.FromLitersPerMinute(i % 12 < 6 ? 6 : 0), Volume.FromLiters(i), noon),
                _ => SensorReading.Contact("hall-motion", SensorKind.ChairMat, i % 2 == 0, noon),
            };
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long EvaluateReading()
    {
        var rules = _rules;
        var context = _context;
        foreach (ref readonly var reading in _readings.AsSpan())
        {
            foreach (var rule in rules)
            {
                rule.OnReading(reading, context);
            }
        }

        return context.Scheduled;
    }

    private sealed class BenchContext(EventTime now) : IRuleContext
    {
        private static readonly IDisposable NoTimer = new Nothing();

        public long Scheduled { get; private set; }

        public EventTime Now { get; } = now;

        public Alarm RaiseAlarm(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null, int? priority = null) =>
            throw new InvalidOperationException($"the benchmark's readings should raise nothing, got {kind}");

        public CareEvent Emit(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null) =>
            throw new InvalidOperationException($"the benchmark's readings should emit nothing, got {kind}");

        public void ClearAlarm(Guid alarmId, ClearReason reason)
        {
        }

        public IDisposable Schedule(ICareRule rule, TimeSpan delay, long token)
        {
            Scheduled++;
            return NoTimer;
        }

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
