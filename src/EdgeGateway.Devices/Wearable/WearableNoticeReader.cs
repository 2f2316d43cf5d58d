using System.Threading.Channels;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// Turns events and battery notifications into <see cref="WearableNotice"/>s the same way for the radio
/// (<see cref="BlueZWearableLink"/>) and the simulated wearable, so the demo and the tests exercise the dedupe the
/// gateway relies on rather than a copy of it.
/// </summary>
/// <remarks>Called from one reader at a time (the D-Bus loop, or the simulator under its lock).</remarks>
internal sealed class WearableNoticeReader(TimeProvider time, WearableStream stream, ChannelWriter<WearableNotice> notices)
{
    private int _lastHelpCounter = -1;
    private int _batteryPercent = -1;

    /// <summary>The last battery level in percent, or null before the first.</summary>
    public int? BatteryPercent => Volatile.Read(ref _batteryPercent) is var p and >= 0 ? p : null;

    /// <summary>Reads one events notification; false with the problem when it is malformed (nothing else happens then).</summary>
    public bool ReadEvent(ReadOnlySpan<byte> value, out WearableProblem problem)
    {
        if (!WearableEvent.TryParse(value, out var ev, out problem))
        {
            return false;
        }

        if (ev.Type == WearableEventType.Reboot)
        {
            // The device's sequence restarts at 0 and its ring is empty: nothing older can be resent; its event counter too.
            stream.Restart();
            _lastHelpCounter = -1;
        }

        // The wearable sends each help press up to three times with one counter (a notification can be dropped silently by
        // its BLE stack): one press is one help notice.
        if (ev.Type == WearableEventType.Help)
        {
            if (ev.Counter == _lastHelpCounter)
            {
                return true;
            }

            _lastHelpCounter = ev.Counter;
        }

        notices.TryWrite(new WearableNotice(ev.Type == WearableEventType.Help ? WearableNoticeKind.Help : WearableNoticeKind.Reboot, ev.Counter, time.GetUtcNow()));
        return true;
    }

    /// <summary>Reads a Battery Level value (one byte, 0–100); anything else is ignored.</summary>
    public void ReadBattery(ReadOnlySpan<byte> value)
    {
        if (value is [var level] && level <= 100)
        {
            Volatile.Write(ref _batteryPercent, level);
            notices.TryWrite(new WearableNotice(WearableNoticeKind.Battery, level, time.GetUtcNow()));
        }
    }
}
