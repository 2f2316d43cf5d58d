using System.Buffers;
using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>
/// One path's connection and its supervisor: connects (TLS or the loopback demo), subscribes to acks, publishes the
/// retained birth and the heartbeats, pings to notice half-open links, and reconnects forever with back-off and jitter.
/// </summary>
/// <remarks>
/// Reconnection happens only in the supervisor loop, never in MQTTnet's DisconnectedAsync handler (MQTTnet #2243).
/// The link owns its <see cref="Health"/>: only its supervisor changes it, and reports each change through <see cref="HealthChanged"/>.
/// </remarks>
internal sealed partial class PathLink
{
    private readonly UplinkPath _path;
    private LoadedSecurity _security;
    private readonly string _gatewayId;
    private readonly string _clientId;
    private readonly string _statusTopic;
    private readonly CareEventFactory _boot;
    private readonly UplinkOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MqttClientFactory _factory = new();
    private readonly Channel<bool> _kick = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Func<EventAck, bool> _onAck;
    private readonly Func<CancellationToken, Task<byte[]>> _heartbeat;
    private readonly Action<byte[]> _onCommand;
    private IMqttClient? _client;
    private long _connects;
    private long _attempts;
    private string? _lastError;
    private volatile PathHealth _health = PathHealth.Unknown;

    public PathLink(
        UplinkPath path,
        LoadedSecurity security,
        string gatewayId,
        bool dual,
        CareEventFactory boot,
        UplinkOptions options,
        ILogger logger,
        TimeProvider time,
        Func<EventAck, bool> onAck,
        Func<CancellationToken, Task<byte[]>> heartbeat,
        Action<byte[]> onCommand)
    {
        _path = path;
        _onCommand = onCommand;
        _security = security;
        _gatewayId = gatewayId;

        // Two paths may end at the same broker: distinct client ids keep them from taking over each other's session,
        // and a per-path status keeps one path's will from saying "offline" while the other is up.
        _clientId = dual ? $"gw-{gatewayId}-{path.Name}" : $"gw-{gatewayId}";
        _statusTopic = dual ? Topics.PathStatus(gatewayId, path.Name) : Topics.Status(gatewayId);
        _boot = boot;
        _options = options;
        _logger = logger;
        _time = time;
        _onAck = onAck;
        _heartbeat = heartbeat;
    }

    public UplinkPath Path => _path;

    /// <summary>Raised on the supervisor's thread when <see cref="Health"/> changed: the link, its new health, and why it went down (null when up).</summary>
    public event Action<PathLink, PathHealth, string?>? HealthChanged;

    /// <summary>Whether this path is up, down, or not tried yet; written only by this link's supervisor.</summary>
    public PathHealth Health => _health;

    /// <summary>The connected client, or null.</summary>
    public IMqttClient? Client => Volatile.Read(ref _client) is { IsConnected: true } c ? c : null;

    public long Connects => Interlocked.Read(ref _connects);

    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Why the last connect failed or the link was dropped, or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    public async Task SuperviseAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_options.ReconnectInitial, _options.ReconnectMax);
        var pingEvery = _options.KeepAlive / 2;
        var nextHeartbeat = _time.GetUtcNow();
        var lost = false;
        while (!ct.IsCancellationRequested)
        {
            var client = Volatile.Read(ref _client);
            if (client is not { IsConnected: true })
            {
                if (client is not null)
                {
                    Drop(client, "disconnected");
                    lost = true;
                }

                if (lost)
                {
                    // A broker restart drops a whole region at the same instant: the first try after a drop waits a
                    // jittered back-off too, or thousands of gateways reconnect in the same millisecond.
                    lost = false;
                    try
                    {
                        await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                }

                try
                {
                    Interlocked.Increment(ref _attempts);
                    await ConnectAsync(ct).ConfigureAwait(false);
                    backoff.Reset();
                    nextHeartbeat = _time.GetUtcNow();
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    var delay = backoff.Next();
                    var reason = Describe(ex);
                    Volatile.Write(ref _lastError, reason);
                    LogConnectFailed(_logger, _path.Name, _path.Endpoint, reason, delay.TotalSeconds);
                    SetHealth(PathHealth.Down, reason);
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    // Stopping mid-connect: whatever the attempt failed with no longer matters.
                    return;
                }

                continue;
            }

            var now = _time.GetUtcNow();
            if (now >= nextHeartbeat)
            {
                // Not awaited: a heartbeat stuck on a half-open link must not delay the ping that detects it.
                _ = PublishHeartbeatAsync(client, ct);
                nextHeartbeat = now + _options.HeartbeatInterval;
            }

            var untilHeartbeat = nextHeartbeat - _time.GetUtcNow();
            var wait = untilHeartbeat < pingEvery ? (untilHeartbeat > TimeSpan.Zero ? untilHeartbeat : TimeSpan.Zero) : pingEvery;

            // A broker that closes the socket is noticed at once (the disconnect handler kicks us); a half-open link
            // still accepts writes into the socket buffer, and only a ping that goes unanswered shows it.
            if (await WaitKickAsync(wait, ct).ConfigureAwait(false))
            {
                continue;
            }

            if (!await PingAsync(client, ct).ConfigureAwait(false))
            {
                LogLinkLost(_logger, _path.Name, _path.Endpoint, _options.KeepAlive.TotalSeconds);
                Drop(client, $"no ping answer within {_options.KeepAlive.TotalSeconds:F0} s");
                lost = true;
            }
        }
    }

    /// <summary>A clean stop is not a failure: say offline ourselves, then disconnect normally (the broker drops the will); at most 2 s or until <paramref name="cancellationToken"/>.</summary>
    public async Task GoodbyeAsync(CancellationToken cancellationToken)
    {
        var client = Volatile.Read(ref _client);
        if (client is not { IsConnected: true })
        {
            Release(client);
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(_statusTopic)
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

        Release(client);
    }

    /// <summary>Makes the supervisor look at the connection now (after a disconnect or a failed publish).</summary>
    public void Kick() => _kick.Writer.TryWrite(true);

    private async Task<bool> WaitKickAsync(TimeSpan wait, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(wait);
        try
        {
            await _kick.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
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
        // Files are read again on every attempt: a renewed certificate on disk is picked up at the next reconnect.
        _security = _path.Security.Load(_path.Endpoint);
        if (_security.ClientCertificate is { } own && own.NotAfter.ToUniversalTime() < _time.GetUtcNow().UtcDateTime)
        {
            throw new LinkSecurityException($"our client certificate '{own.Subject}' expired at {own.NotAfter.ToUniversalTime():u}: the broker will refuse it; install a renewed certificate at --cert-file '{_path.Security.CertFile}'");
        }

        var refusal = new TlsRefusal();
        var builder = BrokerClientOptions.For(_path.Endpoint, _security, new BrokerSession(_clientId, _options.KeepAlive, _options.ConnectTimeout, TimeSpan.FromHours(24)), refusal)
            .WithWillTopic(_statusTopic)
            .WithWillPayload(GatewayStatus.Offline(_boot.BootId))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ConnectTimeout);
            try
            {
                await client.ConnectAsync(builder.Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (refusal.Reason is { } rejected && !ct.IsCancellationRequested)
            {
                throw new LinkSecurityException($"TLS handshake refused by us: {rejected}", ex);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException ex) when (_security.ClientCertificate is { } mine && !ct.IsCancellationRequested)
            {
                // The broker refuses a client certificate by closing the handshake; the socket error alone says nothing useful.
                throw new LinkSecurityException(
                    $"TLS connection closed by the broker ({ex.Message}): it may refuse our client certificate '{mine.Subject}' issued by '{mine.Issuer}' (valid {mine.NotBefore.ToUniversalTime():u} to {mine.NotAfter.ToUniversalTime():u}); check that the centre's CA signed it and that the broker's cafile is that CA",
                    ex);
            }

            // The persistent session keeps the subscription, and acks published while we were away wait for us;
            // subscribing again costs one round trip and covers a broker that lost its state.
            var subscribe = _factory.CreateSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.Acks(_gatewayId), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.Commands(_gatewayId), MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var granted = await client.SubscribeAsync(subscribe, timeout.Token).ConfigureAwait(false);
            if (granted.Items.FirstOrDefault() is { ResultCode: > MqttClientSubscribeResultCode.GrantedQoS2 } refused)
            {
                throw new LinkSecurityException($"the broker refused our subscription to {Topics.Acks(_gatewayId)} ({refused.ResultCode}): check the broker ACL for this gateway's identity");
            }

            // Birth after the CONNACK: a will left by the previous connection (published at takeover or timeout, which
            // precedes this CONNACK) is overwritten here, so the retained status is never a stale "offline".
            await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(_statusTopic)
                    .WithPayload(GatewayStatus.Online(_boot.BootId))
                    .WithRetainFlag()
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            client.ApplicationMessageReceivedAsync -= OnMessageAsync;
            client.DisconnectedAsync -= OnDisconnectedAsync;
            client.Dispose();
            throw;
        }

        Volatile.Write(ref _client, client);
        Volatile.Write(ref _lastError, null);
        Interlocked.Increment(ref _connects);
        LogConnected(_logger, _path.Name, _path.Endpoint);
        SetHealth(PathHealth.Up, null);
    }

    private void SetHealth(PathHealth now, string? reason)
    {
        if (_health == now)
        {
            return;
        }

        _health = now;
        HealthChanged?.Invoke(this, now, reason);
    }

    private static string Describe(Exception ex)
    {
        // MQTTnet wraps the TLS and socket errors; the innermost message is the one a technician can act on.
        var parts = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (!parts.Contains(e.Message, StringComparer.Ordinal))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(" → ", parts);
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs args)
    {
        // Only kick the supervisor; it reconnects (reconnecting from here deadlocks, MQTTnet #2243).
        if (args.ClientWasConnected && args.Reason == MqttClientDisconnectReason.NormalDisconnection)
        {
            // Our own clean stop (or the broker's orderly close) is not a fault worth a warning in the journal.
            LogClosed(_logger, _path.Name, _path.Endpoint);
        }
        else if (args.ClientWasConnected)
        {
            LogDisconnected(_logger, _path.Name, _path.Endpoint, args.Reason.ToString());
        }

        Kick();
        return Task.CompletedTask;
    }

    private void Drop(IMqttClient client, string reason)
    {
        if (Interlocked.CompareExchange(ref _client, null, client) == client)
        {
            Volatile.Write(ref _lastError, reason);
            SetHealth(PathHealth.Down, reason);
        }

        Release(client);
    }

    private void Release(IMqttClient? client)
    {
        if (client is null)
        {
            return;
        }

        // No DISCONNECT packet: on a half-open link it would hang, and the broker should publish our will anyway.
        client.ApplicationMessageReceivedAsync -= OnMessageAsync;
        client.DisconnectedAsync -= OnDisconnectedAsync;
        client.Dispose();
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        if (args.ApplicationMessage.Topic == Topics.Commands(_gatewayId))
        {
            _onCommand(args.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        }

        // Both forms: a batch from a current centre, one id from an older one.
        if (!EventAck.TryParseMany(args.ApplicationMessage.Payload.ToArray(), out var acks, out var error))
        {
            LogBadAck(_logger, args.ApplicationMessage.Topic, error!);
            return Task.CompletedTask;
        }

        foreach (var ack in acks)
        {
            _onAck(ack);
        }

        return Task.CompletedTask;
    }

    private async Task PublishHeartbeatAsync(IMqttClient client, CancellationToken ct)
    {
        try
        {
            await client.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(Topics.Heartbeat(_gatewayId))
                    .WithPayload(await _heartbeat(ct).ConfigureAwait(false))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogHeartbeatFailed(_logger, _path.Name, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connected to broker {Endpoint} over the {Path} path; status online")]
    private static partial void LogConnected(ILogger logger, string path, MqttEndpoint endpoint);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Ignored a malformed acknowledgement on {Topic}: {Error}")]
    private static partial void LogBadAck(ILogger logger, string topic, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Cannot connect to broker {Endpoint} over the {Path} path: {Reason}; next try in {DelaySeconds:F1} s")]
    private static partial void LogConnectFailed(ILogger logger, string path, MqttEndpoint endpoint, string reason, double delaySeconds);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "The {Path} path to {Endpoint} is dead (no ping answer within keep-alive {KeepAliveSeconds} s); reconnecting")]
    private static partial void LogLinkLost(ILogger logger, string path, MqttEndpoint endpoint, double keepAliveSeconds);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Connection to {Endpoint} on the {Path} path closed normally")]
    private static partial void LogClosed(ILogger logger, string path, MqttEndpoint endpoint);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Disconnected from {Endpoint} on the {Path} path: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, string path, MqttEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Heartbeat not published on the {Path} path: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string path, string reason);
}
