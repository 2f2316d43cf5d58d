using System.Diagnostics.CodeAnalysis;
using EdgeGateway.Core.Alarms;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Outputs;

namespace EdgeGateway.Core.Loop;

/// <summary>The alarms not yet cleared: written by the loop's thread only, read by any thread through a snapshot.</summary>
internal sealed class AlarmRegistry
{
    private readonly Dictionary<Guid, Alarm> _alarms = [];
    private readonly Lock _snapshotLock = new();
    private Alarm[] _snapshot = [];

    /// <summary>The active alarms as of the loop's last change to them (safe from any thread).</summary>
    public IReadOnlyList<Alarm> Snapshot
    {
        get
        {
            lock (_snapshotLock)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>The active alarms, for the loop's thread (a struct enumerator: no allocation per turn).</summary>
    public Dictionary<Guid, Alarm>.ValueCollection Alarms => _alarms.Values;

    /// <summary>Adds a newly raised alarm.</summary>
    public void Add(Alarm alarm)
    {
        _alarms.Add(alarm.Id, alarm);
        Publish();
    }

    /// <summary>The active alarm <paramref name="alarmId"/>, if there is one.</summary>
    public bool TryGet(Guid alarmId, [MaybeNullWhen(false)] out Alarm alarm) => _alarms.TryGetValue(alarmId, out alarm);

    /// <summary>Takes alarm <paramref name="alarmId"/> out of the active ones; false if it was not active.</summary>
    public bool Remove(Guid alarmId, [MaybeNullWhen(false)] out Alarm alarm)
    {
        if (!_alarms.Remove(alarmId, out alarm))
        {
            return false;
        }

        Publish();
        return true;
    }

    /// <summary>The alarm conditions the outputs show; silent alarms (the daily test) count for nothing.</summary>
    public HomeConditions Conditions()
    {
        var conditions = HomeConditions.None;
        foreach (var alarm in _alarms.Values)
        {
            if (alarm.Silent)
            {
                continue;
            }

            if (alarm.Event.Kind == CareEventKind.Fire)
            {
                conditions |= HomeConditions.Fire;
            }

            conditions |= alarm.State switch
            {
                AlarmState.Raised => HomeConditions.AlarmRaised,
                AlarmState.Delivered => HomeConditions.AlarmDelivered,
                AlarmState.Taken => HomeConditions.AlarmTaken,
                _ => HomeConditions.None,
            };
        }

        return conditions;
    }

    private void Publish()
    {
        var copy = _alarms.Values.ToArray();
        lock (_snapshotLock)
        {
            _snapshot = copy;
        }
    }
}
