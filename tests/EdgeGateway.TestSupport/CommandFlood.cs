using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeGateway.Contract;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A rogue client on the broker: publishes commands to one gateway at a given rate (QoS 1, as the centre does) and counts
/// the replies the gateway gives to them, so a test or bench can flood the command path and see what got through.
/// </summary>
public sealed class CommandFlood : IAsyncDisposable
{
    /// <summary>Every flood command's id starts with this, so its replies are told apart from the centre's.</summary>
    public const string IdPrefix = "flood-";

    private readonly IMqttClient _client;
    private readonly string _gatewayId;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _next;
    private int _replies;
    private int _refused;
    private long _lastReplyAt = Stopwatch.GetTimestamp();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _waiting = new(StringComparer.Ordinal);

    private CommandFlood(IMqttClient client, string gatewayId)
    {
        _client = client;
        _gatewayId = gatewayId;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            using var doc = JsonDocument.Parse(e.ApplicationMessage.Payload);
            if (doc.RootElement.GetProperty("command") is { ValueKind: JsonValueKind.String } id && id.GetString()!.StartsWith(IdPrefix, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _replies);
                if (doc.RootElement.GetProperty("status").GetString() != "ok")
                {
                    Interlocked.Increment(ref _refused);
                }

                Interlocked.Exchange(ref _lastReplyAt, Stopwatch.GetTimestamp());
            }
            else if (doc.RootElement.GetProperty("command") is { ValueKind: JsonValueKind.String } other && _waiting.TryRemove(other.GetString()!, out var waiter))
            {
                waiter.TrySetResult(doc.RootElement.Clone());
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Replies received to flood commands.</summary>
    public int Replies => Volatile.Read(ref _replies);

    /// <summary>Of those, the ones that were not <c>ok</c>.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Connects to <paramref name="url"/> and follows <paramref name="gatewayId"/>'s replies.</summary>
    public static async Task<CommandFlood> ConnectAsync(string url, string gatewayId)
    {
        var endpoint = MqttEndpoint.Parse(url);
        var factory = new MqttClientFactory();
        var client = factory.CreateMqttClient();
        var flood = new CommandFlood(client, gatewayId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).WithClientId($"flood-{Guid.NewGuid():N}").Build(), timeout.Token).ConfigureAwait(false);
        await client.SubscribeAsync(factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.Replies(gatewayId), MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), timeout.Token).ConfigureAwait(false);
        return flood;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> commands of <paramref name="type"/> at <paramref name="perSecond"/>, each with a new id
    /// and the given <paramref name="expires"/> (RFC 3339, e.g. <c>9999-12-31T23:59:59Z</c>); returns once the broker took them all.
    /// </summary>
    public async Task PublishAsync(int count, int perSecond, string expires, string type = "status.request", string by = "flood", CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>(count);
        var sent = 0;
        while (sent < count)
        {
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond) + 1);
            for (; sent < due; sent++)
            {
                var json = $$"""{"id":"{{IdPrefix}}{{_run}}-{{_next++}}","type":"{{type}}","by":"{{by}}","expires":"{{expires}}"}""";
                pending.Add(_client.PublishAsync(
                    new MqttApplicationMessageBuilder()
                        .WithTopic(Topics.Commands(_gatewayId))
                        .WithPayload(Encoding.UTF8.GetBytes(json))
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build(),
                    cancellationToken));
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <summary>Sends one command as the centre would (a new id, expiring in 5 min by this machine's clock); the task completes with its reply.</summary>
    public async Task<JsonElement> CommandAsync(string type, string by, object? args = null)
    {
        var id = Guid.NewGuid().ToString("D");
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = reply;
        var command = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["type"] = type,
            ["by"] = by,
            ["expires"] = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["args"] = args ?? new { },
        });
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(Topics.Commands(_gatewayId))
                .WithPayload(Encoding.UTF8.GetBytes(command))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build()).ConfigureAwait(false);
        return await reply.Task.ConfigureAwait(false);
    }

    /// <summary>Waits until no reply to a flood command has come for <paramref name="quiet"/>, or <paramref name="atMost"/> passed.</summary>
    public async Task QuietAsync(TimeSpan quiet, TimeSpan atMost)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastReplyAt)) < quiet && Stopwatch.GetElapsedTime(started) < atMost)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
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
