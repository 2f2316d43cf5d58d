using System.Device.Gpio;
using BenchmarkDotNet.Attributes;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Accelerometers;
using EdgeGateway.Devices.Accelerometers.Adxl345;
using EdgeGateway.Devices.Accelerometers.Mpu6050;
using EdgeGateway.Devices.FlowMeters;
using EdgeGateway.Devices.Simulated;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Per-sample cost of the accelerometer read path (supervisor + driver + register-level simulated chip on the I2C
/// API) and per-pulse cost of flow counting. Results are per sample / per pulse (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class DevicesBenchmarks : IDisposable
{
    private const int SamplesPerPoll = 32; // 160 ms at 200 Hz, a full ADXL345 FIFO
    private const int Pulses = 10_000;
    private static readonly TimeSpan PollGap = TimeSpan.FromMilliseconds(160);

    private FakeTimeProvider _adxlTime = null!;
    private Accelerometer _adxl = null!;
    private FakeTimeProvider _mpuTime = null!;
    private Accelerometer _mpu = null!;
    private GpioController _gpio = null!;
    private FlowMeter _countOnly = null!;
    private FlowMeter _withPersistence = null!;
    private string _dataDir = null!;
    private long _sink;

    [GlobalSetup]
    public void Setup()
    {
        (_adxlTime, _adxl) = Create(t => new Adxl345(new SimulatedAdxl345(t)));
        (_mpuTime, _mpu) = Create(t => new Mpu6050(new SimulatedMpu6050(t)));
        _dataDir = Directory.CreateTempSubdirectory("bench-flow-").FullName;
        _gpio = new GpioController(new SimulatedGpioDriver());
        var now = new CareEventFactory("bench", TimeProvider.System, new FixedClockSyncStatus(true)).Now;

        // K so large that a persist never falls inside the measurement: the bare counting path.
        _countOnly = new FlowMeter(_gpio, new FlowMeterOptions { SensorId = "count-only", Pin = 5, PulsesPerLitre = 1e15 }, _dataDir, TimeProvider.System, now, _ => { });

        // A YF-S201: the persist timer is poked every 225 pulses and writes the total on a pool thread.
        _withPersistence = new FlowMeter(_gpio, new FlowMeterOptions { SensorId = "yf-s201", Pin = 6, PulsesPerLitre = 450 }, _dataDir, TimeProvider.System, now, _ => { });
    }

    private (FakeTimeProvider, Accelerometer) Create(Func<TimeProvider, IAccelerometerChip> chip)
    {
        var time = new FakeTimeProvider();
        var accelerometer = new Accelerometer(
            chip(time),
            new AccelerometerOptions { SensorId = "bench", FrozenAfter = TimeSpan.FromDays(1), Reader = AccelerometerReader.Timer },
            time,
            new CareEventFactory("bench", time, new FixedClockSyncStatus(true)).Now,
            s => _sink += s.Timestamp.Ticks);
        accelerometer.Start();
        return (time, accelerometer);
    }

    /// <summary>ADXL345: FIFO_STATUS + one 8-byte burst (INT_SOURCE to DATAZ1) per sample, decode, timestamp, deliver.</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerPoll)]
    public long Adxl345ReadPathPerSample()
    {
        _adxlTime.Advance(PollGap);
        _adxl.Poll();
        return _sink;
    }

    /// <summary>MPU-6050: INT_STATUS + FIFO_COUNT + one burst of 32 × 6 bytes, decode, timestamp, deliver.</summary>
    [Benchmark(OperationsPerInvoke = SamplesPerPoll)]
    public long Mpu6050ReadPathPerSample()
    {
        _mpuTime.Advance(PollGap);
        _mpu.Poll();
        return _sink;
    }

    /// <summary>The GPIO callback's work for one pulse.</summary>
    [Benchmark(OperationsPerInvoke = Pulses)]
    public long CountPulse()
    {
        for (var i = 0; i < Pulses; i++)
        {
            _countOnly.CountPulse();
        }

        return _countOnly.Pulses;
    }

    /// <summary>One pulse including its share of the persistence (temp file, fsync, rename every half litre).</summary>
    [Benchmark(OperationsPerInvoke = Pulses)]
    public long CountPulseWithPersistence()
    {
        for (var i = 0; i < Pulses; i++)
        {
            _withPersistence.CountPulse();
        }

        return _withPersistence.Pulses;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _adxl.Dispose();
        _mpu.Dispose();
        _countOnly.Dispose();
        _withPersistence.Dispose();
        _gpio.Dispose();
        Directory.Delete(_dataDir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
