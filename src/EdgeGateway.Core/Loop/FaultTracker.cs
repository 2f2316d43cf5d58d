using EdgeGateway.Core.Events;

namespace EdgeGateway.Core.Loop;

/// <summary>The technical faults the LED shows, kept from the events the loop sends; the loop's thread only.</summary>
internal sealed class FaultTracker
{
    private readonly HashSet<string> _faults = new(StringComparer.Ordinal);
    private bool _mainsLost;

    /// <summary>True while any sensor, device, storage or battery is faulted, or mains is lost.</summary>
    public bool Any => _faults.Count > 0 || _mainsLost;

    /// <summary>Notes what an event of <paramref name="kind"/> from <paramref name="sensorId"/> (null: the gateway) says about faults.</summary>
    public void Note(CareEventKind kind, string? sensorId)
    {
        var key = sensorId ?? "gateway";
        switch (kind)
        {
            case CareEventKind.SensorSilent or CareEventKind.SensorFault or CareEventKind.SensorFlapping:
                _faults.Add(key);
                break;
            case CareEventKind.StorageFault:
                _faults.Add("storage");
                break;
            case CareEventKind.SensorRestored:
                _faults.Remove(key);
                break;

            // A device's own fault output shows like a faulted sensor until it releases.
            case CareEventKind.DispenserFault or CareEventKind.SmokeDetectorFault or CareEventKind.StoveGuardFault:
                _faults.Add(key);
                break;
            case CareEventKind.DeviceFaultCleared:
                _faults.Remove(key);
                break;
            case CareEventKind.MainsLost:
                _mainsLost = true;
                break;
            case CareEventKind.MainsRestored:
                _mainsLost = false;
                break;
            case CareEventKind.BatteryFault:
                _faults.Add("power");
                break;
            case CareEventKind.BatteryRestored:
                _faults.Remove("power");
                break;
        }
    }
}
