using System.Buffers;
using System.Threading.Channels;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Publishes care events at QoS 1 and hands the centre's acknowledgements back; reconnects by itself.</summary>
/// <remarks>An event leaves the queue only after the broker's PUBACK; until then it is retried on the next connection.</remarks>
public sealed partial class MqttEventPublisher : IAsyncDisposable
{
    private readonly MqttEndpoint _endpoint;
    private readonly string _gatewayId;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly MqttClientFactory _factory = new();

    /// <summary>Creates a publisher for <paramref name="gatewayId"/> towards <paramref name="endpoint"/>.</summary>
    public MqttEventPublisher(MqttEndpoint endpoint, string gatewayId, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        CareEventFactory.ValidateGatewayId(gatewayId);
        _endpoint = endpoint;
        _gatewayId = gatewayId;
        _logger = logger;
        _time = time;
        _client = _factory.CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>Raised when the centre acknowledges an event.</summary>
    public event Func<EventAck, Task>? AckReceived;

    /// <summary>Raised after the broker confirmed (PUBACK) an event.</summary>
    public event Action<CareEvent>? Published;

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Publishes every event from <paramref name="events"/> until it completes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(ChannelReader<CareEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        try
        {
            while (await events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!events.TryPeek(out var evt))
                {
                    continue;
                }

                if (await TryPublishAsync(evt, cancellationToken).ConfigureAwait(false))
                {
                    events.TryRead(out _);
                    backoff.Reset();
                    Published?.Invoke(evt);
                }
                else
                {
                    await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TryPublishAsync(CareEvent evt, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Events(_gatewayId, evt.Class))
                .WithPayload(CloudEventCodec.Serialize(evt))
                .WithContentType("application/cloudevents+json")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess)
            {
                return true;
            }

            LogPublishRefused(_logger, evt.Id, result.ReasonCode.ToString());
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(_logger, evt.Id, _endpoint, ex.Message);
            return false;
        }
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            return;
        }

        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_endpoint.Host, _endpoint.Port)
            .WithClientId($"gw-{_gatewayId}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        var subscribe = _factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Acks(_gatewayId), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        LogConnected(_logger, _endpoint);
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        var payload = args.ApplicationMessage.Payload.ToArray();
        if (!EventAck.TryParse(payload, out var ack, out var error))
        {
            LogBadAck(_logger, args.ApplicationMessage.Topic, error!);
            return;
        }

        if (AckReceived is { } handler)
        {
            await handler(ack!).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // Already gone; nothing to tell the broker.
            }
        }

        _client.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connected to broker {Endpoint}")]
    private static partial void LogConnected(ILogger logger, MqttEndpoint endpoint);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Publishing event {EventId} to {Endpoint} failed, will retry: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, Guid eventId, MqttEndpoint endpoint, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Broker refused event {EventId}: {ReasonCode}; will retry")]
    private static partial void LogPublishRefused(ILogger logger, Guid eventId, string reasonCode);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Ignored a malformed acknowledgement on {Topic}: {Error}")]
    private static partial void LogBadAck(ILogger logger, string topic, string error);
}
