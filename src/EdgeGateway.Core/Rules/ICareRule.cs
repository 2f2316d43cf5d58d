using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Rules;

/// <summary>A care rule: turns readings (and the passing of time) into events. Runs only on the alarm loop's thread.</summary>
public interface ICareRule
{
    /// <summary>A short name for logs and config, e.g. "night-exit".</summary>
    string Name { get; }

    /// <summary>Called for every debounced reading, in order.</summary>
    void OnReading(in SensorReading reading, IRuleContext context);

    /// <summary>Called when a check the rule scheduled is due.</summary>
    void OnTimer(long token, IRuleContext context);
}

/// <summary>What a rule may do: read the time, raise and clear alarms, emit events, schedule a later check.</summary>
public interface IRuleContext
{
    /// <summary>Now, as events carry it.</summary>
    EventTime Now { get; }

    /// <summary>Raises an alarm (the event's class must be Alarm); the loop sends it and drives the outputs. <paramref name="priority"/> overrides the catalog's (a configured priority).</summary>
    Alarm RaiseAlarm(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null, int? priority = null);

    /// <summary>Emits a non-alarm event (info, technical, telemetry).</summary>
    CareEvent Emit(CareEventKind kind, string? sensorId, string message, IReadOnlyDictionary<string, string>? data = null);

    /// <summary>Clears an alarm this rule raised, if it is not already cleared.</summary>
    void ClearAlarm(Guid alarmId, ClearReason reason);

    /// <summary>Asks for <see cref="ICareRule.OnTimer"/> with <paramref name="token"/> after <paramref name="delay"/>.</summary>
    IDisposable Schedule(ICareRule rule, TimeSpan delay, long token);
}

/// <summary>A rule that decides whether an alarm it raised may be cleared from outside (the centre, a local reset).</summary>
/// <remarks>A fire alarm is never reset at the gateway and the centre may clear it only once the detector has released.</remarks>
public interface IClearGuard : ICareRule
{
    /// <summary>Why <paramref name="alarm"/> must not be cleared for <paramref name="reason"/>, or null when it may be (also for alarms of other rules).</summary>
    string? RefuseClear(Alarm alarm, ClearReason reason);

    /// <summary>Called on the loop's thread after any alarm was cleared, by whatever path, so the rule can forget it.</summary>
    void OnCleared(Alarm alarm);
}
