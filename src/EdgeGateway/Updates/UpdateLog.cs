using Microsoft.Extensions.Logging;

namespace EdgeGateway.Updates;

/// <summary>The updater's and the health gate's log lines (event ids 1100–1119), each telling a technician what happened.</summary>
internal static partial class UpdateLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Update to {Version} accepted (rollout {Rollout}): downloading from {Host}, then switching from {Running}")]
    public static partial void Accepted(ILogger logger, string version, string rollout, string host, string running);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Update to {Version} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string version, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Release download: {Error}; resuming in {Seconds:0.0} s")]
    public static partial void DownloadRetry(ILogger logger, string error, double seconds);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Release {Version} downloaded ({Bytes} bytes received) and verified; unpacked into {Folder}")]
    public static partial void Unpacked(ILogger logger, string version, long bytes, string folder);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Switch to release {Version} waits for {Alarms} active alarm(s) to be cleared")]
    public static partial void SwitchWaits(ILogger logger, string version, int alarms);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Switched current to {Target}; stopping so that systemd starts release {Version} on trial (health gate {GateSeconds} s)")]
    public static partial void Switched(ILogger logger, string target, string version, int gateSeconds);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "Update to {Version} failed at {Stage}: {Reason}; release {Running} keeps running")]
    public static partial void Failed(ILogger logger, string version, string stage, string reason, string running);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Release {Version} on trial: health gate until {Deadline:u} (uplink up, a test alarm acknowledged by the centre)")]
    public static partial void GateStarted(ILogger logger, string version, DateTimeOffset deadline);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Health gate: test alarm not acknowledged ({Reason}); trying again")]
    public static partial void GateRetry(ILogger logger, string reason);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "Release {Version} passed its health gate after {Seconds} s: committed; old releases removed: {Removed}")]
    public static partial void Committed(ILogger logger, string version, long seconds, string removed);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Critical, Message = "Release {Version} failed its health gate: {Reason}; switching back to {From} and stopping so that systemd starts it")]
    public static partial void RolledBack(ILogger logger, string version, string reason, string from);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Running {Running} again after the update to {Version} was rolled back at {Stage} ({Reason}); technical.update-failed sent")]
    public static partial void ReportedRollback(ILogger logger, string running, string version, string stage, string reason);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Error, Message = "Update state {Path} could not be written: {Reason}")]
    public static partial void StateUnwritable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Health gate: waiting for the uplink to the centre")]
    public static partial void GateWaitsForUplink(ILogger logger);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Error, Message = "Old releases could not be removed: {Reason}")]
    public static partial void PruneFailed(ILogger logger, string reason);
}
