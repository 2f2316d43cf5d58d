using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Outbox;

/// <summary>Moves events from the alarm loop's channel into the outbox; the loop never waits for the disk.</summary>
public static partial class OutboxPump
{
    /// <summary>Accepts every event from <paramref name="events"/> into <paramref name="outbox"/>, retrying one event with back-off while storage is faulted.</summary>
    public static async Task RunAsync(ChannelReader<CareEvent> events, IOutboxWriter outbox, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        try
        {
            await foreach (var evt in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        await outbox.AcceptAsync(evt, cancellationToken).ConfigureAwait(false);
                        backoff.Reset();
                        break;
                    }
                    catch (OutboxStorageException ex)
                    {
                        // The event stays here (and later ones in the loop's channel) until the store writes again.
                        var delay = backoff.Next();
                        LogRetrying(logger, evt.Id, ex.Message, delay.TotalSeconds);
                        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Event {EventId} not yet accepted: {Reason}; retrying in {DelaySeconds:F1} s")]
    private static partial void LogRetrying(ILogger logger, Guid eventId, string reason, double delaySeconds);
}
