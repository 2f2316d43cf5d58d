using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests.Commands;

/// <summary>Hostile input never crashes the processor, never changes configuration, and always gets exactly one valid reply.</summary>
public sealed class CommandFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private static readonly string[] Templates =
    [
        CommandRig.Command(CommandTypes.ConfigSet, new Dictionary<string, object> { ["changes"] = new Dictionary<string, object> { ["uplink.heartbeat_seconds"] = 9 }, ["ifversion"] = 1 }),
        CommandRig.Command(CommandTypes.ConfigRollback, new { version = 1 }),
        CommandRig.Command(CommandTypes.AlarmAcknowledge, new { alarm = Guid.Parse("0193a1b2-0000-7000-8000-0000000000aa") }),
        CommandRig.Command(CommandTypes.ConfigGet, new { keys = new[] { "uplink.heartbeat_seconds" } }),
    ];

    private static readonly JsonNode?[] WrongValues =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1e308), JsonValue.Create(true), JsonValue.Create(""),
        JsonValue.Create(new string('z', 5000)), JsonValue.Create("\u0000\u202e"), new JsonArray(1, 2), new JsonObject { ["a"] = 1 },
        JsonValue.Create("2026-11-23T10:05:00Z"), JsonValue.Create("0193a1b2-0000-7000-8000-0000000000aa"),
    ];

    private static void AssertOneValidReply(CommandOutcome outcome, string input)
    {
        var text = Encoding.UTF8.GetString(outcome.Reply);
        var errors = ContractValidator.Validate(ContractSchema.CommandReply, text);
        Assert.True(errors.Count == 0, $"reply to {Clip(input)} breaks the schema: {string.Join("; ", errors)}\n{text}");
        using var doc = JsonDocument.Parse(outcome.Reply);
        Assert.Equal(outcome.Ok ? "ok" : "error", doc.RootElement.GetProperty("status").GetString());
    }

    private static string Clip(string s) => s.Length > 200 ? s[..200] + "…" : s;

    [Fact]
    public void Random_bytes_never_crash_and_never_touch_configuration()
    {
        var rig = new CommandRig();
        var random = new Random(8);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(0, i % 10 == 0 ? 4000 : 200)];
            random.NextBytes(bytes);
            if (i % 3 == 0 && bytes.Length > 0)
            {
                bytes[0] = (byte)'{';
            }

            var outcome = rig.Processor.Process(bytes);
            Assert.False(outcome.Ok);
            AssertOneValidReply(outcome, Convert.ToHexString(bytes));
        }

        Assert.Equal((0, 0, 1L), (rig.Config.ApplyCalls, rig.Config.RollbackCalls, rig.Config.Version));
        Assert.Empty(rig.Alarms.Calls);
    }

    [Fact]
    public void Mutated_commands_with_wrong_types_or_garbled_text_never_change_configuration()
    {
        var rig = new CommandRig();
        var random = new Random(13);
        var changed = 0;
        for (var i = 0; i < 2000; i++)
        {
            var template = Templates[random.Next(Templates.Length)];
            var node = JsonNode.Parse(template)!.AsObject();

            // Replace one field, top-level or inside args / changes, with a value of the wrong type.
            var targets = new List<JsonObject> { node };
            if (node["args"] is JsonObject args)
            {
                targets.Add(args);
                if (args["changes"] is JsonObject changes)
                {
                    targets.Add(changes);
                }
            }

            var target = targets[random.Next(targets.Count)];
            var key = target.Select(p => p.Key).ElementAt(random.Next(target.Count));
            var replacement = WrongValues[random.Next(WrongValues.Length)];
            target[key] = replacement?.DeepClone();
            var json = node.ToJsonString();

            // Half the time, also garble the text itself.
            if (random.Next(2) == 0)
            {
                var chars = json.ToCharArray();
                chars[random.Next(chars.Length)] = "{}[]\":,\\x0"[random.Next(10)];
                json = new string(chars);
            }

            var versionBefore = rig.Config.Version;
            var outcome = rig.Processor.Process(Encoding.UTF8.GetBytes(json));
            AssertOneValidReply(outcome, json);
            if (rig.Config.Version != versionBefore)
            {
                // Only a still-valid config.set or config.rollback can change anything, and only to a validated value.
                changed++;
                Assert.True(outcome.Ok);
                Assert.Contains(outcome.Type, new[] { CommandTypes.ConfigSet, CommandTypes.ConfigRollback });
                Assert.Empty(ContractValidator.Validate(ContractSchema.Command, json));
            }
        }

        Assert.Equal(changed + 1, rig.Config.Version);
        Assert.Contains(rig.Config.Values["uplink.heartbeat_seconds"], new[] { "60", "9" });
        Assert.Equal(changed, rig.Config.History(int.MaxValue).Count);
    }

    [Fact]
    public void Wrong_types_in_config_set_reach_no_configuration_call()
    {
        var rig = new CommandRig();
        foreach (var wrong in WrongValues.Where(v => v is null || v is JsonArray or JsonObject || v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.Null))
        {
            foreach (var field in new[] { "changes", "ifversion" })
            {
                if (field == "changes" && wrong is JsonObject)
                {
                    continue; // An object is the right type for changes.
                }

                var node = JsonNode.Parse(Templates[0])!.AsObject();
                node["args"]![field] = wrong?.DeepClone();
                if (field == "ifversion" && wrong is JsonValue v && v.TryGetValue<int>(out var n) && n == 0)
                {
                    continue; // 0 is a well-formed ifversion (a stale one).
                }

                var outcome = rig.Processor.Process(Encoding.UTF8.GetBytes(node.ToJsonString()));
                AssertOneValidReply(outcome, node.ToJsonString());
                Assert.Equal(CommandErrorCodes.Invalid, outcome.ErrorCode);
                Assert.Equal($"args.{field}", outcome.ErrorField);
            }
        }

        Assert.Equal(0, rig.Config.ApplyCalls);
    }

    [Theory]
    [InlineData(64 * 1024 + 1)]
    [InlineData(1024 * 1024)]
    [InlineData(16 * 1024 * 1024)]
    public void Huge_payloads_are_refused_unparsed(int size)
    {
        var rig = new CommandRig();
        var payload = new byte[size];
        Encoding.UTF8.GetBytes(CommandRig.Command(CommandTypes.ConfigSet, new Dictionary<string, object> { ["changes"] = new Dictionary<string, object> { ["uplink.heartbeat_seconds"] = 9 } })).CopyTo(payload, 0);
        var outcome = rig.Processor.Process(payload);
        Assert.Equal(CommandErrorCodes.TooLarge, outcome.ErrorCode);
        AssertOneValidReply(outcome, "(huge)");
        Assert.Equal(0, rig.Config.ApplyCalls);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(30000)]
    public void Deeply_nested_json_is_refused_as_malformed(int depth)
    {
        var rig = new CommandRig();
        var nested = new StringBuilder("""{"id":"deep","type":"config.set","by":"x","expires":"2026-11-23T10:05:00Z","args":{"changes":{"k":""");
        nested.Insert(nested.Length, "[", depth).Append(']', depth).Append("}}}");
        var outcome = rig.Processor.Process(Encoding.UTF8.GetBytes(nested.ToString()));
        Assert.Contains(outcome.ErrorCode, new[] { CommandErrorCodes.MalformedJson, CommandErrorCodes.TooLarge });
        AssertOneValidReply(outcome, "(deep)");
        Assert.Equal(0, rig.Config.ApplyCalls);
    }

    [Fact]
    public async Task The_handler_publishes_exactly_one_reply_per_payload_and_logs_instead_of_throwing_when_publishing_fails()
    {
        var rig = new CommandRig();
        var replies = new RecordingReplies();
        var handler = new CommandHandler(rig.Processor, replies, _logs.Logger);
        byte[][] inputs = [[], Encoding.UTF8.GetBytes("null"), Encoding.UTF8.GetBytes(CommandRig.Command(CommandTypes.StatusRequest)), new byte[70_000]];
        foreach (var input in inputs)
        {
            await handler.HandleAsync(input, CancellationToken.None);
        }

        Assert.Equal(inputs.Length, replies.Published.Count);
        Assert.All(replies.Published, r => ContractValidator.AssertValid(ContractSchema.CommandReply, Encoding.UTF8.GetString(r)));

        replies.Fail = true;
        _logs.Expect(3702); // the reply that could not be published
        var outcome = await handler.HandleAsync(Encoding.UTF8.GetBytes(CommandRig.Command(CommandTypes.AlarmTest)), CancellationToken.None);
        Assert.True(outcome.Ok);
        Assert.Single(rig.TestAlarm.Sent);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 3702);
    }

    private sealed class RecordingReplies : ICommandReplyPublisher
    {
        public List<byte[]> Published { get; } = [];

        public bool Fail { get; set; }

        public Task PublishReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new InvalidOperationException("not connected");
            }

            Published.Add(reply.ToArray());
            return Task.CompletedTask;
        }
    }
}
