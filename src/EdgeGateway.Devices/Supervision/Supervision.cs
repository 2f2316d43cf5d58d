using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;

namespace EdgeGateway.Devices.Supervision;

/// <summary>Whether an input can be trusted right now.</summary>
public enum SupervisionState
{
    /// <summary>Readable and behaving like the part it is.</summary>
    Alive,

    /// <summary>Readable, but nothing has happened for longer than its supervision window.</summary>
    Silent,

    /// <summary>Cannot be read, reads garbage, or flaps; its readings are withheld, except those of an input that calls for help, which always reach the rules.</summary>
    Faulted,
}

/// <summary>A change of an input's supervision state, for the alarm loop to turn into a technical care event.</summary>
/// <param name="SensorId">The configured sensor id.</param>
/// <param name="Kind">What the sensor is.</param>
/// <param name="State">The new state.</param>
/// <param name="Event">The care event kind to raise: SensorSilent, SensorFault, SensorFlapping or SensorRestored.</param>
/// <param name="Reason">A technician-readable reason, e.g. "14 changes in 60 s".</param>
/// <param name="Time">When the change was detected.</param>
public readonly record struct SupervisionChange(string SensorId, SensorKind Kind, SupervisionState State, CareEventKind Event, string Reason, EventTime Time);

/// <summary>An input whose health is supervised.</summary>
public interface ISupervisedInput
{
    /// <summary>The configured sensor id.</summary>
    string SensorId { get; }

    /// <summary>The current supervision state.</summary>
    SupervisionState State { get; }

    /// <summary>Raised on every change of <see cref="State"/> (also delivered to the sink given at construction).</summary>
    event Action<SupervisionChange>? StateChanged;
}

/// <summary>Holds one input's supervision state and announces each change exactly once.</summary>
/// <remarks>With a <paramref name="guard"/>, a sink or <see cref="Changed"/> handler that throws is logged and counted there instead of escaping into the caller's timer.</remarks>
internal sealed class SupervisionTracker(string sensorId, SensorKind kind, Func<EventTime> now, Action<SupervisionChange>? sink, SinkGuard? guard = null)
{
    private readonly Lock _lock = new();
    private SupervisionState _state = SupervisionState.Alive;

    public event Action<SupervisionChange>? Changed;

    public SupervisionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Moves to <paramref name="state"/>; returns false (and says nothing) when already there.</summary>
    public bool Set(SupervisionState state, CareEventKind evt, string reason)
    {
        lock (_lock)
        {
            if (_state == state)
            {
                return false;
            }

            _state = state;
        }

        var change = new SupervisionChange(sensorId, kind, state, evt, reason, now());
        if (guard is null)
        {
            sink?.Invoke(change);
            Changed?.Invoke(change);
        }
        else
        {
            guard.Deliver(sink, change);
            guard.Deliver(Changed, change);
        }

        return true;
    }
}
