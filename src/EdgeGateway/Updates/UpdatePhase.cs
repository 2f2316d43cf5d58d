namespace EdgeGateway.Updates;

/// <summary>Where an update stands: the switched release on trial, committed after its health gate, or rolled back.</summary>
internal enum UpdatePhase
{
    /// <summary>Switched to the new release; its health gate has not passed yet.</summary>
    Trial,

    /// <summary>The new release passed its health gate and stays.</summary>
    Committed,

    /// <summary>The new release failed its gate (or crash-looped); <c>current</c> points at the previous one again.</summary>
    RolledBack,
}
