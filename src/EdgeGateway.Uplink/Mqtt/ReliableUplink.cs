using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Contract;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// Delivers the outbox to the centre: QoS 1 publish, then retransmission under the same id until the centre's application ack,
/// which marks the event acked in the outbox. Owns its connection supervisor: reconnects forever with back-off and jitter,
/// pings to notice half-open links, publishes a retained birth/will status and periodic heartbeats.
/// </summary>
/// <remarks>Reconnection happens only in the supervisor loop, never in MQTTnet's DisconnectedAsync handler (MQTTnet #2243).</remarks>
public sealed partial class ReliableUplink
{
    private readonly MqttEndpoint _endpoint;
    private readonly string _gatewayId;
    private readonly SqliteOutbox _outbox;
    private readonly CareEventFactory _boot;
    private readonly UplinkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MqttClientFactory _factory = new();
    private readonly ConcurrentDictionary<Guid, InFlight> _inFlight = new();
    private readonly Channel<EventAck> _acks = Channel.CreateUnbounded<EventAck>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private IMqttClient? _client;
    private long _connects;

    /// <summary>Creates the uplink of <paramref name="gatewayId"/>; <paramref name="boot"/> supplies boot id and uptime for heartbeats.</summary>
    public ReliableUplink(MqttEndpoint endpoint, string gatewayId, SqliteOutbox outbox, CareEventFactory boot, UplinkOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(boot);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        CareEventFactory.ValidateGatewayId(gatewayId);
        _endpoint = endpoint;
        _gatewayId = gatewayId;
        _outbox = outbox;
        _boot = boot;
        _options = options;
        _logger = logger;
        _time = time;
        _outbox.Accepted += Wake;
    }

    /// <summary>Raised after the centre's ack for an event was committed to the outbox.</summary>
    public event Func<EventAck, Task>? AckReceived;

    /// <summary>Raised after the broker confirmed (PUBACK) a transmission of an event.</summary>
    public event Action<OutboxEntry>? Published;

    /// <summary>Raised after each successful connect (birth published).</summary>
    public event Action? Connected;

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => Volatile.Read(ref _client) is { IsConnected: true };

    /// <summary>How many times a connection was established.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>Events sent and waiting for the centre's ack.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Runs supervision, delivery and ack handling until <paramref name="cancellationToken"/> fires; then says goodbye (retained offline).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new[] { SuperviseAsync(stop.Token), DeliverAsync(stop.Token), HandleAcksAsync(stop.Token) };
        try
        {
            await Task.WhenAny(tasks).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            await GoodbyeAsync().ConfigureAwait(false);
        }
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_options.ReconnectInitial, _options.ReconnectMax);
        var pingEvery = _options.KeepAlive / 2;
        var nextHeartbeat = _time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var client = Volatile.Read(ref _client);
            if (client is not { IsConnected: true })
            {
                Drop(client);
                try
                {
                    await ConnectAsync(ct).ConfigureAwait(false);
                    backoff.Reset();
                    nextHeartbeat = _time.GetUtcNow();
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    var delay = backoff.Next();
                    LogConnectFailed(_logger, _endpoint, ex.Message, delay.TotalSeconds);
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }

                continue;
            }

            var now = _time.GetUtcNow();
            if (now >= nextHeartbeat)
            {
                await PublishHeartbeatAsync(client, ct).ConfigureAwait(false);
                nextHeartbeat = now + _options.HeartbeatInterval;
            }

            var untilHeartbeat = nextHeartbeat - _time.GetUtcNow();
            await Task.Delay(untilHeartbeat < pingEvery ? (untilHeartbeat > TimeSpan.Zero ? untilHeartbeat : TimeSpan.Zero) : pingEvery, _time, ct).ConfigureAwait(false);

            // A half-open link still accepts writes into the socket buffer; only a ping that goes unanswered shows it.
            if (!await PingAsync(client, ct).ConfigureAwait(false))
            {
                LogLinkLost(_logger, _endpoint, _options.KeepAlive.TotalSeconds);
                Drop(client);
            }
        }
    }

    private async Task<bool> PingAsync(IMqttClient client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.KeepAlive / 2);
        try
        {
            return await client.TryPingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            return false;
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var client = _factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += OnDisconnectedAsync;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_endpoint.Host, _endpoint.Port)
            .WithClientId($"gw-{_gatewayId}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(24 * 3600)
            .WithWillTopic(Topics.Status(_gatewayId))
            .WithWillPayload(GatewayStatus.Offline(_boot.BootId))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_endpoint.Tls)
        {
            builder = builder.WithTlsOptions(o => o.UseTls());
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ConnectTimeout);
            await client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);

            // The persistent session keeps the subscription, and acks published while we were away wait for us;
            // subscribing again costs one round trip and covers a broker that lost its state.
            var subscribe = _factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.Acks(_gatewayId), MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            await client.SubscribeAsync(subscribe, timeout.Token).ConfigureAwait(false);

            // Birth after the CONNACK: a will left by the previous connection (published at takeover or timeout, which
            // precedes this CONNACK) is overwritten here, so the retained status is never a stale "offline".
            await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.Status(_gatewayId))
                    .WithPayload(GatewayStatus.Online(_boot.BootId))
                    .WithRetainFlag()
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        // Everything sent on the old connection may be lost with it: resend all unacked events now.
        _inFlight.Clear();
        Volatile.Write(ref _client, client);
        Interlocked.Increment(ref _connects);
        LogConnected(_logger, _endpoint);
        Connected?.Invoke();
        Wake();
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // Only wake the loops; the supervisor reconnects (reconnecting from here deadlocks, MQTTnet #2243).
        if (args.ClientWasConnected)
        {
            LogDisconnected(_logger, _endpoint, args.Reason.ToString());
        }

        Wake();
        return Task.CompletedTask;
    }

    private void Drop(IMqttClient? client)
    {
        if (client is null)
        {
            return;
        }

        Interlocked.CompareExchange(ref _client, null, client);

        // No DISCONNECT packet: on a half-open link it would hang, and the broker should publish our will anyway.
        client.ApplicationMessageReceivedAsync -= OnMessageAsync;
        client.DisconnectedAsync -= OnDisconnectedAsync;
        client.Dispose();
    }

    private async Task DeliverAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = Volatile.Read(ref _client);
            TimeSpan wait = TimeSpan.FromMilliseconds(500);
            if (client is { IsConnected: true })
            {
                wait = await DeliverRoundAsync(client, ct).ConfigureAwait(false);
            }

            if (wait > TimeSpan.Zero)
            {
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timer.CancelAfter(wait);
                try
                {
                    await _wake.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
            }
        }
    }

    /// <summary>Sends what is due; returns how long to wait before the next round (zero: go again now).</summary>
    private async Task<TimeSpan> DeliverRoundAsync(IMqttClient client, CancellationToken ct)
    {
        var window = _options.Window;
        var entries = await _outbox.PeekAsync(window * 2, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (entries.Count < window * 2)
        {
            // The whole store is in view: forget in-flight ids that are gone (acked, evicted).
            var present = entries.Select(e => e.Id).ToHashSet();
            foreach (var id in _inFlight.Keys.Where(id => !present.Contains(id)).ToList())
            {
                _inFlight.TryRemove(id, out _);
            }
        }

        var due = new List<OutboxEntry>();
        var nextDue = now + _options.MaxRetransmitDelay;
        var inFlight = _inFlight.Count;
        foreach (var e in entries)
        {
            if (_inFlight.TryGetValue(e.Id, out var f))
            {
                if (f.Due <= now)
                {
                    due.Add(e);
                }
                else if (f.Due < nextDue)
                {
                    nextDue = f.Due;
                }
            }
            else if (inFlight < window || e.Class == EventClass.Alarm)
            {
                due.Add(e);
                inFlight++;
            }
        }

        if (due.Count == 0)
        {
            var wait = nextDue - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
        }

        var sends = new Task[due.Count];
        for (var i = 0; i < due.Count; i++)
        {
            var e = due[i];
            var attempt = _inFlight.TryGetValue(e.Id, out var prev) ? prev.Attempt + 1 : 0;
            var delay = TimeSpan.FromTicks(Math.Min(_options.MaxRetransmitDelay.Ticks, _options.AckTimeout.Ticks << Math.Min(attempt, 16)));
            _inFlight[e.Id] = new InFlight(now + delay, attempt);
            if (attempt > 0)
            {
                LogRetransmit(_logger, e.Id, attempt);
            }

            sends[i] = SendAsync(client, e, ct);
        }

        try
        {
            await Task.WhenAll(sends).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The connection broke mid-round; whatever was not confirmed goes again after the reconnect.
            LogPublishFailed(_logger, _endpoint, ex.Message);
            return TimeSpan.FromMilliseconds(200);
        }

        return TimeSpan.Zero;
    }

    private async Task SendAsync(IMqttClient client, OutboxEntry entry, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events(_gatewayId, entry.Class))
            .WithPayload(entry.Payload.ToArray())
            .WithContentType("application/cloudevents+json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(message, ct).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            LogPublishRefused(_logger, entry.Id, result.ReasonCode.ToString());
            return;
        }

        Published?.Invoke(entry);
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        if (!EventAck.TryParse(args.ApplicationMessage.Payload.ToArray(), out var ack, out var error))
        {
            LogBadAck(_logger, args.ApplicationMessage.Topic, error!);
            return Task.CompletedTask;
        }

        _acks.Writer.TryWrite(ack!);
        return Task.CompletedTask;
    }

    private async Task HandleAcksAsync(CancellationToken ct)
    {
        var batch = new List<EventAck>();
        while (await _acks.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (batch.Count < 5_000 && _acks.Reader.TryRead(out var a))
            {
                batch.Add(a);
            }

            try
            {
                // Step 3 of the write order: the row goes only once the centre has the event.
                await _outbox.AckAsync(batch.Select(a => a.EventId).ToList(), ct).ConfigureAwait(false);
            }
            catch (OutboxStorageException)
            {
                // The rows stay; the event goes again and the centre acks the duplicate. Try these acks later.
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
                foreach (var a in batch)
                {
                    _acks.Writer.TryWrite(a);
                }

                batch.Clear();
                continue;
            }

            foreach (var a in batch)
            {
                _inFlight.TryRemove(a.EventId, out _);
                if (AckReceived is { } handler)
                {
                    await handler(a).ConfigureAwait(false);
                }
            }

            batch.Clear();
            Wake();
        }
    }

    private async Task PublishHeartbeatAsync(IMqttClient client, CancellationToken ct)
    {
        var beat = new Heartbeat(
            _boot.BootId,
            _boot.Uptime,
            _outbox.Depth,
            await _outbox.OldestPendingAgeAsync(ct).ConfigureAwait(false),
            _options.ClockSync?.IsSynchronised ?? false,
            _time.GetUtcNow(),
            _options.States?.Invoke() ?? new Dictionary<string, string>());
        try
        {
            await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.Heartbeat(_gatewayId))
                    .WithPayload(beat.ToJson())
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogHeartbeatFailed(_logger, ex.Message);
        }
    }

    private async Task GoodbyeAsync()
    {
        var client = Volatile.Read(ref _client);
        if (client is not { IsConnected: true })
        {
            Drop(client);
            return;
        }

        // A clean stop is not a failure: say offline ourselves, then disconnect normally (the broker drops the will).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.Status(_gatewayId))
                    .WithPayload(GatewayStatus.Offline(_boot.BootId))
                    .WithRetainFlag()
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The will covers a goodbye that could not be said.
        }

        Drop(client);
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private readonly record struct InFlight(DateTimeOffset Due, int Attempt);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connected to broker {Endpoint}; status online")]
    private static partial void LogConnected(ILogger logger, MqttEndpoint endpoint);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Publishing to {Endpoint} failed, unacked events go again after reconnect: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, MqttEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Broker refused event {EventId}: {ReasonCode}; will retry")]
    private static partial void LogPublishRefused(ILogger logger, Guid eventId, string reasonCode);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Ignored a malformed acknowledgement on {Topic}: {Error}")]
    private static partial void LogBadAck(ILogger logger, string topic, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Cannot connect to broker {Endpoint}: {Reason}; next try in {DelaySeconds:F1} s")]
    private static partial void LogConnectFailed(ILogger logger, MqttEndpoint endpoint, string reason, double delaySeconds);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Link to {Endpoint} is dead (no ping answer within keep-alive {KeepAliveSeconds} s); reconnecting")]
    private static partial void LogLinkLost(ILogger logger, MqttEndpoint endpoint, double keepAliveSeconds);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Disconnected from {Endpoint}: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, MqttEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Retransmitting event {EventId} (attempt {Attempt}): no ack yet")]
    private static partial void LogRetransmit(ILogger logger, Guid eventId, int attempt);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Heartbeat not published: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);
}
