namespace EdgeGateway.Core.Falls;

/// <summary>What <see cref="WearerMonitor"/> reports: the wearer's posture settled, or the wearable became lifeless or moves again.</summary>
public enum WearerChangeKind
{
    /// <summary>Upright (standing or sitting up) for <see cref="WearerMonitorOptions.UprightTime"/>.</summary>
    Upright,

    /// <summary>Not upright (lying, slumped) for <see cref="WearerMonitorOptions.DownTime"/>.</summary>
    Down,

    /// <summary>No human movement, flat and unmoved, for <see cref="WearerMonitorOptions.LifelessTime"/>: as on a table.</summary>
    Lifeless,

    /// <summary>Movement again after <see cref="Lifeless"/>.</summary>
    Moving,
}
