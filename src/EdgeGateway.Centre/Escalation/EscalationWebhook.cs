using System.Buffers;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Escalation;

/// <summary>Posts each escalation to <see cref="DutyCentreOptions.EscalationWebhook"/> (when one is set) as JSON.</summary>
internal sealed partial class EscalationWebhook : IDisposable
{
    private readonly DutyCentreOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient? _client;

    /// <summary>Creates the webhook of <paramref name="options"/>; without a URL it posts nothing.</summary>
    public EscalationWebhook(DutyCentreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        if (options.EscalationWebhook is not null)
        {
            _client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        }
    }

    /// <summary>Posts <paramref name="alarm"/>'s escalation; a failure is logged, never thrown.</summary>
    public async Task PostAsync(AlarmRecord alarm, CancellationToken ct)
    {
        if (_client is null || _options.EscalationWebhook is not { } url)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", "escalation");
            w.WriteString("alarm", alarm.Id);
            w.WriteString("gateway", alarm.Gateway);
            w.WriteString("type", alarm.Type);
            w.WriteString("state", alarm.State);
            w.WriteNumber("level", alarm.Escalation);
            w.WriteNumber("priority", alarm.Priority);
            w.WriteString("message", alarm.Message);
            w.WriteString("raised_at", Instants.Wire(alarm.RaisedAt));
            w.WriteString("received_at", Instants.Wire(alarm.ReceivedAt));
            w.WriteString("escalated_at", Instants.Wire(alarm.EscalatedAt ?? _options.Time.GetUtcNow()));
            w.WriteEndObject();
        }

        try
        {
            using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _client.PostAsync(url, content, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                LogWebhookFailed(_logger, alarm.Id, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The page shows the escalation anyway; the webhook is a second channel, not the record.
            LogWebhookFailed(_logger, alarm.Id, ex.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Escalation webhook for alarm {Alarm} failed: {Reason}")]
    private static partial void LogWebhookFailed(ILogger logger, Guid alarm, string reason);
}
