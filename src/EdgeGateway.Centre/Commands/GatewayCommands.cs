using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Commands;

/// <summary>Command round trips to gateways: sends a command through the first connected consumer and waits for the gateway's reply.</summary>
internal sealed partial class GatewayCommands(IReadOnlyList<CentreConsumer> consumers, DutyCentreOptions options, ILogger logger)
{
    private readonly TimeProvider _time = options.Time;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _replies = new(StringComparer.Ordinal);

    /// <summary>Sends <paramref name="type"/> with <paramref name="args"/> to <paramref name="gateway"/> on behalf of <paramref name="by"/>, and says what became of it.</summary>
    public async Task<CommandOutcome> SendAsync(string gateway, string type, string by, Action<Utf8JsonWriter> args, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString("D");
        var now = _time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("type", type);
            w.WriteString("by", by);
            w.WriteString("issued", Instants.Wire(now));
            w.WriteString("expires", Instants.Wire(now + TimeSpan.FromMinutes(5)));
            w.WriteStartObject("args");
            args(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[id] = waiter;
        try
        {
            var consumer = consumers.FirstOrDefault(c => c.IsConnected);
            if (consumer is null)
            {
                return new CommandOutcome(id, "not_sent", null);
            }

            try
            {
                await consumer.PublishCommandAsync(gateway, buffer.WrittenSpan.ToArray(), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                LogCommandFailed(logger, type, gateway, ex.Message);
                return new CommandOutcome(id, "not_sent", null);
            }

            try
            {
                var reply = await waiter.Task.WaitAsync(options.CommandTimeout, _time, ct).ConfigureAwait(false);
                using var doc = JsonDocument.Parse(reply);
                var status = doc.RootElement.TryGetProperty("status", out var s) && s.GetString() == "ok" ? "ok" : "error";
                return new CommandOutcome(id, status, reply);
            }
            catch (TimeoutException)
            {
                return new CommandOutcome(id, "no_reply", null);
            }
        }
        finally
        {
            _replies.TryRemove(id, out _);
        }
    }

    /// <summary>A gateway's reply arrived: hands it to the command waiting for it, if any still is.</summary>
    public void OnReply(byte[] payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("command", out var id) && id.ValueKind == JsonValueKind.String
                && _replies.TryRemove(id.GetString()!, out var waiter))
            {
                waiter.TrySetResult(doc.RootElement.GetRawText());
            }
        }
        catch (JsonException)
        {
            // A reply nobody can read answers nothing we wait for; the command then times out and says so.
        }
    }

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "Command {Type} to {Gateway} not sent: {Reason}")]
    private static partial void LogCommandFailed(ILogger logger, string type, string gateway, string reason);
}
