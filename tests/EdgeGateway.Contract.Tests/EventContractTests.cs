using System.Text;
using System.Text.Json;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Contract.Tests;

/// <summary>Every event the gateway can build matches docs/schemas, and the schemas really reject what breaks the contract.</summary>
public sealed class EventContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 23, 1, 2, 345, TimeSpan.Zero);

    public static TheoryData<CareEventKind> AllKinds() => new(Enum.GetValues<CareEventKind>());

    private static string Json(CareEvent evt) => Encoding.UTF8.GetString(CloudEventCodec.Serialize(evt));

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Every_event_kind_matches_the_event_schema_synced_or_not_with_or_without_sensor(CareEventKind kind)
    {
        var time = new FakeTimeProvider(Start);
        var clock = new FixedClockSyncStatus(false);
        var factory = new CareEventFactory("home-7", time, clock);
        var withSensor = factory.Create(kind, "front-door", $"{kind} happened", new Dictionary<string, string> { ["grace_s"] = "120", ["confidence"] = "0.93" });
        clock.IsSynchronised = true;
        time.Advance(TimeSpan.FromDays(30)); // past 2^31 ms of uptime: a CloudEvents Integer would have overflowed
        var gatewayWide = factory.Create(kind, null, "", relatesTo: withSensor.Id);

        foreach (var evt in new[] { withSensor, gatewayWide })
        {
            var json = Json(evt);
            ContractValidator.AssertValid(ContractSchema.Event, json, $"{kind} event");
            Assert.Equal(Topics.Events("home-7", evt.Class), $"edgegateway/v1/home-7/events/{JsonDocument.Parse(json).RootElement.GetProperty("eventclass").GetString()}");
            ContractValidator.AssertValidOnTopic(Topics.Events("home-7", evt.Class), json);
        }

        Assert.Equal(TimeSpan.FromDays(30), CloudEventCodec.Deserialize(CloudEventCodec.Serialize(gatewayWide)).Time.SinceBoot);
    }

    [Fact]
    public void The_schema_lists_exactly_the_types_of_the_catalog()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(ContractValidator.FileOf(ContractSchema.Event)));
        var listed = schema.RootElement.GetProperty("properties").GetProperty("type").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order().ToList();
        var catalog = CareEventCatalog.All.Select(s => CloudEventCodec.TypePrefix + s.TypeName).Order().ToList();
        Assert.Equal(catalog, listed);
    }

    [Theory]
    [InlineData("priority", "10")]
    [InlineData("priority", "\"1\"")]
    [InlineData("eventclass", "\"info\"")]
    [InlineData("type", "\"org.edgegateway.alarm.unheard-of\"")]
    [InlineData("sequence", "1")]
    [InlineData("sequence", "\"0000000000000000000\"")]
    [InlineData("sequence", "\"42\"")]
    [InlineData("uptimems", "12")]
    [InlineData("clocksynced", "\"true\"")]
    [InlineData("id", "\"not-a-uuid\"")]
    [InlineData("source", "\"/edgegateway/Home 7\"")]
    [InlineData("time", "\"23:01\"")]
    [InlineData("scaipdevice", "\"15\"")]
    [InlineData("specversion", "\"0.3\"")]
    [InlineData("unknownattr", "\"x\"")]
    [InlineData("data", "{\"message\":\"m\",\"n\":3}")]
    [InlineData("data", "{}")]
    public void The_event_schema_rejects_a_broken_attribute(string attribute, string value)
    {
        var factory = new CareEventFactory("home-7", new FakeTimeProvider(Start), new FixedClockSyncStatus(true));
        var node = System.Text.Json.Nodes.JsonNode.Parse(Json(factory.Create(CareEventKind.NightExit, "front-door", "out")))!.AsObject();
        ContractValidator.AssertValid(ContractSchema.Event, node.ToJsonString());
        node[attribute] = System.Text.Json.Nodes.JsonNode.Parse(value);
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Event, node.ToJsonString()));
    }

    [Fact]
    public void The_event_schema_rejects_a_missing_required_attribute()
    {
        var factory = new CareEventFactory("home-7", new FakeTimeProvider(Start), new FixedClockSyncStatus(true));
        var json = Json(factory.Create(CareEventKind.Fall, "wrist", "fall"));
        foreach (var required in new[] { "id", "source", "type", "time", "bootid", "sequence", "clocksynced", "uptimems", "priority", "data" })
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            node.Remove(required);
            Assert.True(ContractValidator.Validate(ContractSchema.Event, node.ToJsonString()).Count > 0, $"schema accepted an event without {required}");
        }
    }

    [Fact]
    public void Events_written_before_the_counters_became_strings_still_decode()
    {
        var factory = new CareEventFactory("home-7", new FakeTimeProvider(Start), new FixedClockSyncStatus(true));
        var node = System.Text.Json.Nodes.JsonNode.Parse(Json(factory.Create(CareEventKind.HelpButton, "cord", "pulled")))!.AsObject();
        node["sequence"] = 1;
        node["uptimems"] = 5;
        var back = CloudEventCodec.Deserialize(Encoding.UTF8.GetBytes(node.ToJsonString()));
        Assert.Equal(1, back.Sequence);
        Assert.Equal(TimeSpan.FromMilliseconds(5), back.Time.SinceBoot);
        node["sequence"] = "-3";
        Assert.Contains("sequence", Assert.Throws<FormatException>(() => CloudEventCodec.Deserialize(Encoding.UTF8.GetBytes(node.ToJsonString()))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequence_strings_sort_like_the_numbers_they_carry()
    {
        var factory = new CareEventFactory("home-7", new FakeTimeProvider(Start), new FixedClockSyncStatus(true));
        var sequences = Enumerable.Range(0, 12).Select(_ => JsonDocument.Parse(Json(factory.Create(CareEventKind.FlowTotals, "kitchen", ""))).RootElement.GetProperty("sequence").GetString()!).ToList();
        Assert.Equal(sequences.Order(StringComparer.Ordinal), sequences);
        Assert.Equal("0000000000000000012", sequences[^1]);
    }

    [Theory]
    [InlineData("edgegateway/v1/home-7/events/alarm", ContractSchema.Event)]
    [InlineData("edgegateway/v1/home-7/acks", ContractSchema.Ack)]
    [InlineData("edgegateway/v1/home-7/status", ContractSchema.Status)]
    [InlineData("edgegateway/v1/home-7/status/primary", ContractSchema.Status)]
    [InlineData("edgegateway/v1/home-7/status/secondary", ContractSchema.Status)]
    [InlineData("edgegateway/v1/home-7/heartbeat", ContractSchema.Heartbeat)]
    [InlineData("edgegateway/v1/home-7/commands", ContractSchema.Command)]
    [InlineData("edgegateway/v1/home-7/replies", ContractSchema.CommandReply)]
    public void Every_documented_topic_has_a_schema(string topic, ContractSchema schema)
    {
        Assert.Equal(schema, ContractValidator.SchemaForTopic(topic));
        Assert.Contains(topic.Replace("home-7", "{gatewayId}", StringComparison.Ordinal), File.ReadAllText(Path.Combine(ContractValidator.SchemaDirectory, "..", "asyncapi.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_topic_helpers_follow_the_scheme()
    {
        Assert.Equal("edgegateway/v1/home-7/commands", Topics.Commands("home-7"));
        Assert.Equal("edgegateway/v1/home-7/replies", Topics.Replies("home-7"));
        Assert.Equal("edgegateway/v1/home-7/#", Topics.All("home-7"));
        Assert.Throws<ContractViolationException>(() => ContractValidator.SchemaForTopic("edgegateway/v1/home-7/events/gossip"));
    }
}
