using EdgeGateway.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Uplink.Mqtt;

/// <summary>Command relay: hands the centre's commands to the handler off the receive thread, and publishes its replies on the path in use.</summary>
internal sealed class CommandRelay(string gatewayId, Func<IMqttClient?> activeClient)
{
    /// <summary>A command from the centre arrived (raw payload).</summary>
    public event Func<byte[], Task>? CommandReceived;

    /// <summary>Passes <paramref name="payload"/> on to the handler without waiting for it.</summary>
    public void Relay(byte[] payload)
    {
        // Commands are handled off the MQTT receive thread: a slow command (config apply) must not stall acks.
        if (CommandReceived is { } handler)
        {
            _ = Task.Run(() => handler(payload));
        }
    }

    /// <summary>Publishes a command reply (QoS 1, not retained) on the path in use.</summary>
    /// <exception cref="InvalidOperationException">No path is connected.</exception>
    public async Task PublishReplyAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var client = activeClient() ?? throw new InvalidOperationException("no uplink path is connected");
        await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Replies(gatewayId))
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken).ConfigureAwait(false);
    }
}
