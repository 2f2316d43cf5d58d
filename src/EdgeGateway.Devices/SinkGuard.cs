using Microsoft.Extensions.Logging;

namespace EdgeGateway.Devices;

/// <summary>
/// Hands an input's readings and supervision changes to the sinks it was given, so that a sink which throws is logged
/// with the sensor id and counted instead of escaping a timer or GPIO callback.
/// </summary>
/// <remarks>
/// An exception that leaves a <see cref="System.Threading.Timer"/> callback or a GPIO event thread ends the process, and
/// with it every other input and the alarm loop: one bad consumer must not take the help button down. The input carries
/// on with its next reading. Any input that calls a sink from a timer or callback goes through one of these.
/// With a <paramref name="time"/>, the first failure is logged and then at most one a minute (with the count so far):
/// a consumer that throws on every accelerometer sample would otherwise write 200 lines a second.
/// </remarks>
internal sealed class SinkGuard(string sensorId, ILogger? logger, TimeProvider? time = null)
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private long _failures;
    private long _lastLogged;

    /// <summary>Sink calls that threw since the input was created.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Calls <paramref name="sink"/> with <paramref name="value"/>; false (logged, counted) when it threw.</summary>
    // Deliberately catches everything: the caller is a timer or driver thread that has no one to rethrow to.
#pragma warning disable CA1031
    public bool Deliver<T>(Action<T>? sink, T value)
    {
        if (sink is null)
        {
            return true;
        }

        try
        {
            sink(value);
            return true;
        }
        catch (Exception ex)
        {
            var count = Interlocked.Increment(ref _failures);
            if (ShouldLog(count))
            {
                Log.SinkThrew(_logger, ex, sensorId, typeof(T).Name, count);
            }

            return false;
        }
    }

    /// <summary>Runs one step of the input's own work (a debounce settle) so that a bug in it is logged, not fatal.</summary>
    public void Run(string what, Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex)
        {
            Log.InputStepFailed(_logger, ex, sensorId, what);
        }
    }
#pragma warning restore CA1031

    private bool ShouldLog(long count)
    {
        if (time is null)
        {
            return true;
        }

        var now = time.GetTimestamp();
        if (count == 1 || time.GetElapsedTime(Interlocked.Read(ref _lastLogged), now) >= LogEvery)
        {
            Interlocked.Exchange(ref _lastLogged, now);
            return true;
        }

        return false;
    }
}

/// <summary>Log messages of <see cref="SinkGuard"/>; 2100–2119 are kept for it.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "Sensor {SensorId}: the consumer of its {What} threw ({Count} so far); the input keeps working, but that value was not handled")]
    public static partial void SinkThrew(ILogger logger, Exception exception, string sensorId, string what, long count);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Sensor {SensorId}: {What} failed; the input keeps working")]
    public static partial void InputStepFailed(ILogger logger, Exception exception, string sensorId, string what);
}
