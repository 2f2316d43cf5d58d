using System.Buffers;
using EdgeGateway.Core.Events;
using EdgeGateway.Uplink.Contract;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>The reference central-side consumer: receives every gateway's events, de-duplicates them by id and acknowledges each.</summary>
public sealed partial class CentralConsumer : IAsyncDisposable
{
    private readonly MqttEndpoint _endpoint;
    private readonly string _clientId;
    private readonly string? _shareGroup;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly MqttClientFactory _factory = new();
    private readonly RecentIds _seen = new(100_000);

    /// <summary>Creates a consumer; with <paramref name="shareGroup"/> several instances split the load (MQTT 5 shared subscription).</summary>
    public CentralConsumer(MqttEndpoint endpoint, string clientId, string? shareGroup, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        _endpoint = endpoint;
        _clientId = clientId;
        _shareGroup = shareGroup;
        _logger = logger;
        _client = _factory.CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
    }

    /// <summary>Raised for each event; the flag is true the first time its id is seen.</summary>
    public event Func<CareEvent, bool, Task>? EventReceived;

    /// <summary>Connects and subscribes.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_endpoint.Host, _endpoint.Port)
            .WithClientId(_clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        var filter = _shareGroup is null ? Topics.AllEvents : $"$share/{_shareGroup}/{Topics.AllEvents}";
        var subscribe = _factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        LogSubscribed(_logger, _endpoint, filter);
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs args)
    {
        CareEvent evt;
        try
        {
            evt = CloudEventCodec.Deserialize(args.ApplicationMessage.Payload.ToArray());
        }
        catch (FormatException ex)
        {
            LogMalformed(_logger, args.ApplicationMessage.Topic, ex.Message);
            return;
        }

        var isNew = _seen.Add(evt.Id);
        if (EventReceived is { } handler)
        {
            await handler(evt, isNew).ConfigureAwait(false);
        }

        // Acknowledge duplicates too: the gateway retransmits until it hears an ack.
        var ack = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Acks(evt.GatewayId))
            .WithPayload(new EventAck(evt.Id, _clientId).ToJson())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _client.PublishAsync(ack).ConfigureAwait(false);
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
                // Already gone.
            }
        }

        _client.Dispose();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Central consumer connected to {Endpoint}, subscribed to {Filter}")]
    private static partial void LogSubscribed(ILogger logger, MqttEndpoint endpoint, string filter);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Ignored a malformed event on {Topic}: {Error}")]
    private static partial void LogMalformed(ILogger logger, string topic, string error);
}
