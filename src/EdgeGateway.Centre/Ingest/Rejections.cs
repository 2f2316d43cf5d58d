using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Ingest;

/// <summary>Messages the centre will not take: logged and kept in the archive as evidence, bounded and printable.</summary>
internal sealed partial class Rejections(IArchive archive, TimeProvider time, ILogger logger)
{
    private const int MaxRejectedPayload = 4096;

    /// <summary>Records that the message on <paramref name="topic"/> was refused for <paramref name="reason"/>.</summary>
    public async Task RejectAsync(string topic, byte[] payload, string reason)
    {
        // Kept as evidence, but bounded and printable: the rejected list must not become the way to store a megabyte.
        var shownTopic = PrintableText.Of(topic, 256);
        var shownReason = PrintableText.Of(reason, 1024);
        LogRejected(logger, shownTopic, shownReason);
        var gateway = Topics.GatewayIdOf(topic) is { } id ? PrintableText.Of(id, 64) : null;
        await archive.RecordRejectedAsync(new RejectedMessage(time.GetUtcNow(), shownTopic, gateway, shownReason, PrintableText.Of(Encoding.UTF8.GetString(payload, 0, Math.Min(payload.Length, MaxRejectedPayload)), MaxRejectedPayload, keepLineBreaks: true))).ConfigureAwait(false);
    }

    /// <summary>
    /// Rejects the message when its topic's <paramref name="gateway"/> id is invalid, naming <paramref name="shownKind"/>
    /// (already printable) in the reason; true when it did.
    /// </summary>
    public async Task<bool> RejectBadGatewayIdAsync(string topic, byte[] payload, string shownKind, string gateway)
    {
        if (CareEventFactory.GatewayIdProblem(gateway) is null)
        {
            return false;
        }

        await RejectAsync(topic, payload, $"{shownKind}: gateway id '{PrintableText.Of(gateway, 80)}' is invalid: expected 1–64 characters of a–z, 0–9, '-' or '_'").ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Rejected a message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);
}
