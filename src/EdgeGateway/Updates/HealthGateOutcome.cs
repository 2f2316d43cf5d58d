namespace EdgeGateway.Updates;

/// <summary>What <see cref="HealthGate.RunAsync"/> did at this start.</summary>
internal enum HealthGateOutcome
{
    /// <summary>No update to judge or report.</summary>
    Nothing,

    /// <summary>The new release passed: committed, update-completed sent, old releases removed.</summary>
    Committed,

    /// <summary>The new release failed its gate: <c>current</c> switched back, the process asked to stop.</summary>
    RolledBack,

    /// <summary>The previous release runs again after a rollback and has sent update-failed.</summary>
    ReportedFailure,
}
