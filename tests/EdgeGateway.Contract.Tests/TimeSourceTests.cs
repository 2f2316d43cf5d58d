using System.Text;
using System.Text.Json;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Contract.Tests;

/// <summary>Events say where their time came from (<c>timesource</c>), and events of gateways that do not say still decode.</summary>
public sealed class TimeSourceTests
{
    private static CareEvent Event(TimeSource source, bool synced) =>
        new CareEventFactory("home-7", new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 4, 10, 0, TimeSpan.Zero)), new FixedClockSyncStatus(synced) { FixedSource = source })
            .Create(CareEventKind.ModemFault, "modem", "4G modem (secondary path): SIM missing (sim-missing)");

    [Theory]
    [InlineData(TimeSource.Ntp, true, "ntp")]
    [InlineData(TimeSource.Rtc, true, "rtc")]
    [InlineData(TimeSource.None, false, "none")]
    public void Each_source_is_written_matches_the_schema_and_reads_back(TimeSource source, bool synced, string wire)
    {
        var evt = Event(source, synced);
        var json = CloudEventCodec.Serialize(evt);
        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal(wire, doc.RootElement.GetProperty("timesource").GetString());
            Assert.Equal(synced, doc.RootElement.GetProperty("clocksynced").GetBoolean());
        }

        ContractValidator.AssertValid(ContractSchema.Event, Encoding.UTF8.GetString(json));
        Assert.Equal(source, CloudEventCodec.Deserialize(json).Time.Source);
    }

    [Fact]
    public void An_event_from_an_older_gateway_without_timesource_decodes_and_matches_the_schema()
    {
        var json = Encoding.UTF8.GetString(CloudEventCodec.Serialize(Event(TimeSource.Ntp, true))).Replace(",\"timesource\":\"ntp\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("timesource", json, StringComparison.Ordinal);
        ContractValidator.AssertValid(ContractSchema.Event, json);
        Assert.Null(CloudEventCodec.Deserialize(Encoding.UTF8.GetBytes(json)).Time.Source);
    }

    [Fact]
    public void An_unknown_timesource_is_refused_by_the_codec_and_the_schema()
    {
        var json = Encoding.UTF8.GetString(CloudEventCodec.Serialize(Event(TimeSource.Ntp, true))).Replace("\"timesource\":\"ntp\"", "\"timesource\":\"gps\"", StringComparison.Ordinal);
        var ex = Assert.Throws<FormatException>(() => CloudEventCodec.Deserialize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("'timesource' is 'gps'", ex.Message, StringComparison.Ordinal);
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Event, json));
    }
}
