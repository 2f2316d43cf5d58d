using Microsoft.Extensions.Logging;

namespace EdgeGateway.Devices.Wearable;

/// <summary>Log messages of the wearable link; 2300–2319 are kept for it.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Wearable {SensorId}: connected to {Address} through {Adapter}; samples, events and battery notifications on")]
    public static partial void WearableConnected(ILogger logger, string sensorId, string address, string adapter);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Wearable {SensorId}: {State}, {Reason}; next attempt in {Retry}")]
    public static partial void WearableRetry(ILogger logger, string sensorId, WearableLinkState state, string reason, TimeSpan retry);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Wearable {SensorId}: refused a notification ({Problem}; {Count} so far); the stream carries on")]
    public static partial void WearableMalformed(ILogger logger, string sensorId, string problem, long count);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "Wearable {SensorId}: asked to resend {Count} packets from seq {FromSeq}")]
    public static partial void WearableResendAsked(ILogger logger, string sensorId, ushort fromSeq, ushort count);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Wearable {SensorId}: the resend request for {Count} packets from seq {FromSeq} could not be written ({Reason}); those samples will count as lost")]
    public static partial void WearableResendFailed(ILogger logger, string sensorId, ushort fromSeq, ushort count, string reason);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Warning, Message = "Wearable {SensorId}: {Address} has no Battery Level characteristic (0x2A19); battery is not supervised")]
    public static partial void WearableNoBattery(ILogger logger, string sensorId, string address);

    [LoggerMessage(EventId = 2306, Level = LogLevel.Error, Message = "Wearable {SensorId}: a connection attempt failed unexpectedly; retrying")]
    public static partial void WearableSessionFailed(ILogger logger, System.Exception exception, string sensorId);
}
