using System.Threading.Channels;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// A wearable's stream as the gateway consumes it: samples in order at 50 Hz of device time, notices (help, reboot,
/// battery), the link's state. <see cref="BlueZWearableLink"/> is the Pi's radio; <c>Simulated.SimulatedWearable</c>
/// plays the same protocol bytes through the same <see cref="WearableStream"/> for the demo and tests.
/// </summary>
public interface IWearableLink : IAsyncDisposable
{
    /// <summary>Raised on every change of <see cref="Status"/> (must not block).</summary>
    event Action<WearableLinkStatus>? StatusChanged;

    /// <summary>The wearable's samples in g, in order.</summary>
    ChannelReader<AccelerationSample> Samples { get; }

    /// <summary>Help presses (one per press), reboots and battery levels.</summary>
    ChannelReader<WearableNotice> Notices { get; }

    /// <summary>The reassembly and its counters (lost, malformed, duplicate packets, resend requests).</summary>
    WearableStream Stream { get; }

    /// <summary>The link's state and why.</summary>
    WearableLinkStatus Status { get; }

    /// <summary>Samples dropped because the consumer of <see cref="Samples"/> fell behind.</summary>
    long DroppedSamples { get; }

    /// <summary>The last battery level in percent, or null before the first.</summary>
    int? BatteryPercent { get; }

    /// <summary>Starts connecting (or playing) in the background; returns at once.</summary>
    void Start();
}
