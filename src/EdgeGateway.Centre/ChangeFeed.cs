using System.Collections.Immutable;
using System.Threading.Channels;
using EdgeGateway.Centre.Archive;

namespace EdgeGateway.Centre;

/// <summary>
/// The live feed of this instance's changes (the page's server-sent events). Each subscriber has its own bounded queue: a
/// slow reader loses its oldest changes (it reloads on reconnect), never slows the centre.
/// </summary>
public sealed class ChangeFeed
{
    private ImmutableList<Channel<CentreChange>> _subscribers = [];

    /// <summary>Subscribes; dispose the returned handle to stop.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<CentreChange>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        ImmutableInterlocked.Update(ref _subscribers, s => s.Add(channel));
        return new Subscription(channel.Reader, () => ImmutableInterlocked.Update(ref _subscribers, s => s.Remove(channel)));
    }

    /// <summary>Publishes <paramref name="change"/> to every subscriber.</summary>
    public void Publish(CentreChange change)
    {
        foreach (var s in _subscribers)
        {
            s.Writer.TryWrite(change);
        }
    }

    /// <summary>A subscription to the feed.</summary>
    public sealed class Subscription(ChannelReader<CentreChange> reader, Action unsubscribe) : IDisposable
    {
        /// <summary>The changes, in order.</summary>
        public ChannelReader<CentreChange> Reader { get; } = reader;

        /// <inheritdoc />
        public void Dispose() => unsubscribe();
    }
}
