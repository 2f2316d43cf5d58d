using System.Device.Gpio;
using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Outputs;
using EdgeGateway.Core.Rules;
using EdgeGateway.Core.Time;
using EdgeGateway.Devices.Contacts;
using EdgeGateway.Devices.Simulated;

namespace EdgeGateway.Benchmarks;

/// <summary>
/// Local loop latency, input change → buzzer command, as percentiles over many changes (BenchmarkDotNet reports means,
/// not the tail of a pipeline). Run: <c>dotnet run -c Release --project bench/EdgeGateway.Benchmarks -- latency [changes]</c>.
/// </summary>
internal static class LoopLatency
{
    public static async Task<int> RunAsync(string[] args)
    {
        var changes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        Console.WriteLine($"loop latency: help-button press → buzzer Alarm, local reset → buzzer Off; {changes:N0} presses per run");
        await MeasureAsync("idle (outbound drained)", changes, drain: true);
        await MeasureAsync("uplink stalled (outbound never drained, broker down)", changes, drain: false);
        await MeasureGpioAsync(Math.Max(1, changes / 20));
        return 0;
    }

    private static AlarmLoop NewLoop(TimestampBuzzer buzzer)
    {
        var events = new CareEventFactory("bench-home", TimeProvider.System, new FixedClockSyncStatus(true));
        return new AlarmLoop(events, TimeProvider.System, [new HelpButtonRule(new HelpButtonOptions())], buzzer, new NullLed(), inputCapacity: 4096);
    }

    private static async Task MeasureAsync(string name, int presses, bool drain)
    {
        var buzzer = new TimestampBuzzer();
        var loop = NewLoop(buzzer);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => loop.RunAsync(stop.Token));
        var drained = drain ? Task.Run(async () => { await foreach (var _ in loop.Outbound.ReadAllAsync()) { } }) : Task.CompletedTask;
        SpinWait.SpinUntil(() => buzzer.Changes > 0 || loop.SinceLastTurn < TimeSpan.FromSeconds(1));

        var press = new double[presses];
        var reset = new double[presses];
        var time = new EventTime(DateTimeOffset.UnixEpoch, true, TimeSpan.Zero);
        var reading = SensorReading.Contact("cord", SensorKind.HelpButton, true, time);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < presses; i++)
        {
            var seen = buzzer.Changes;
            var t0 = Stopwatch.GetTimestamp();
            if (!loop.TryPost(reading))
            {
                throw new InvalidOperationException("input queue full");
            }

            var t1 = buzzer.WaitForChange(seen);
            press[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;

            var alarm = loop.ActiveAlarms[0];
            seen = buzzer.Changes;
            t0 = Stopwatch.GetTimestamp();
            loop.TryClear(alarm.Id, ClearReason.LocalReset);
            t1 = buzzer.WaitForChange(seen);
            reset[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
        }

        wall.Stop();
        var backlog = drain ? 0 : loop.Outbound.Count;
        await stop.CancelAsync();
        await running;
        await drained;
        Report($"{name}: press", press);
        Report($"{name}: reset", reset);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {2 * presses / wall.Elapsed.TotalSeconds:N0} input→output round trips/s; outbound backlog at end {backlog:N0} events"));
    }

    private static async Task MeasureGpioAsync(int edges)
    {
        // The whole device path: a pin edge on the simulated driver → the real GpioController → ContactInput's debounce
        // timer → TryPost → rule → buzzer. The debounce is 1 ms; what matters is the time beyond it.
        var debounce = TimeSpan.FromMilliseconds(1);
        var buzzer = new TimestampBuzzer();
        var loop = NewLoop(buzzer);
        var events = new CareEventFactory("bench-home", TimeProvider.System, new FixedClockSyncStatus(true));
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        driver.SetInputLevel(27, PinValue.High);
        using var cord = new ContactInput(
            gpio,
            new ContactInputOptions { SensorId = "cord", Kind = SensorKind.HelpButton, Pin = 27, Debounce = debounce },
            TimeProvider.System,
            events.Now,
            r => loop.TryPost(r));
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => loop.RunAsync(stop.Token));
        var drained = Task.Run(async () => { await foreach (var _ in loop.Outbound.ReadAllAsync()) { } });
        var beyond = new double[edges];
        for (var i = 0; i < edges; i++)
        {
            var seen = buzzer.Changes;
            var t0 = Stopwatch.GetTimestamp();
            driver.SetInputLevel(27, PinValue.Low);
            var t1 = buzzer.WaitForChange(seen);
            beyond[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds - debounce.TotalMicroseconds;
            driver.SetInputLevel(27, PinValue.High);

            // Let the release settle first, or the next press would fall inside its debounce and be filtered (correctly).
            if (!SpinWait.SpinUntil(() => !cord.Active, TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("the release did not settle within 10 s");
            }

            seen = buzzer.Changes;
            loop.TryClear(loop.ActiveAlarms[0].Id, ClearReason.LocalReset);
            buzzer.WaitForChange(seen);
        }

        await stop.CancelAsync();
        await running;
        await drained;
        Report($"GPIO edge → ContactInput (1 ms debounce) → buzzer, beyond the debounce, {edges:N0} edges", beyond);
    }

    private static void Report(string name, double[] micros)
    {
        var sorted = (double[])micros.Clone();
        Array.Sort(sorted);
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: n={sorted.Length:N0} p50={P(0.50):0.0} µs p99={P(0.99):0.0} µs p99.9={P(0.999):0.0} µs max={sorted[^1]:0.0} µs"));
    }

    private sealed class TimestampBuzzer : IBuzzer
    {
        private long _changes;
        private long _lastChange;

        public BuzzerPattern Pattern { get; private set; }

        public long Changes => Volatile.Read(ref _changes);

        public void Set(BuzzerPattern pattern)
        {
            if (pattern == Pattern)
            {
                return;
            }

            Pattern = pattern;
            Volatile.Write(ref _lastChange, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _changes);
        }

        public long WaitForChange(long seen)
        {
            var spin = new SpinWait();
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
            while (Volatile.Read(ref _changes) == seen)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException("the buzzer did not change within 10 s");
                }

                spin.SpinOnce(sleep1Threshold: -1);
            }

            return Volatile.Read(ref _lastChange);
        }
    }

    private sealed class NullLed : IStatusLed
    {
        public LedPattern Pattern { get; private set; }

        public void Set(LedPattern pattern) => Pattern = pattern;
    }
}
