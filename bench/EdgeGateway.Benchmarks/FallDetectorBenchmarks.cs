using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.Benchmarks;

/// <summary>Cost of one accelerometer sample through the fall detector, and through the detector plus the wearer monitor (what the gateway runs), reported per sample, at 200 Hz and 100 Hz.</summary>
[MemoryDiagnoser]
public class FallDetectorBenchmarks
{
    private const int Samples = 20_000;
    private AccelerationSample[] _trace = [];
    private FallDetector _detector = null!;
    private WearerMonitor _wearer = null!;

    [Params(200.0, 100.0)]
    public double SampleRateHz { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _detector = new FallDetector(new FallDetectorOptions(), SampleRateHz);
        _wearer = new WearerMonitor(new WearerMonitorOptions());
        _trace = new AccelerationSample[Samples];
        var random = new Random(42);
        var period = 1 / SampleRateHz;

        // Walking, then a fall (free fall, impact, lying still), repeated: every phase of the detector is exercised.
        for (var i = 0; i < Samples; i++)
        {
            var t = i * period;
            var cycle = t % 30;
            (double x, double y, double z) g = cycle switch
            {
                < 20 => (0.15 * Math.Sin(2 * Math.PI * t), -1 - (0.35 * Math.Sin(4 * Math.PI * t)), 0.1 * Math.Cos(4 * Math.PI * t)),
                < 20.4 => (0, -0.2, 0),
                < 20.5 => (0, 0, 5),
                _ => (0, 0, 1),
            };
            _trace[i] = AccelerationSample.FromG(
                g.x + ((random.NextDouble() - 0.5) * 0.02),
                g.y + ((random.NextDouble() - 0.5) * 0.02),
                g.z + ((random.NextDouble() - 0.5) * 0.02),
                TimeSpan.FromSeconds(t));
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public int ProcessSample()
    {
        _detector.Reset();
        var alarms = 0;
        foreach (ref readonly var sample in _trace.AsSpan())
        {
            if (_detector.Process(sample, out _))
            {
                alarms++;
            }
        }

        return alarms;
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public int ProcessSampleWithWearerMonitor()
    {
        _detector.Reset();
        var events = 0;
        foreach (ref readonly var sample in _trace.AsSpan())
        {
            if (_detector.Process(sample, out _))
            {
                events++;
            }

            if (_wearer.Process(sample, out _))
            {
                events++;
            }
        }

        return events;
    }
}
