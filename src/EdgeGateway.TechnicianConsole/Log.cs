using Microsoft.Extensions.Logging;

namespace EdgeGateway.TechnicianConsole;

/// <summary>Console log messages; event ids 4000–4999 belong to the console.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Technician console started on {Transport}")]
    public static partial void Started(ILogger logger, string transport);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Technician console on {Transport} ended: {Reason}")]
    public static partial void Ended(ILogger logger, string transport, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Technician console: wrong PIN on {Transport} ({Failures} in a row)")]
    public static partial void WrongPin(ILogger logger, string transport, int failures);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Technician console command '{Command}' failed; the session goes on")]
    public static partial void CommandFailed(ILogger logger, Exception exception, string command);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Technician console on {Transport} failed; the gateway goes on without it")]
    public static partial void SessionFailed(ILogger logger, Exception exception, string transport);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Technician logged in on {Transport}")]
    public static partial void LoggedIn(ILogger logger, string transport);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Technician logged out on {Transport}: {Reason}")]
    public static partial void LoggedOut(ILogger logger, string transport, string reason);
}
