using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Core.Rules;

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
