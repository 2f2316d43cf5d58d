using Microsoft.Extensions.Logging;

namespace EdgeGateway.Devices;

/// <summary>Device log messages; event ids 2000–2999 are stable for journald filters.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Accelerometer {SensorId} faulted: {Reason}; retrying in {Retry}")]
    public static partial void AccelerometerFaulted(ILogger logger, string sensorId, string reason, TimeSpan retry);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Accelerometer {SensorId} recovered ({Chip})")]
    public static partial void AccelerometerRecovered(ILogger logger, string sensorId, string chip);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Accelerometer {SensorId}: FIFO overran, samples were lost (overrun {Count}); the FIFO is read too seldom")]
    public static partial void FifoOverrun(ILogger logger, string sensorId, long count);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Accelerometer {SensorId}: FIFO reader thread runs at {Priority}, reading every {Interval}")]
    public static partial void ReaderStarted(ILogger logger, string sensorId, string priority, TimeSpan interval);
}
