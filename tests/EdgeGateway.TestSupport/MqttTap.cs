using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.TestSupport;

/// <summary>One message seen on the wire.</summary>
public sealed record WireMessage(string Topic, string Payload, bool Retained);

/// <summary>A passive subscriber to <c>edgegateway/v1/#</c> that records every message, to check the wire against the contract.</summary>
public sealed class MqttTap : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<WireMessage> _messages = new();

    private MqttTap(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _messages.Enqueue(new WireMessage(e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<WireMessage> Messages => _messages.ToArray();

    public static async Task<MqttTap> ConnectAsync(string host, int port, string filter = "edgegateway/v1/#")
    {
        var factory = new MqttClientFactory();
        var client = factory.CreateMqttClient();
        var tap = new MqttTap(client);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(
            new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId($"contract-tap-{Guid.NewGuid():N}")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build(),
            timeout.Token);
        await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
        return tap;
    }

    /// <summary>Waits until <paramref name="done"/> holds over the messages so far, or fails after <paramref name="patience"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<WireMessage>, bool> done, TimeSpan patience, string what)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!done(Messages))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not seen within {patience.TotalSeconds:0} s: {what}; saw {Messages.Count} messages on {string.Join(", ", Messages.Select(m => m.Topic).Distinct())}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Validates every message by the schema of its topic; returns how many were checked per schema.</summary>
    public Dictionary<ContractSchema, int> AssertAllValid(Func<WireMessage, bool>? skip = null)
    {
        var counts = new Dictionary<ContractSchema, int>();
        foreach (var m in Messages.Where(m => skip is null || !skip(m)))
        {
            // An empty retained payload clears a retained message; it is a broker operation, not a message of the contract.
            if (m.Retained && m.Payload.Length == 0)
            {
                continue;
            }

            ContractValidator.AssertValidOnTopic(m.Topic, m.Payload);
            var schema = ContractValidator.SchemaForTopic(m.Topic);
            counts[schema] = counts.GetValueOrDefault(schema) + 1;
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _client.Dispose();
    }
}
