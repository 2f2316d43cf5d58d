using System.Text.Json;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;

namespace EdgeGateway.Uplink.Tests.Commands;

public sealed class CommandProcessorTests
{
    private readonly CommandRig _rig = new();

    private static JsonElement Ok(CommandOutcome outcome)
    {
        var reply = CommandRig.ReplyOf(outcome);
        Assert.True(outcome.Ok, reply.GetRawText());
        ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
        Assert.Equal("ok", reply.GetProperty("status").GetString());
        return reply.GetProperty("result");
    }

    private static JsonElement Error(CommandOutcome outcome, string code, string? field = null)
    {
        var reply = CommandRig.ReplyOf(outcome);
        ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
        Assert.Equal("error", reply.GetProperty("status").GetString());
        var error = reply.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, error.GetProperty("field").GetString());
        }

        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error;
    }

    private string Valid(string json)
    {
        ContractValidator.AssertValid(ContractSchema.Command, json);
        return json;
    }

    [Fact]
    public void Acknowledge_and_clear_reach_the_alarm_loop_with_the_operator_and_reply_with_the_alarm_id()
    {
        var alarm = Guid.CreateVersion7();
        _rig.Alarms.States[alarm] = "raised";

        var ack = _rig.Send(Valid(CommandRig.Command(CommandTypes.AlarmAcknowledge, new { alarm })));
        Assert.Equal(alarm.ToString(), Ok(ack).GetProperty("alarm").GetString());
        var clear = _rig.Send(Valid(CommandRig.Command(CommandTypes.AlarmClear, new { alarm })));
        Ok(clear);

        Assert.Equal([("ack", alarm, "nurse-anna"), ("clear", alarm, "nurse-anna")], _rig.Alarms.Calls);
        Assert.Equal("cleared", _rig.Alarms.States[alarm]);
        var again = Error(_rig.Send(CommandRig.Command(CommandTypes.AlarmClear, new { alarm })), CommandErrorCodes.Refused, "args.alarm");
        Assert.Contains("already cleared", again.GetProperty("message").GetString(), StringComparison.Ordinal);
        Error(_rig.Send(CommandRig.Command(CommandTypes.AlarmAcknowledge, new { alarm = Guid.CreateVersion7() })), CommandErrorCodes.NotFound, "args.alarm");
    }

    [Fact]
    public void Test_alarm_and_status_request_reply_with_what_happened()
    {
        var test = Ok(_rig.Send(Valid(CommandRig.Command(CommandTypes.AlarmTest, new { message = "daily test" }))));
        Assert.Equal(_rig.TestAlarm.Sent.Single().Id.ToString(), test.GetProperty("event").GetString());
        Assert.Equal(("nurse-anna", "daily test"), (_rig.TestAlarm.Sent[0].By, _rig.TestAlarm.Sent[0].Message));

        var alarm = Guid.CreateVersion7();
        _rig.Alarms.States[alarm] = "taken";
        var status = Ok(_rig.Send(Valid(CommandRig.Command(CommandTypes.StatusRequest))));
        Assert.Equal(FakeStatus.Boot.ToString(), status.GetProperty("bootid").GetString());
        Assert.Equal(5400, status.GetProperty("uptime_s").GetInt64());
        Assert.Equal(alarm.ToString(), status.GetProperty("alarms")[0].GetProperty("id").GetString());
        Assert.Equal("closed", status.GetProperty("states").GetProperty("front-door").GetString());
    }

    [Fact]
    public void A_config_reply_names_the_changes_field_of_each_refused_key_and_nothing_reaches_the_store_twice()
    {
        // The store's own behaviour (versions, validation, history, secrets) is tested against the real file in EdgeGateway.Tests.
        var error = Error(
            _rig.Send(Valid(CommandRig.Command(CommandTypes.ConfigSet, new { changes = new Dictionary<string, object?> { ["uplink.heartbeat_seconds"] = 0, ["uplink.keep_alive_seconds"] = null } }))),
            CommandErrorCodes.Rejected,
            "args.changes.uplink.keep_alive_seconds");
        Assert.Equal(["uplink.keep_alive_seconds", "uplink.heartbeat_seconds"], error.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("key").GetString()));
        Assert.Contains("nothing changed (version 1 stays in force)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Error(_rig.Send(CommandRig.Command(CommandTypes.ConfigSet, new { changes = new { x = "1" }, ifversion = 3 })), CommandErrorCodes.Conflict, "args.ifversion");
        Error(_rig.Send(CommandRig.Command(CommandTypes.ConfigRollback, new { version = 7 })), CommandErrorCodes.NotFound, "args.version");
        Error(_rig.Send(CommandRig.Command(CommandTypes.ConfigGet, new { keys = new[] { "uplink.heartbeat_seconds", "no.such.key" } })), CommandErrorCodes.NotFound, "args.keys[1]");
        Assert.Equal((2, 1, 1L), (_rig.Config.ApplyCalls, _rig.Config.RollbackCalls, _rig.Config.Version));
    }

    [Fact]
    public void An_expired_command_is_refused_and_nothing_is_done()
    {
        var alarm = Guid.CreateVersion7();
        _rig.Alarms.States[alarm] = "raised";
        var json = CommandRig.Command(CommandTypes.AlarmAcknowledge, new { alarm }, expires: CommandRig.Start.AddSeconds(30));
        _rig.Time.Advance(TimeSpan.FromSeconds(31));

        var error = Error(_rig.Send(json), CommandErrorCodes.Expired, "expires");
        Assert.Contains("expired at 2026-11-23T10:00:30.000Z", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_rig.Alarms.Calls);
    }

    [Fact]
    public void A_replayed_command_is_refused_even_when_the_first_one_was_carried_out()
    {
        var json = CommandRig.Command(CommandTypes.ConfigSet, new Dictionary<string, object> { ["changes"] = new Dictionary<string, object> { ["uplink.heartbeat_seconds"] = 7 } }, id: "once");
        Ok(_rig.Send(json));
        _rig.Time.Advance(TimeSpan.FromSeconds(10));

        var reply = CommandRig.ReplyOf(_rig.Send(json));
        Assert.Equal("replayed", reply.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("once", reply.GetProperty("command").GetString());
        Assert.Equal(1, _rig.Config.ApplyCalls);
        Assert.Equal(2, _rig.Config.Version);
    }

    [Fact]
    public void The_replay_window_survives_a_restart_when_persisted_and_forgets_ids_once_their_commands_expired()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("eg-replay-").FullName, "seen-commands");
        var first = new CommandRig(windowPath: path);
        var json = CommandRig.Command(CommandTypes.AlarmTest, id: "daily-test-1", expires: CommandRig.Start.AddMinutes(2));
        Assert.True(first.Send(json).Ok);

        var restarted = new CommandRig(windowPath: path);
        Assert.Equal(1, restarted.Window.Count);
        Assert.Equal(CommandErrorCodes.Replayed, restarted.Send(json).ErrorCode);
        Assert.Empty(restarted.TestAlarm.Sent);

        restarted.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(CommandErrorCodes.Expired, restarted.Send(json).ErrorCode);
        Assert.True(restarted.Send(CommandRig.Command(CommandTypes.AlarmTest, id: "daily-test-2", expires: CommandRig.Start.AddMinutes(8))).Ok);
        Assert.Equal(1, restarted.Window.Count);
    }

    [Fact]
    public void An_expiry_beyond_the_lifetime_cap_is_refused_while_the_clock_is_synchronised_but_not_when_it_may_be_behind()
    {
        var far = CommandRig.Command(CommandTypes.StatusRequest, expires: CommandRig.Start.AddHours(5));
        Error(_rig.Send(far), CommandErrorCodes.Invalid, "expires");

        var unsynced = new CommandRig(clockSynced: false);
        var reply = CommandRig.ReplyOf(unsynced.Send(far));
        Assert.Equal("ok", reply.GetProperty("status").GetString());
        Assert.False(reply.GetProperty("clocksynced").GetBoolean());
    }

    [Theory]
    [InlineData("""{"id":"c1","type":"alarm.acknowledge","by":"x","expires":"2026-11-23T10:05:00Z","args":{"alarm":42}}""", "args.alarm", "number 42")]
    [InlineData("""{"id":"c1","type":"alarm.acknowledge","by":"x","expires":"2026-11-23T10:05:00Z"}""", "args.alarm", "is missing")]
    [InlineData("""{"id":"c1","type":"alarm.test","by":"x","expires":"tomorrow"}""", "expires", "RFC 3339")]
    [InlineData("""{"id":"c1","type":"alarm.test","by":"x","expires":1764000000}""", "expires", "number")]
    [InlineData("""{"id":"c1","type":"alarm.test","by":17,"expires":"2026-11-23T10:05:00Z"}""", "by", "number 17")]
    [InlineData("""{"id":"c1","type":"alarm.test","expires":"2026-11-23T10:05:00Z"}""", "by", "is missing")]
    [InlineData("""{"id":1,"type":"alarm.test","by":"x","expires":"2026-11-23T10:05:00Z"}""", "id", "number 1")]
    [InlineData("""{"id":"has space","type":"alarm.test","by":"x","expires":"2026-11-23T10:05:00Z"}""", "id", "has space")]
    [InlineData("""{"id":"c1","type":"alarm.test","by":"x","expires":"2026-11-23T10:05:00Z","extra":1}""", "extra", "unexpected property")]
    [InlineData("""{"id":"c1","type":"alarm.test","by":"x","expires":"2026-11-23T10:05:00Z","args":[1]}""", "args", "an array")]
    [InlineData("""{"id":"c1","type":"alarm.test","by":"x","expires":"2026-11-23T10:05:00Z","args":{"message":{"a":1}}}""", "args.message", "an object")]
    [InlineData("""{"id":"c1","type":"status.request","by":"x","expires":"2026-11-23T10:05:00Z","args":{"verbose":true}}""", "args.verbose", "no arguments")]
    [InlineData("""{"id":"c1","type":"config.set","by":"x","expires":"2026-11-23T10:05:00Z","args":{"changes":{"uplink.heartbeat_seconds":[5]}}}""", "args.changes.uplink.heartbeat_seconds", "an array")]
    [InlineData("""{"id":"c1","type":"config.set","by":"x","expires":"2026-11-23T10:05:00Z","args":{"changes":{"Bad Key":"1"}}}""", "args.changes", "Bad Key")]
    [InlineData("""{"id":"c1","type":"config.set","by":"x","expires":"2026-11-23T10:05:00Z","args":{"changes":{}}}""", "args.changes", "is empty")]
    [InlineData("""{"id":"c1","type":"config.set","by":"x","expires":"2026-11-23T10:05:00Z","args":{"changes":"a=1"}}""", "args.changes", "string")]
    [InlineData("""{"id":"c1","type":"config.set","by":"x","expires":"2026-11-23T10:05:00Z","args":{"changes":{"a":"1"},"ifversion":-1}}""", "args.ifversion", "non-negative")]
    [InlineData("""{"id":"c1","type":"config.rollback","by":"x","expires":"2026-11-23T10:05:00Z","args":{"version":"3"}}""", "args.version", "string \"3\"")]
    [InlineData("""{"id":"c1","type":"config.history","by":"x","expires":"2026-11-23T10:05:00Z","args":{"limit":1000}}""", "args.limit", "1 to 100")]
    [InlineData("""{"id":"c1","type":"config.get","by":"x","expires":"2026-11-23T10:05:00Z","args":{"keys":"all"}}""", "args.keys", "string")]
    [InlineData("""["alarm.test"]""", "$", "JSON object")]
    public void A_bad_command_gets_an_error_naming_the_field_and_the_schema_rejects_it_too(string json, string field, string mentions)
    {
        var error = Error(_rig.Send(json), CommandErrorCodes.Invalid, field);
        Assert.Contains(mentions, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Command, json));
        Assert.Equal(0, _rig.Config.ApplyCalls + _rig.Config.RollbackCalls);
        Assert.Empty(_rig.Alarms.Calls);
        Assert.Empty(_rig.TestAlarm.Sent);
    }

    [Fact]
    public void A_duplicated_property_is_refused_because_parsers_disagree_on_which_one_wins()
    {
        // JSON Schema cannot see duplicates (the parser keeps one), so only the processor guards this.
        var error = Error(_rig.Send("""{"id":"c1","type":"alarm.test","type":"config.rollback","by":"x","expires":"2026-11-23T10:05:00Z"}"""), CommandErrorCodes.Invalid, "type");
        Assert.Contains("appears twice", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_rig.TestAlarm.Sent);
    }

    [Fact]
    public void Unknown_types_malformed_json_and_huge_payloads_get_their_own_codes()
    {
        var unknown = Error(_rig.Send("""{"id":"c9","type":"firmware.update","by":"x","expires":"2026-11-23T10:05:00Z"}"""), CommandErrorCodes.UnknownType, "type");
        Assert.Contains("config.set", unknown.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("c9", CommandRig.ReplyOf(_rig.Send("""{"id":"c9","type":"nope","by":"x","expires":"2026-11-23T10:05:00Z"}""")).GetProperty("command").GetString());

        Error(_rig.Send("""{"id":"c1","type":"alarm.test",""" ), CommandErrorCodes.MalformedJson);
        Error(_rig.Send("""{"id":"c1"} trailing"""), CommandErrorCodes.MalformedJson);
        Error(_rig.Send(new string('[', 100) + new string(']', 100)), CommandErrorCodes.MalformedJson);

        var huge = CommandRig.Command(CommandTypes.AlarmTest, new { message = new string('x', 70_000) });
        var tooLarge = Error(_rig.Send(huge), CommandErrorCodes.TooLarge);
        Assert.Contains("65536", tooLarge.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, CommandRig.ReplyOf(_rig.Send(huge)).GetProperty("command").ValueKind);
        Assert.Empty(_rig.TestAlarm.Sent);
    }

    [Fact]
    public void An_action_that_throws_gets_a_failed_reply_and_the_processor_keeps_working()
    {
        var rig = new CommandRig();
        var processor = new CommandProcessor("home-7", rig.Time, rig.Clock, new CommandReplayWindow(rig.Time), rig.Alarms, rig.TestAlarm, new ThrowingStatus(), rig.Config);
        var failed = Error(processor.Process(System.Text.Encoding.UTF8.GetBytes(CommandRig.Command(CommandTypes.StatusRequest))), CommandErrorCodes.Failed);
        Assert.Contains("disk gone", failed.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(processor.Process(System.Text.Encoding.UTF8.GetBytes(CommandRig.Command(CommandTypes.AlarmTest))).Ok);
    }

    private sealed class ThrowingStatus : IStatusProvider
    {
        public GatewayStatusReport GetStatus() => throw new IOException("disk gone");
    }
}
