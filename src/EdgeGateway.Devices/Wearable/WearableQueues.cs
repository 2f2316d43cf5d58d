using System.Threading.Channels;
using EdgeGateway.Core.Falls;

namespace EdgeGateway.Devices.Wearable;

/// <summary>
/// The two queues a wearable link hands the gateway, the same for the radio and the simulated wearable: samples, bounded
/// with the oldest dropped and counted (a stalled detector must never stall the reader the help button arrives on), and
/// notices (a help press, a reboot, a battery level a minute: room for hours without a consumer).
/// </summary>
internal sealed class WearableQueues
{
    private long _droppedSamples;
    private long _droppedNotices;

    /// <summary>Creates the queues; <paramref name="sampleCapacity"/> samples are held for a slow consumer.</summary>
    public WearableQueues(int sampleCapacity)
    {
        Samples = Channel.CreateBounded<AccelerationSample>(
            new BoundedChannelOptions(Math.Max(1, sampleCapacity)) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _droppedSamples));
        Notices = Channel.CreateBounded<WearableNotice>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _droppedNotices));
    }

    /// <summary>The samples, in order.</summary>
    public Channel<AccelerationSample> Samples { get; }

    /// <summary>Help presses, reboots and battery levels.</summary>
    public Channel<WearableNotice> Notices { get; }

    /// <summary>Samples dropped because the consumer fell more than the queue behind.</summary>
    public long DroppedSamples => Interlocked.Read(ref _droppedSamples);

    /// <summary>Notices dropped because no one read them.</summary>
    public long DroppedNotices => Interlocked.Read(ref _droppedNotices);

    /// <summary>Ends both queues: the consumer's reads finish once it has taken what is left.</summary>
    public void Complete()
    {
        Samples.Writer.TryComplete();
        Notices.Writer.TryComplete();
    }
}
