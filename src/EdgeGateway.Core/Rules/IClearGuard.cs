using EdgeGateway.Core.Alarms;

namespace EdgeGateway.Core.Rules;

/// <summary>A rule that decides whether an alarm it raised may be cleared from outside (the centre, a local reset).</summary>
/// <remarks>A fire alarm is never reset at the gateway and the centre may clear it only once the detector has released.</remarks>
public interface IClearGuard : ICareRule
{
    /// <summary>Why <paramref name="alarm"/> must not be cleared for <paramref name="reason"/>, or null when it may be (also for alarms of other rules).</summary>
    string? RefuseClear(Alarm alarm, ClearReason reason);

    /// <summary>Called on the loop's thread after any alarm was cleared, by whatever path, so the rule can forget it.</summary>
    void OnCleared(Alarm alarm);
}
