using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Operators;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;

namespace EdgeGateway.Centre.Ingest;

/// <summary>
/// Events from the consumers: each is stored (the archive drops a duplicate) before the consumer acks it; a new alarm
/// goes to the page, and a test alarm to the nurse's test waiting for it.
/// </summary>
internal sealed class EventIngest(IArchive archive, DutyCentreOptions options, ChangeFeed changes, TestArrivals tests, Action<Guid, string> takeAs)
{
    /// <summary>Raised once per event the archive had not recorded before.</summary>
    public event Func<CareEvent, Task>? EventRecorded;

    /// <summary>The rollout's reader of update reports (every instance writes the reports it ingests), or null.</summary>
    public Func<CareEvent, Task>? Reports { get; set; }

    /// <summary>Stores <paramref name="evt"/> (its <paramref name="payload"/> as received); returns when it may be acked.</summary>
    public async Task OnEventAsync(CareEvent evt, byte[] payload)
    {
        var now = options.Time.GetUtcNow();
        var recorded = await archive.RecordEventAsync(evt, Encoding.UTF8.GetString(payload), IsPeriodicTest(payload), now).ConfigureAwait(false);
        if (!recorded.IsNew)
        {
            return;
        }

        if (evt.Kind == CareEventKind.TestAlarm || evt.Spec.ScaipStatus is ScaipCodes.Status.TestTransmission or ScaipCodes.Status.TestTransmissionPeriodic)
        {
            tests.Arrived(evt.Id, now);
        }

        if (recorded.Alarm is { } alarm)
        {
            changes.Publish(new CentreChange("alarm", alarm, null));
            if (options.TakeAs is { } taker && alarm.Origin == "gateway")
            {
                // Not awaited: this runs before the event's ack, and the take waits for the gateway's reply.
                takeAs(alarm.Id, taker);
            }
        }

        if (Reports is { } reports)
        {
            await reports(evt).ConfigureAwait(false);
        }

        if (EventRecorded is { } handler)
        {
            await handler(evt).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A periodic (daily) test transmission is recognised on the wire by its SCAIP status code, whatever the gateway calls
    /// the kind: <c>scaipstatus</c> = <see cref="ScaipCodes.Status.TestTransmissionPeriodic"/>.
    /// </summary>
    internal static bool IsPeriodicTest(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.TryGetProperty("scaipstatus", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == ScaipCodes.Status.TestTransmissionPeriodic;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
