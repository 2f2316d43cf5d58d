using System.Text;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;

namespace EdgeGateway.Uplink.Tests.Wire;

/// <summary>The uplink's own payloads (status, heartbeat, acks) match docs/schemas, and the heartbeat schema really rejects what breaks the contract.</summary>
public sealed class StatusAndHeartbeatContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 23, 1, 2, 345, TimeSpan.Zero);

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
            ["routine.held_until"] = "2026-11-23T23:11:02Z",
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
            ("routine.held_until", "in 5 min"), ("routine.held_until", "2026-11-23T23:11:02.345Z"),
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
}
