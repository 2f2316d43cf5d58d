using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Falls;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Accelerometers;
using EdgeGateway.Devices.Accelerometers.Adxl345;
using EdgeGateway.Devices.Accelerometers.Mpu6050;
using EdgeGateway.Devices.Simulated;
using EdgeGateway.Devices.Supervision;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Lost accelerometer samples on a busy machine: the real drivers and <see cref="Accelerometer"/> on the register-level
/// simulated chips, all on the real clock with 400 kHz bus time, each reader design side by side, the fall detector as
/// the consumer. Load the machine yourself (<c>stress-ng --cpu 2</c>). Run:
/// <c>dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- fifo [--minutes N | --seconds N]</c>.
/// Exits 1 when a dedicated reader thread lost a sample.
/// </summary>
internal static class FifoRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var duration = Duration(args);
        var time = TimeProvider.System;
        var runs = new[]
        {
            Run.Adxl345(time, AccelerometerReader.DedicatedThread),
            Run.Adxl345(time, AccelerometerReader.Timer),
            Run.Mpu6050(time, AccelerometerReader.DedicatedThread),
            Run.Mpu6050(time, AccelerometerReader.Timer),
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fifo: {runs.Length} accelerometers at 200 Hz on the real clock for {duration}, I2C modelled at 400 kHz; {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        Console.WriteLine("  reader 'thread' = dedicated thread at the chip's watermark (ADXL345 8 samples, MPU-6050 20); 'timer' = thread-pool timer every 50 ms (the previous design)");
        foreach (var run in runs)
        {
            run.Accelerometer.Start();
        }

        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var wall = Stopwatch.StartNew();
        var report = TimeSpan.FromSeconds(Math.Min(60, Math.Max(5, duration.TotalSeconds / 10)));
        // A timer may fire a little early: without the margin the last line would print twice.
        while (duration - wall.Elapsed > TimeSpan.FromMilliseconds(100))
        {
            await Task.Delay(Min(report, duration - wall.Elapsed), time);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {wall.Elapsed:hh\\:mm\\:ss} load {LoadAverage()}: overruns {string.Join(", ", runs.Select(r => $"{r.Name} {r.Accelerometer.Overruns}"))}"));
        }

        var readers = runs.ToDictionary(r => r.Name, r => r.Accelerometer.ReaderThread);
        foreach (var run in runs)
        {
            run.Accelerometer.Stop();
        }

        foreach (var (name, reader) in readers)
        {
            if (reader is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: woke at most {reader.MaxLateness.TotalMilliseconds:0.0} ms after its deadline; longest read {reader.MaxReadTime.TotalMilliseconds:0.0} ms"));
            }
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  GCs during the run: gen0 {GC.CollectionCount(0) - gcBefore.Item1}, gen1 {GC.CollectionCount(1) - gcBefore.Item2}, gen2 {GC.CollectionCount(2) - gcBefore.Item3}, total pause {(GC.GetTotalPauseDuration() - gcBefore.Item4).TotalMilliseconds:0.0} ms (a pause stops the reader thread too)"));
        Console.WriteLine();
        Console.WriteLine($"  {"chip/reader",-16} {"produced",10} {"delivered",10} {"waiting",8} {"lost",8} {"overruns",9} {"max FIFO",9} {"faults",7} {"max gap ms",11}");
        var threadLost = 0L;
        foreach (var run in runs)
        {
            var lost = run.Produced() - run.Accelerometer.SamplesDelivered - run.Waiting();
            if (run.Reader == AccelerometerReader.DedicatedThread)
            {
                threadLost += lost + run.Faults;
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {run.Name,-16} {run.Produced(),10:N0} {run.Accelerometer.SamplesDelivered,10:N0} {run.Waiting(),8} {lost,8:N0} {run.Accelerometer.Overruns,9} {$"{run.Accelerometer.MaxFifoLevel}/{run.Capacity}",9} {run.Faults,7} {run.MaxGapMs,11:0.0}"));
            run.Accelerometer.Dispose();
        }

        Console.WriteLine("  lost = produced - delivered - waiting; a fault re-initialises the chip, so its losses are not in 'lost'");
        Console.WriteLine("  max gap = longest real time between two delivered samples (the reader's worst lateness plus one read interval)");
        return threadLost == 0 ? 0 : 1;
    }

    private static TimeSpan Duration(string[] args)
    {
        for (var i = 1; i < args.Length - 1; i++)
        {
            var value = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--minutes":
                    return TimeSpan.FromMinutes(value);
                case "--seconds":
                    return TimeSpan.FromSeconds(value);
            }
        }

        return TimeSpan.FromMinutes(1);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed class Run
    {
        private int _faults;
        private long _lastSample;
        private long _maxGap;

        private Run(string name, AccelerometerReader reader, IAccelerometerChip chip, int capacity, Func<long> produced, Func<long> waiting, TimeProvider time)
        {
            Name = name;
            Reader = reader;
            Capacity = capacity;
            Produced = produced;
            Waiting = waiting;
            var detector = new FallDetector(new FallDetectorOptions(), chip.SampleRateHz);
            Accelerometer = new Accelerometer(
                chip,
                new AccelerometerOptions { SensorId = name, Reader = reader },
                time,
                new CareEventFactory("bench", time, new FixedClockSyncStatus(true)).Now,
                s =>
                {
                    // The longest real-time gap between two deliveries: how late the reader was at its worst.
                    var now = Stopwatch.GetTimestamp();
                    if (_lastSample != 0 && now - _lastSample > _maxGap)
                    {
                        _maxGap = now - _lastSample;
                    }

                    _lastSample = now;
                    detector.Process(s, out _);
                },
                c => _faults += c.State == SupervisionState.Faulted ? 1 : 0,
                new ConsoleLogger());
        }

        public string Name { get; }

        public AccelerometerReader Reader { get; }

        public int Capacity { get; }

        public Func<long> Produced { get; }

        public Func<long> Waiting { get; }

        public Accelerometer Accelerometer { get; }

        public int Faults => Volatile.Read(ref _faults);

        public double MaxGapMs => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _maxGap)).TotalMilliseconds;

        public static Run Adxl345(TimeProvider time, AccelerometerReader reader)
        {
            var sim = new SimulatedAdxl345(time, AccelerationTrace.AtRest());
            sim.ModelBusTime(time);
            var chip = new Adxl345(sim);
            return new Run($"adxl345/{Short(reader)}", reader, chip, chip.FifoCapacity, () => sim.SamplesProduced, () => sim.Entries, time);
        }

        public static Run Mpu6050(TimeProvider time, AccelerometerReader reader)
        {
            var sim = new SimulatedMpu6050(time, AccelerationTrace.AtRest());
            sim.ModelBusTime(time);
            var chip = new Mpu6050(sim);
            return new Run($"mpu6050/{Short(reader)}", reader, chip, chip.FifoCapacity, () => sim.SamplesProduced, () => sim.FifoCount / 6, time);
        }

        private static string Short(AccelerometerReader reader) => reader == AccelerometerReader.DedicatedThread ? "thread" : "timer";
    }

    /// <summary>Prints what the accelerometers log (the reader's priority, overruns) between the progress lines.</summary>
    private sealed class ConsoleLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.WriteLine($"  [{logLevel}] {formatter(state, exception)}");
            }
        }
    }
}
