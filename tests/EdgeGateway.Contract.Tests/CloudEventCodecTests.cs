using System.Text;
using System.Text.Json;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Contract.Tests;

public class CloudEventCodecTests
{
    private readonly CareEventFactory _factory = new(
        "home-7", new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 23, 1, 2, 345, TimeSpan.Zero)), new FixedClockSyncStatus(false));

    [Fact]
    public void Serialises_cloudevents_1_0_with_our_extensions()
    {
        var evt = _factory.Create(CareEventKind.NightExit, "front-door", "opened", new Dictionary<string, string> { ["grace_s"] = "120" });
        using var doc = JsonDocument.Parse(CloudEventCodec.Serialize(evt));
        var root = doc.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal(evt.Id.ToString(), root.GetProperty("id").GetString());
        Assert.Equal("/edgegateway/home-7", root.GetProperty("source").GetString());
        Assert.Equal("org.edgegateway.alarm.night-exit", root.GetProperty("type").GetString());
        Assert.Equal("front-door", root.GetProperty("subject").GetString());
        Assert.Equal("2026-11-23T23:01:02.345Z", root.GetProperty("time").GetString());
        Assert.Equal(2, root.GetProperty("priority").GetInt32());
        Assert.Equal("0015", root.GetProperty("scaipdevice").GetString());
        Assert.Equal("0003", root.GetProperty("scaipstatus").GetString());
        Assert.Equal(evt.BootId.ToString(), root.GetProperty("bootid").GetString());
        Assert.Equal("0000000000000000001", root.GetProperty("sequence").GetString());
        Assert.False(root.GetProperty("clocksynced").GetBoolean());
        Assert.Equal("opened", root.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal("120", root.GetProperty("data").GetProperty("grace_s").GetString());
    }

    [Fact]
    public void Round_trips_every_field()
    {
        var alarm = _factory.Create(CareEventKind.Fall, "wrist", "fall", new Dictionary<string, string> { ["confidence"] = "0.93" });
        var cleared = _factory.Create(CareEventKind.AlarmCleared, "wrist", "cleared", relatesTo: alarm.Id);
        foreach (var evt in new[] { alarm, cleared })
        {
            var back = CloudEventCodec.Deserialize(CloudEventCodec.Serialize(evt));
            Assert.Equal(evt.Id, back.Id);
            Assert.Equal(evt.Kind, back.Kind);
            Assert.Equal(evt.GatewayId, back.GatewayId);
            Assert.Equal(evt.SensorId, back.SensorId);
            Assert.Equal(evt.BootId, back.BootId);
            Assert.Equal(evt.Sequence, back.Sequence);
            Assert.Equal(evt.Priority, back.Priority);
            Assert.Equal(evt.Time, back.Time);
            Assert.Equal(evt.RelatesTo, back.RelatesTo);
            Assert.Equal(evt.Message, back.Message);
            Assert.Equal(evt.Data, back.Data);
        }
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"specversion":"0.3"}""", "specversion")]
    [InlineData("""{"specversion":"1.0","type":"com.other.thing"}""", "'com.other.thing'")]
    [InlineData("""{"specversion":"1.0","type":"org.edgegateway.alarm.fall","source":"/edgegateway/x","id":"nope"}""", "'id' is not a UUID")]
    public void Malformed_events_are_refused_with_the_attribute_named(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => CloudEventCodec.Deserialize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ack_round_trips_and_bad_acks_say_why()
    {
        var ack = new EventAck(Guid.CreateVersion7(), "central-1");
        Assert.True(EventAck.TryParse(ack.ToJson(), out var back, out _));
        Assert.Equal(ack, back);
        Assert.False(EventAck.TryParse("{\"id\":42}"u8, out _, out var error));
        Assert.Contains("'id'", error, StringComparison.Ordinal);
    }
}
