using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Rules;

namespace EdgeGateway.Core.Loop;

/// <summary>
/// Who may clear an alarm now: the rules that guard clears (a fire whose detector still reports smoke) and the catalog's
/// not-cancellable kinds; it also publishes, for any thread, which alarms the centre may not clear right now.
/// </summary>
internal sealed class ClearGuards
{
    private readonly IClearGuard[] _guards;
    private readonly Action<ICareRule, Action> _guarded;
    private readonly Lock _holdsLock = new();
    private Dictionary<Guid, string> _centreHolds = [];

    /// <summary>Takes the guards among <paramref name="rules"/>; each call into one goes through <paramref name="guarded"/>, which reports a guard that throws.</summary>
    public ClearGuards(IEnumerable<ICareRule> rules, Action<ICareRule, Action> guarded)
    {
        _guards = rules.OfType<IClearGuard>().ToArray();
        _guarded = guarded;
    }

    /// <summary>Why the centre may not clear <paramref name="alarmId"/> as of the loop's last turn, or null; safe from any thread.</summary>
    public string? CentreHold(Guid alarmId)
    {
        lock (_holdsLock)
        {
            return _centreHolds.GetValueOrDefault(alarmId);
        }
    }

    /// <summary>Why <paramref name="alarm"/> may not be cleared for <paramref name="reason"/>, or null when it may.</summary>
    public string? Refusal(Alarm alarm, ClearReason reason)
    {
        foreach (var guard in _guards)
        {
            string? refusal = null;
            _guarded(guard, () => refusal = guard.RefuseClear(alarm, reason));
            if (refusal is not null)
            {
                return refusal;
            }
        }

        // A kind the catalog marks not cancellable stays, even without a rule that speaks for it.
        return reason != ClearReason.Centre && !CareEventCatalog.Get(alarm.Event.Kind).Cancellable
            ? $"a {alarm.Event.Spec.TypeName} alarm cannot be reset at the gateway; only the centre can clear it"
            : null;
    }

    /// <summary>Tells every guard that <paramref name="alarm"/> was cleared.</summary>
    public void Cleared(Alarm alarm)
    {
        foreach (var guard in _guards)
        {
            _guarded(guard, () => guard.OnCleared(alarm));
        }
    }

    /// <summary>Recomputes the centre's holds over <paramref name="alarms"/> (the loop's thread, once per turn).</summary>
    public void PublishCentreHolds(AlarmRegistry alarms)
    {
        if (_guards.Length == 0 && _centreHolds.Count == 0)
        {
            return;
        }

        Dictionary<Guid, string>? holds = null;
        foreach (var alarm in alarms.Alarms)
        {
            if (Refusal(alarm, ClearReason.Centre) is { } refusal)
            {
                (holds ??= [])[alarm.Id] = refusal;
            }
        }

        // Only the loop's thread writes the holds: with none before and none now, there is nothing to publish (and no
        // empty dictionary to allocate on every turn).
        if (holds is null && _centreHolds.Count == 0)
        {
            return;
        }

        lock (_holdsLock)
        {
            _centreHolds = holds ?? [];
        }
    }
}
