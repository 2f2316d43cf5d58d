using System.Text;
using System.Text.Json;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Uplink.Tests.Contract;

/// <summary>Every payload the gateway can build matches docs/schemas, and the schemas really reject what breaks the contract.</summary>
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

    [Fact]
    public void The_heartbeat_states_are_closed_where_documented_and_open_to_new_keys()
    {
        var boot = Guid.CreateVersion7();
        var full = new Dictionary<string, string>
        {
            ["link"] = "secondary", ["path.primary"] = "down", ["path.secondary"] = "up", ["buzzer"] = "AlarmDelivered", ["led"] = "AlarmDelivered", ["alarms"] = "1",
            ["power"] = "on battery, battery 80 %, ~2.5 h left", ["power.supply"] = "battery", ["power.charge_percent"] = "80", ["power.time_left_h"] = "2.5",
            ["modem"] = "ok", ["modem.state"] = "registered", ["modem.registration"] = "home", ["modem.operator"] = "Telenor", ["modem.access_tech"] = "lte",
            ["modem.signal_percent"] = "74", ["modem.rsrp_dbm"] = "-95.0", ["modem.rsrq_db"] = "-10.0", ["modem.snr_db"] = "12.5",
            ["board"] = "power,storage", ["board.cpu_celsius"] = "48.3", ["board.undervoltage"] = "yes", ["board.throttled"] = "no", ["board.free_mb"] = "1200", ["board.free_percent"] = "4",
        };
        string Json(Dictionary<string, string> states) => Encoding.UTF8.GetString(new Heartbeat(boot, TimeSpan.FromHours(3), 0, null, true, Start, states, TimeSpan.FromSeconds(60)).ToJson());
        Dictionary<string, string> With(string key, string value) => new(full) { [key] = value };
        ContractValidator.AssertValid(ContractSchema.Heartbeat, Json(full));

        // A value outside a documented key's list (or pattern) breaks the contract.
        foreach (var (key, value) in new[]
        {
            ("link", "sideways"), ("path.primary", "flaky"), ("path.secondary", "Up"), ("buzzer", "Siren"), ("led", "Disco"), ("alarms", "-1"), ("power.supply", "solar"),
            ("power.charge_percent", "101"), ("modem", "broken"), ("modem.signal_percent", "high"), ("board", "ok,fire"), ("board", "temperature,ok"), ("board.undervoltage", "maybe"),
            ("board.free_mb", "1.5"), ("board.free_percent", "101"), ("board.cpu_celsius", "48"),
        })
        {
            Assert.True(ContractValidator.Validate(ContractSchema.Heartbeat, Json(With(key, value))).Count > 0, $"the schema accepted {key} = \"{value}\"");
        }

        // Forward compatibility: a key the schema does not know yet, and ModemManager's own words, are accepted; a retired value stays valid.
        ContractValidator.AssertValid(ContractSchema.Heartbeat, Json(With("sensor.hall", "ok")));
        ContractValidator.AssertValid(ContractSchema.Heartbeat, Json(With("modem.state", "connected")));
        ContractValidator.AssertValid(ContractSchema.Heartbeat, Json(With("buzzer", "AlarmAcknowledged")));
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Heartbeat, Json(With("Sensor Hall", "ok"))));
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Heartbeat, Json(full).Replace("\"alarms\":\"1\"", "\"alarms\":1", StringComparison.Ordinal)));
    }

    [Fact]
    public void Acks_status_and_heartbeats_match_their_schemas()
    {
        var boot = Guid.CreateVersion7();
        ContractValidator.AssertValidOnTopic(Topics.Acks("home-7"), Encoding.UTF8.GetString(new EventAck(Guid.CreateVersion7(), "central-1").ToJson()));
        ContractValidator.AssertValidOnTopic(Topics.Status("home-7"), Encoding.UTF8.GetString(GatewayStatus.Online(boot)));
        ContractValidator.AssertValidOnTopic(Topics.Status("home-7"), Encoding.UTF8.GetString(GatewayStatus.Offline(boot)));
        var states = new Dictionary<string, string> { ["path.primary"] = "up" };
        ContractValidator.AssertValidOnTopic(Topics.Heartbeat("home-7"), Encoding.UTF8.GetString(new Heartbeat(boot, TimeSpan.FromHours(3), 0, null, false, Start, states).ToJson()));
        ContractValidator.AssertValidOnTopic(Topics.Heartbeat("home-7"), Encoding.UTF8.GetString(new Heartbeat(boot, TimeSpan.FromDays(40), 12, TimeSpan.FromSeconds(3.25), true, Start, new Dictionary<string, string>()).ToJson()));

        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Status, """{"state":"sleeping","bootid":"0193a1b2-0000-7000-8000-000000000001"}"""));
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Ack, """{"id":"0193a1b2-0000-7000-8000-000000000001"}"""));
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Heartbeat, """{"bootid":"0193a1b2-0000-7000-8000-000000000001","time":"2026-11-23T10:00:00.000Z","uptime_s":-1,"outbox_depth":0,"oldest_unacked_s":null,"clocksynced":true,"states":{}}"""));
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
