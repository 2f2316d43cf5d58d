using System.Buffers;
using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Centre;

/// <summary>
/// The reference central-side consumer: receives every gateway's events, de-duplicates them by id and acknowledges each,
/// the acks of a burst batched into one message per gateway (see <see cref="CentreAckOptions"/>). Two connections: the
/// urgent one carries alarms, status, heartbeats and replies; the routine one everything else, so that after a regional
/// outage the broker's queue of routine backlog for this instance never stands in front of an alarm or a heartbeat.
/// </summary>
public sealed partial class CentreConsumer : IAsyncDisposable
{
    private static readonly string AlarmTopicEnd = "/events/" + Topics.ClassName(EventClass.Alarm);

    private readonly MqttEndpoint _endpoint;
    private readonly string _clientId;
    private readonly string? _shareGroup;
    private readonly ILogger _logger;
    private readonly IMqttClient _client; // urgent: alarms, status, heartbeats, replies, commands
    private readonly IMqttClient _routine; // technical, info and telemetry events
    private readonly MqttClientFactory _factory = new();
    private readonly RecentIds _seen;
    private readonly LoadedSecurity _security;
    private readonly CancellationTokenSource _stop = new();
    private readonly CentreAckOptions _ackOptions;
    private readonly Channel<(string GatewayId, Guid EventId)> _toAck = Channel.CreateUnbounded<(string, Guid)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<FollowedMessage> _followed = Channel.CreateUnbounded<FollowedMessage>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _supervisor;
    private Task? _acker;
    private Task? _follower;
    private long _ackMessages;

    /// <summary>Creates a consumer; with <paramref name="shareGroup"/> several instances split the load (MQTT 5 shared subscription).</summary>
    public CentreConsumer(MqttEndpoint endpoint, string clientId, string? shareGroup, ILogger logger)
        : this(endpoint, clientId, shareGroup, logger, LinkSecurity.LoopbackDemo, null)
    {
    }

    /// <summary>
    /// Creates a consumer that authenticates with <paramref name="security"/> (mutual TLS in production). Consumers of the
    /// primary and the secondary path's broker pass the same <paramref name="dedup"/> so an event that arrives over both is new only once.
    /// </summary>
    /// <exception cref="LinkSecurityException">The security setting cannot be used.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="acks"/> is out of range.</exception>
    public CentreConsumer(MqttEndpoint endpoint, string clientId, string? shareGroup, ILogger logger, LinkSecurity security, CentreDedup? dedup, CentreAckOptions? acks = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(security);
        _ackOptions = (acks ?? new CentreAckOptions()).Validated();
        _security = security.Load(endpoint);
        _seen = (dedup ?? new CentreDedup()).Ids;
        _endpoint = endpoint;
        _clientId = clientId;
        _shareGroup = shareGroup;
        _logger = logger;
        _client = _factory.CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, urgent: true);
        _routine = _factory.CreateMqttClient();
        _routine.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, urgent: false);
    }

    /// <summary>The MQTT client id of the routine connection beside the urgent one's <c>clientId</c>.</summary>
    public static string RoutineClientId(string clientId) => clientId + "-routine";

    /// <summary>
    /// Routine events the broker hands this instance unacknowledged at most: each waits in memory until stored, so this
    /// bounds what a storm's backlog costs here; the rest waits at the broker and in the gateways' outboxes.
    /// </summary>
    public const ushort RoutineReceiveMaximum = 200;

    /// <summary>The broker this consumer reads from.</summary>
    public MqttEndpoint Endpoint => _endpoint;

    /// <summary>Ack messages published so far (one per batch; equal to the events acked when batching is off).</summary>
    public long AckMessagesSent => Interlocked.Read(ref _ackMessages);

    /// <summary>Raised for each event; the flag is true the first time its id is seen.</summary>
    public event Func<CareEvent, bool, Task>? EventReceived;

    /// <summary>
    /// Raised for each decoded event with its payload as received, before its ack: the ack is sent only when every handler
    /// returned, so an event the archive could not store is not acked and the gateway retransmits it.
    /// </summary>
    public event Func<CareEvent, byte[], Task>? EventArrived;

    /// <summary>Raised for a command reply or a path's birth or will (status/primary, status/secondary) of any gateway (topic, payload, retained), in the receive handler; only with <see cref="FollowGateways"/>.</summary>
    public event Func<string, byte[], bool, Task>? GatewayMessageReceived;

    /// <summary>
    /// Raised in the receive handler as each status or heartbeat arrives, before it is queued for <see cref="GatewayMessagesReceived"/>:
    /// what must be known at once (a heartbeat's deadline) is known before the backlog is stored. Keep it quick: events wait behind it.
    /// </summary>
    public event Action<FollowedMessage>? GatewayMessageQueued;

    /// <summary>
    /// Raised with the status and heartbeat messages queued since the last call (at most <see cref="MaxFollowBatch"/>), in arrival
    /// order, so that a backlog is stored in one transaction; only with <see cref="FollowGateways"/>.
    /// </summary>
    public event Func<IReadOnlyList<FollowedMessage>, Task>? GatewayMessagesReceived;

    /// <summary>The most status and heartbeat messages handed to <see cref="GatewayMessagesReceived"/> at once.</summary>
    public const int MaxFollowBatch = 500;

    /// <summary>The clock that stamps <see cref="FollowedMessage.ReceivedAt"/>: the duty centre sets its own, so supervision reads one clock.</summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Raised for an event that cannot be decoded (topic, payload, reason); it is not acked (there is no id to ack).</summary>
    public event Func<string, byte[], string, Task>? Rejected;

    /// <summary>Also subscribe (not shared: every instance follows every gateway) to status (one path's and each of two paths'), heartbeats and command replies.</summary>
    public bool FollowGateways { get; init; }

    /// <summary>True while both connections (urgent and routine) are up.</summary>
    public bool IsConnected => _client.IsConnected && _routine.IsConnected;

    /// <summary>Publishes a command for <paramref name="gatewayId"/> (QoS 1).</summary>
    /// <exception cref="MQTTnet.Exceptions.MqttCommunicationException">Not connected or the broker did not take it.</exception>
    public async Task PublishCommandAsync(string gatewayId, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Commands(gatewayId))
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects and subscribes, then keeps the connection up (reconnecting with back-off) until disposed.</summary>
    /// <exception cref="MQTTnet.Exceptions.MqttCommunicationException">The first connection failed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        _supervisor = Task.Run(() => SuperviseAsync(_stop.Token), CancellationToken.None);
        _acker = Task.Run(AckLoopAsync, CancellationToken.None);
        _follower = Task.Run(FollowLoopAsync, CancellationToken.None);
    }

    /// <summary>
    /// Handles status and heartbeats in arrival order, beside the receive handler: MQTTnet runs that handler one message
    /// at a time, so storing thousands of births and heartbeats inline held every event (and its alarm) behind them — the
    /// scale bench measured a minute at 10 000 gateways. Whatever queued while the last batch was stored goes in the next
    /// one (one transaction, not one per message: on a loaded machine that backlog put silent alarms 14 s late). Losing this
    /// queue in a crash loses nothing: status is retained and every instance follows every gateway, heartbeats come again.
    /// </summary>
    private async Task FollowLoopAsync()
    {
        try
        {
            await FollowAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposing: what is still queued is dropped (see above).
        }
    }

    private async Task FollowAsync(CancellationToken ct)
    {
        var batch = new List<FollowedMessage>();
        while (await _followed.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (!ct.IsCancellationRequested && batch.Count < MaxFollowBatch && _followed.Reader.TryRead(out var m))
            {
                batch.Add(m);
            }

            if (batch.Count > 0 && GatewayMessagesReceived is { } follow)
            {
                await GuardAsync(() => follow(batch), batch[0].Topic).ConfigureAwait(false);
            }

            batch = [];
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            await ConnectAsync(_client, urgent: true, cancellationToken).ConfigureAwait(false);
        }

        if (!_routine.IsConnected)
        {
            await ConnectAsync(_routine, urgent: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectAsync(IMqttClient client, bool urgent, CancellationToken cancellationToken)
    {
        var refusal = new TlsRefusal();
        var options = BrokerClientOptions.For(_endpoint, _security, Session(urgent ? _clientId : RoutineClientId(_clientId)), refusal);
        if (!urgent)
        {
            options = options.WithReceiveMaximum(RoutineReceiveMaximum);
        }

        try
        {
            await client.ConnectAsync(options.Build(), cancellationToken).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException ex) when (refusal.Reason is { } rejected)
        {
            throw new MQTTnet.Exceptions.MqttCommunicationException($"TLS handshake refused by us: {rejected}", ex);
        }

        // The routine lane takes every event topic (an unknown class is rejected there with its reason) and skips alarms,
        // which the urgent lane's own subscription (its own queue at the broker) brings.
        var events = urgent ? Topics.AllAlarms : Topics.AllEvents;
        var filter = _shareGroup is null ? events : $"$share/{_shareGroup}/{events}";
        var builder = _factory.CreateSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        if (FollowGateways && urgent)
        {
            foreach (var follow in new[] { Topics.AllStatus, Topics.AllPathStatus, Topics.Root + "/+/heartbeat", Topics.AllReplies })
            {
                builder = builder.WithTopicFilter(follow, MqttQualityOfServiceLevel.AtLeastOnce);
            }
        }

        await client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        LogSubscribed(_logger, _endpoint, filter);
    }

    /// <summary>
    /// The centre's session ends with its connection (session expiry 0). A member of a shared group whose session outlives
    /// it keeps being handed its share of the events, and the gateway's retransmissions of them, until the session expires:
    /// with mosquitto an instance that never came back stranded events for the hour its session lived. Ending with the
    /// connection, a dead member drops out of the group at once (SIGKILL) or after 1.5 × keep-alive (a host that lost power,
    /// hence the short keep-alive: the supervisor pings every second anyway), and the retransmission lands on a live member.
    /// Nothing is lost by not queueing for an instance that is away: the gateway retransmits every event until an instance
    /// acks it, and the ack is sent only after the event is stored. A lone instance that restarts gets what was published
    /// meanwhile at each gateway's next retransmission instead of from the broker's queue.
    /// </summary>
    private static BrokerSession Session(string clientId) => new(clientId, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.Zero);

    private async Task SuperviseAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_client.IsConnected && _routine.IsConnected && await _client.TryPingAsync(ct).ConfigureAwait(false) && await _routine.TryPingAsync(ct).ConfigureAwait(false))
                {
                    backoff.Reset();
                    await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                    continue;
                }

                await ConnectAsync(ct).ConfigureAwait(false);
                backoff.Reset();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                var delay = backoff.Next();
                LogReconnectFailed(_logger, _endpoint, ex.Message);
                try
                {
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args, bool urgent)
    {
        var topic = args.ApplicationMessage.Topic;
        if (!urgent && topic.EndsWith(AlarmTopicEnd, StringComparison.Ordinal))
        {
            return; // the urgent lane has its own copy
        }

        var payload = args.ApplicationMessage.Payload.ToArray();
        if (!topic.Contains("/events/", StringComparison.Ordinal))
        {
            // Replies stay inline (cheap, and an operator waits for them); the rest must not hold up the events.
            if (GatewayMessageReceived is { } follow && (topic.EndsWith("/replies", StringComparison.Ordinal) || Topics.PathOfStatus(topic) is not null))
            {
                await GuardAsync(() => follow(topic, payload, args.ApplicationMessage.Retain), topic).ConfigureAwait(false);
            }
            else if (GatewayMessagesReceived is not null)
            {
                var followed = new FollowedMessage(topic, payload, args.ApplicationMessage.Retain, Clock.GetUtcNow());
                GatewayMessageQueued?.Invoke(followed);
                _followed.Writer.TryWrite(followed);
            }

            return;
        }

        CareEvent evt;
        try
        {
            if (payload.Length > MaxEventPayload)
            {
                throw new FormatException($"event of {payload.Length} bytes; at most {MaxEventPayload} are taken");
            }

            evt = CloudEventCodec.Deserialize(payload);
            if (Topics.GatewayIdOf(topic) is { } inTopic && inTopic != evt.GatewayId)
            {
                throw new FormatException($"source names gateway '{PrintableText.Of(evt.GatewayId, 80)}' but the topic is of '{PrintableText.Of(inTopic, 80)}'");
            }

            evt = Bounded(evt, topic);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            LogMalformed(_logger, PrintableText.Of(topic), PrintableText.Of(ex.Message, 400));
            if (Rejected is { } rejected)
            {
                await GuardAsync(() => rejected(topic, payload, ex.Message), topic).ConfigureAwait(false);
            }

            return;
        }

        if (EventArrived is { } arrived && !await GuardAsync(() => arrived(evt, payload), topic).ConfigureAwait(false))
        {
            // Not stored, so not acked: the gateway retransmits and the next copy is stored.
            return;
        }

        var isNew = _seen.Add(evt.Id);
        if (EventReceived is { } handler)
        {
            await handler(evt, isNew).ConfigureAwait(false);
        }

        // Acknowledge duplicates too: the gateway retransmits until it hears an ack. After the handler, so an ack
        // never runs ahead of what the handler did with the event. A closed queue (disposing) drops it: the gateway retransmits.
        // An alarm's ack goes at once on the urgent connection, never behind a backlog's batched acks.
        if (urgent)
        {
            PublishAck(_client, evt.GatewayId, [evt.Id]);
        }
        else
        {
            _toAck.Writer.TryWrite((evt.GatewayId, evt.Id));
        }
    }

    /// <summary>The largest event payload taken; a real event is a few hundred bytes (a megabyte of message was stored as sent).</summary>
    public const int MaxEventPayload = 64 * 1024;

    /// <summary>
    /// What a gateway may claim in an event: its id is one a gateway can be configured with; its kind's class is the
    /// class of the topic it came on (the broker's ACL may let a client publish telemetry only, and a priority-0
    /// <c>alarm.fire</c> on the telemetry topic was stored as a fire alarm); its message is printable and bounded.
    /// </summary>
    /// <exception cref="FormatException">The id or the class is not believed; the message says which.</exception>
    internal static CareEvent Bounded(CareEvent evt, string topic)
    {
        if (CareEventFactory.GatewayIdProblem(evt.GatewayId) is not null)
        {
            throw new FormatException($"gateway id '{PrintableText.Of(evt.GatewayId, 80)}' is invalid: expected 1–64 characters of a–z, 0–9, '-' or '_'");
        }

        var topicClass = topic[(topic.LastIndexOf('/') + 1)..];
        if (topicClass != Topics.ClassName(evt.Spec.Class))
        {
            throw new FormatException($"{PrintableText.Of(evt.Spec.TypeName, 80)} is of class {Topics.ClassName(evt.Spec.Class)} but came on the {PrintableText.Of(topicClass, 40)} topic; the topic's class decides");
        }

        var message = PrintableText.Of(evt.Message, PrintableText.MaxMessage, keepLineBreaks: true);
        return message == evt.Message ? evt : evt with { Message = message };
    }

    // One gateway's bad message or a failing handler must never stop the consumer (MQTTnet would drop the connection).
    private async Task<bool> GuardAsync(Func<Task> handler, string topic)
    {
        try
        {
            await handler().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHandlerFailed(_logger, PrintableText.Of(topic), PrintableText.Of(ex.Message, 400));
            return false;
        }
    }

    /// <summary>
    /// Collects the acks of a burst and publishes them as one message per gateway. What arrives after a quiet spell (no
    /// flush for <see cref="CentreAckOptions.Quiet"/>) goes out at once, so a lone event's ack waits for nothing; within a
    /// burst the loop flushes when no event arrived for Quiet, <see cref="CentreAckOptions.Linger"/> after the first, or at
    /// <see cref="CentreAckOptions.MaxBatch"/> ids. A backlog's acks thus go in a few messages instead of one small message
    /// per event (which meets Nagle and delayed ACK on a broker with default settings).
    /// </summary>
    private async Task AckLoopAsync()
    {
        var reader = _toAck.Reader;
        var time = _ackOptions.Time;
        var pending = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        long? lastFlush = null;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var first = time.GetTimestamp();
            var idle = lastFlush is not { } last || time.GetElapsedTime(last) >= _ackOptions.Quiet;
            var count = 0;
            while (true)
            {
                while (count < _ackOptions.MaxBatch && reader.TryRead(out var a))
                {
                    if (!pending.TryGetValue(a.GatewayId, out var ids))
                    {
                        pending[a.GatewayId] = ids = [];
                    }

                    ids.Add(a.EventId);

                    count++;
                }

                var left = _ackOptions.Linger - time.GetElapsedTime(first);
                if (idle || count >= _ackOptions.MaxBatch || left <= TimeSpan.Zero || _ackOptions.MaxBatch == 1)
                {
                    break;
                }

                using var pause = new CancellationTokenSource(left < _ackOptions.Quiet ? left : _ackOptions.Quiet, time);
                try
                {
                    if (!await reader.WaitToReadAsync(pause.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            foreach (var (gatewayId, ids) in pending)
            {
                PublishAck(_routine, gatewayId, ids);
            }

            pending.Clear();
            lastFlush = time.GetTimestamp();
        }
    }

    private void PublishAck(IMqttClient client, string gatewayId, List<Guid> ids)
    {
        var ack = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Acks(gatewayId))
            .WithPayload(EventAck.ToJson(ids, _clientId))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        Interlocked.Increment(ref _ackMessages);

        // Not awaited: waiting for each ack's PUBACK would serialise the consumer on round trips.
        _ = SendAckAsync(client, ack, ids.Count, ids[0]);
    }

    // A failure, also one thrown before the publish got going (not connected), ends here and never in the ack loop.
    private async Task SendAckAsync(IMqttClient client, MqttApplicationMessage ack, int count, Guid first)
    {
        try
        {
            await client.PublishAsync(ack).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            LogAckFailed(_logger, count, first, ex.Message);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_supervisor is not null)
        {
            await _supervisor.ConfigureAwait(false);
        }

        _followed.Writer.TryComplete();
        if (_follower is not null)
        {
            await _follower.ConfigureAwait(false);
        }

        // Acks still queued go out before the goodbye.
        _toAck.Writer.TryComplete();
        if (_acker is not null)
        {
            await _acker.ConfigureAwait(false);
        }

        _stop.Dispose();
        foreach (var client in new[] { _client, _routine })
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync().ConfigureAwait(false);
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException)
                {
                    // Already gone.
                }
            }

            client.Dispose();
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Centre consumer connected to {Endpoint}, subscribed to {Filter}")]
    private static partial void LogSubscribed(ILogger logger, MqttEndpoint endpoint, string filter);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Centre consumer lost {Endpoint}, reconnecting: {Reason}")]
    private static partial void LogReconnectFailed(ILogger logger, MqttEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Ack for {Count} event(s) from {EventId} on not sent ({Reason}); the gateway will retransmit and they are acked then")]
    private static partial void LogAckFailed(ILogger logger, int count, Guid eventId, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "Message on {Topic} not handled (not acked; the gateway retransmits events): {Error}")]
    private static partial void LogHandlerFailed(ILogger logger, string topic, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Ignored a malformed event on {Topic}: {Error}")]
    private static partial void LogMalformed(ILogger logger, string topic, string error);
}
