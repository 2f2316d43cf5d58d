using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using EdgeGateway.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A duty centre played by hand over a real broker for one gateway: it sees the events and replies, acks only when told,
/// and sends commands, so a test decides each step of an alarm's life. Every message it reads is checked against the contract.
/// </summary>
public sealed class TestCentre : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly IMqttClient _client;
    private readonly string _gatewayId;
    private readonly Channel<(string Type, Guid Id, JsonElement Event)> _events = Channel.CreateUnbounded<(string, Guid, JsonElement)>();
    private readonly Channel<JsonElement> _replies = Channel.CreateUnbounded<JsonElement>();

    private TestCentre(IMqttClient client, string gatewayId)
    {
        _client = client;
        _gatewayId = gatewayId;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var topic = e.ApplicationMessage.Topic;
            var text = Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray());
            ContractValidator.AssertValidOnTopic(topic, text);
            var root = JsonDocument.Parse(text).RootElement.Clone();
            if (topic.EndsWith("/replies", StringComparison.Ordinal))
            {
                _replies.Writer.TryWrite(root);
            }
            else
            {
                _events.Writer.TryWrite((root.GetProperty("type").GetString()!, root.GetProperty("id").GetGuid(), root));
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Connects to <paramref name="url"/> and follows <paramref name="gatewayId"/>'s events and replies.</summary>
    public static async Task<TestCentre> ConnectAsync(string url, string gatewayId)
    {
        var endpoint = MqttEndpoint.Parse(url);
        var factory = new MqttClientFactory();
        var client = factory.CreateMqttClient();
        var centre = new TestCentre(client, gatewayId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).WithClientId($"test-centre-{Guid.NewGuid():N}").Build(), timeout.Token);
        await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter($"edgegateway/v1/{gatewayId}/events/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.Replies(gatewayId), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), timeout.Token);
        return centre;
    }

    /// <summary>The id of the next event of CloudEvents type <paramref name="type"/> (others, and retransmissions, are skipped).</summary>
    public async Task<Guid> NextEventAsync(string type) => (await NextEventWithDataAsync(type).ConfigureAwait(false)).Id;

    /// <summary>The next event of CloudEvents type <paramref name="type"/>, whole.</summary>
    public async Task<(Guid Id, JsonElement Event)> NextEventWithDataAsync(string type)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                if (e.Type == type)
                {
                    return (e.Id, e.Event);
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {type} event within {Patience.TotalSeconds:0} s");
        }
    }

    /// <summary>Acks event <paramref name="eventId"/>, as a centre does once it has stored it.</summary>
    public Task AckAsync(Guid eventId, string by) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Acks(_gatewayId))
            .WithPayload(EventAck.ToJson([eventId], by))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    /// <summary>Sends one command and returns its reply.</summary>
    public async Task<JsonElement> CommandAsync(string type, string by, object? args = null)
    {
        var id = Guid.NewGuid();
        var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var command = JsonSerializer.Serialize(new Dictionary<string, object?> { ["id"] = id, ["type"] = type, ["by"] = by, ["expires"] = expires, ["args"] = args }
            .Where(kv => kv.Value is not null).ToDictionary());
        await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Commands(_gatewayId))
            .WithPayload(command)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var reply = await _replies.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                // Other clients' commands (a flood in the tests) are answered on the same topic, with ids that need not be UUIDs.
                if (reply.GetProperty("command").ValueKind == JsonValueKind.String && reply.GetProperty("command").GetString() == id.ToString("D"))
                {
                    return reply;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no reply to {type} within {Patience.TotalSeconds:0} s");
        }
    }

    /// <summary>Asks <c>status.request</c> until its result satisfies <paramref name="until"/>; returns that result.</summary>
    public async Task<JsonElement> StatusUntilAsync(Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var reply = await CommandAsync("status.request", "test-centre").ConfigureAwait(false);
            last = reply.GetProperty("result");
            if (until(last))
            {
                return last;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"the status never matched; the last was {last}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}
