using EdgeGateway.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Command relay: hands the centre's commands to the handler off the receive thread, and publishes its replies on the path in use.</summary>
/// <remarks>
/// The persistent session delivers commands queued while we were away right after the CONNACK, which can be before
/// the host has attached its handler (a start, a config rebuild). The broker counts a command as delivered once we
/// have it, so it is held here until a handler attaches, never dropped. Such a command is also answered before the link
/// counts as up (it still subscribes and publishes its birth), so a reply waits for a path rather than being lost.
/// </remarks>
internal sealed class CommandRelay(string gatewayId, Func<IMqttClient?> activeClient, TimeProvider time)
{
    /// <summary>At most this many commands wait for a handler; more than that many unhandled means none is coming.</summary>
    internal const int MaxWaiting = 64;

    /// <summary>How long a reply waits for a path to carry it before it is given up (and logged as lost).</summary>
    internal static readonly TimeSpan PathWait = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Queue<byte[]> _waiting = new();
    private Func<byte[], Task>? _handler;
    private TaskCompletionSource _routeChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A command from the centre arrived (raw payload); commands that came before the first handler are handed to it.</summary>
    public event Func<byte[], Task>? CommandReceived
    {
        add
        {
            ArgumentNullException.ThrowIfNull(value);
            byte[][] early;
            lock (_gate)
            {
                _handler += value;
                early = [.. _waiting];
                _waiting.Clear();
            }

            foreach (var payload in early)
            {
                Dispatch(value, payload);
            }
        }

        remove
        {
            lock (_gate)
            {
                _handler -= value;
            }
        }
    }

    /// <summary>Passes <paramref name="payload"/> on to the handler without waiting for it, or keeps it until one attaches.</summary>
    public void Relay(byte[] payload)
    {
        Func<byte[], Task>? handler;
        lock (_gate)
        {
            handler = _handler;
            if (handler is null)
            {
                // A host that never attaches one (loadgen) must not grow without end: the oldest has expired first.
                if (_waiting.Count == MaxWaiting)
                {
                    _waiting.Dequeue();
                }

                _waiting.Enqueue(payload);
                return;
            }
        }

        Dispatch(handler, payload);
    }

    // Commands are handled off the MQTT receive thread: a slow command (config apply) must not stall acks.
    private static void Dispatch(Func<byte[], Task> handler, byte[] payload) => _ = Task.Run(() => handler(payload));

    /// <summary>The router changed which path carries events: replies waiting for a path look again.</summary>
    public void RouteChanged() => Interlocked.Exchange(ref _routeChanged, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Publishes a command reply (QoS 1, not retained) on the path in use, waiting up to <see cref="PathWait"/> for one.</summary>
    /// <exception cref="InvalidOperationException">No path came up within <see cref="PathWait"/>.</exception>
    public async Task PublishReplyAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var client = await PathAsync(cancellationToken).ConfigureAwait(false);
        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Replies(gatewayId))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<IMqttClient> PathAsync(CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(PathWait, time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        while (true)
        {
            // Taken before the look, so a change between the two still wakes us.
            var changed = Volatile.Read(ref _routeChanged).Task;
            if (activeClient() is { } client)
            {
                return client;
            }

            try
            {
                await changed.WaitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"no uplink path came up within {PathWait.TotalSeconds:0} s");
            }
        }
    }
}
