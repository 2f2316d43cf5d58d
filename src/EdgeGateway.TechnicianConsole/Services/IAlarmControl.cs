namespace EdgeGateway.TechnicianConsole.Services;

/// <summary>Implemented by the host: the alarms that are not cleared.</summary>
public interface IAlarmControl
{
    /// <summary>Active alarms, oldest first.</summary>
    IReadOnlyList<AlarmSummary> List();

    /// <summary>Resets (clears locally) one alarm; false with a one-line reason when it cannot.</summary>
    bool TryReset(string id, string actor, out string? error);
}
