using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Demo;
using EdgeGateway.TechnicianConsole.Security;
using EdgeGateway.TestSupport;
using MQTTnet;

namespace EdgeGateway.Tests.Adapters;

/// <summary>
/// The centre's config commands and the technician console against the real gateway process, its config file and store,
/// over a real mosquitto and a real pty; and the PIN hash, which must never leave the gateway by any of these paths.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CentreConfigTests : IAsyncDisposable
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly string _dir = Directory.CreateTempSubdirectory("centre-config-").FullName;

    private string ConfigPath => Path.Combine(_dir, "config.json");

    private string WriteConfig(string brokerUrl, string pinHash)
    {
        var home = SimulatedHome.Config(Oslo, Path.Combine(_dir, "data"));
        var config = new GatewayConfig
        {
            GatewayId = "run-test",
            Simulated = true,
            DataDirectory = home.DataDirectory,
            Devices = home.Devices,
            Rules = home.Rules,
            Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 1, KeepAliveSeconds = 2, PlainLoopbackDemo = true },
            Console = new ConsoleConfig { PinHash = pinHash },
        };
        File.WriteAllText(ConfigPath, config.ToJson());
        return ConfigPath;
    }

    [Fact]
    public async Task Config_commands_run_on_the_real_store_and_the_pin_hash_never_leaves_the_gateway()
    {
        // Each hash is a secret: a 4-digit PIN is recovered from it in minutes.
        var first = PinHash.Create("2468", 1000).ToString();
        var staged = PinHash.Create("1357", 1000).ToString();
        var centreSet = PinHash.Create("9753", 1000).ToString();

        await using var broker = await MosquittoBroker.StartAsync();
        var config = WriteConfig(broker.Url, first);
        using var cable = await PtyPair.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "cable")).FullName);
        await using var gateway = CliProcess.Start("run", "--config", config, "--console", cable.GatewayEnd);
        await gateway.WaitForLineAsync("Alarm loop armed", TimeSpan.FromSeconds(60));
        await using var centre = await Centre.ConnectAsync(broker.Url);

        // The technician: the hash is shown as "(secret)" everywhere, and can still be replaced.
        using (var laptop = new LaptopTerminal(cable.LaptopEnd))
        {
            await laptop.LogInAsync("2468");
            async Task<string> RunAsync(string line)
            {
                // The whole prompt: a diff's "->" must not end the answer.
                laptop.Type(line + "\r");
                return await laptop.ExpectAsync("eg> ");
            }

            var show = await RunAsync("config show");
            Assert.Contains("\"pin_hash\": \"(secret)\"", show, StringComparison.Ordinal);
            Assert.Contains("console.pin_hash = \"(secret)\"", await RunAsync("config get console.pin_hash"), StringComparison.Ordinal);
            Assert.Contains("\"(secret)\"", await RunAsync("config get console"), StringComparison.Ordinal);
            Assert.Contains("staged console.pin_hash = \"(secret)\"", await RunAsync($"config set console.pin_hash {staged}"), StringComparison.Ordinal);
            Assert.Contains("~ console.pin_hash: \"(secret)\" -> \"(secret)\"", await RunAsync("config diff"), StringComparison.Ordinal);
            Assert.Contains("applied as version 2", await RunAsync("config apply"), StringComparison.Ordinal);
            Assert.Contains("console.pin_hash", await RunAsync("config history 2"), StringComparison.Ordinal);
        }

        await gateway.WaitForLineAsync("Config version 2 is in force", TimeSpan.FromSeconds(60));
        Assert.Equal(staged, PinHashInFile());

        // The centre: get, set (a secret among them), a stale ifversion, a removal, bad values, history, rollback.
        var all = await centre.OkAsync("config.get", "{}");
        Assert.Equal(2, all.GetProperty("version").GetInt64());
        Assert.Equal("\"(secret)\"", all.GetProperty("values").GetProperty("console.pin_hash").GetString());
        Assert.Equal("\"run-test\"", all.GetProperty("values").GetProperty("gateway_id").GetString());
        Assert.Equal("1", all.GetProperty("values").GetProperty("uplink.heartbeat_seconds").GetString());
        var one = await centre.OkAsync("config.get", """{"keys":["console.pin_hash"]}""");
        Assert.Equal("\"(secret)\"", one.GetProperty("values").GetProperty("console.pin_hash").GetString());
        await centre.ErrorAsync("config.get", """{"keys":["console.pin_hash","no.such.key"]}""", "not_found", "args.keys[1]");

        var set = await centre.OkAsync("config.set", $$"""{"changes":{"console.pin_hash":"{{centreSet}}","uplink.heartbeat_seconds":2},"ifversion":2,"reason":"new technician PIN"}""");
        Assert.Equal((3, 2), (set.GetProperty("version").GetInt64(), set.GetProperty("previous").GetInt64()));
        await gateway.WaitForLineAsync("Config version 3 is in force", TimeSpan.FromSeconds(60));
        Assert.Equal(centreSet, PinHashInFile());

        var stale = await centre.ErrorAsync("config.set", """{"changes":{"uplink.heartbeat_seconds":5},"ifversion":2}""", "conflict", "args.ifversion");
        Assert.Contains("expected version 2, but 3 is in force", stale.GetProperty("message").GetString(), StringComparison.Ordinal);
        var removal = await centre.ErrorAsync("config.set", """{"changes":{"console.pin_hash":null}}""", "rejected", "args.changes.console.pin_hash");
        Assert.Contains("removing a key is not supported", removal.GetProperty("message").GetString(), StringComparison.Ordinal);
        var bad = await centre.ErrorAsync("config.set", """{"changes":{"uplink.heartbeat_seconds":0,"uplink.keep_alive_seconds":"soon"}}""", "rejected", null);
        var problems = bad.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("key").GetString()).ToList();
        Assert.Contains("uplink.heartbeat_seconds", problems);
        Assert.Contains("uplink.keep_alive_seconds", problems);
        Assert.Contains("expected a whole number, found \"soon\"", bad.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, (await centre.OkAsync("config.get", """{"keys":["uplink.heartbeat_seconds"]}""")).GetProperty("version").GetInt64());

        var history = (await centre.OkAsync("config.history", """{"limit":5}""")).GetProperty("entries");
        Assert.Equal([3, 2, 1], history.EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        var v3 = history[0];
        // The audit is kept as fields: who, through what, why (not one string to parse back).
        Assert.Equal("nurse-1", v3.GetProperty("by").GetString());
        Assert.StartsWith("centre command ", v3.GetProperty("via").GetString(), StringComparison.Ordinal);
        Assert.Equal("new technician PIN", v3.GetProperty("reason").GetString());
        Assert.Equal("\"(secret)\"", v3.GetProperty("changes").GetProperty("console.pin_hash").GetProperty("from").GetString());
        Assert.Equal("\"(secret)\"", v3.GetProperty("changes").GetProperty("console.pin_hash").GetProperty("to").GetString());
        Assert.Equal(("1", "2"), (v3.GetProperty("changes").GetProperty("uplink.heartbeat_seconds").GetProperty("from").GetString(), v3.GetProperty("changes").GetProperty("uplink.heartbeat_seconds").GetProperty("to").GetString()));

        var rolled = await centre.OkAsync("config.rollback", """{"version":2,"reason":"undo"}""");
        Assert.Equal(4, rolled.GetProperty("version").GetInt64());
        await gateway.WaitForLineAsync("Config version 4 is in force", TimeSpan.FromSeconds(60));
        Assert.Equal(staged, PinHashInFile());
        await centre.ErrorAsync("config.rollback", """{"version":99}""", "not_found", "args.version");
        await centre.OkAsync("status.request", "{}");

        // Nothing that left the gateway holds a hash: MQTT (replies, heartbeats, status, events), logs, audit, console.
        await centre.WaitForAsync(t => t.EndsWith("/heartbeat", StringComparison.Ordinal));
        var leaving = new Dictionary<string, string>
        {
            // The centre's own commands carry the new hash in: only what the gateway published is checked.
            ["mqtt"] = string.Join("\n", centre.Seen.Where(m => !m.Topic.EndsWith("/commands", StringComparison.Ordinal)).Select(m => $"{m.Topic} {m.Payload}")),
            ["stdout"] = gateway.StdOut,
            ["stderr"] = gateway.StdErr,
            ["audit.log"] = await File.ReadAllTextAsync(Path.Combine(_dir, "data", "audit.log")),
            ["config history file"] = await File.ReadAllTextAsync(ConfigPath + ".history"),
        };
        Assert.Contains("config-stage", leaving["audit.log"], StringComparison.Ordinal);
        Assert.Contains("\"status\":\"error\"", leaving["mqtt"], StringComparison.Ordinal);
        foreach (var (where, text) in leaving)
        {
            Configuration.PinHashLeaks.AssertNone(text, where, first, staged, centreSet);
        }
    }

    private string PinHashInFile() => JsonNode.Parse(File.ReadAllText(ConfigPath))!["console"]!["pin_hash"]!.GetValue<string>();

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>The duty centre's end: sends commands, waits for their replies, and keeps everything the gateway published.</summary>
    private sealed class Centre : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly ConcurrentQueue<(string Topic, string Payload)> _seen = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _replies = new(StringComparer.Ordinal);

        private Centre(IMqttClient client)
        {
            _client = client;
            client.ApplicationMessageReceivedAsync += e =>
            {
                var text = Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray());
                _seen.Enqueue((e.ApplicationMessage.Topic, text));
                if (e.ApplicationMessage.Topic.EndsWith("/replies", StringComparison.Ordinal))
                {
                    var reply = JsonDocument.Parse(text).RootElement.Clone();
                    if (reply.GetProperty("command").GetString() is { } id && _replies.TryGetValue(id, out var waiting))
                    {
                        waiting.TrySetResult(reply);
                    }
                }

                return Task.CompletedTask;
            };
        }

        public IReadOnlyCollection<(string Topic, string Payload)> Seen => _seen;

        public static async Task<Centre> ConnectAsync(string url)
        {
            var endpoint = EdgeGateway.Contract.MqttEndpoint.Parse(url);
            var client = new MqttClientFactory().CreateMqttClient();
            var centre = new Centre(client);
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).WithClientId("centre-" + Guid.NewGuid().ToString("N")).Build());
            await client.SubscribeAsync("edgegateway/v1/run-test/#");
            return centre;
        }

        public async Task<JsonElement> SendAsync(string type, string args)
        {
            var id = Guid.NewGuid().ToString();
            var waiting = _replies[id] = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            var expires = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var command = $$"""{"id":"{{id}}","type":"{{type}}","by":"nurse-1","expires":"{{expires}}","args":{{args}}}""";
            ContractValidator.AssertValid(ContractSchema.Command, command);
            await _client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("edgegateway/v1/run-test/commands")
                .WithPayload(command)
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            var reply = await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            ContractValidator.AssertValid(ContractSchema.CommandReply, reply.GetRawText());
            return reply;
        }

        public async Task<JsonElement> OkAsync(string type, string args)
        {
            var reply = await SendAsync(type, args);
            Assert.True(reply.GetProperty("status").GetString() == "ok", reply.GetRawText());
            return reply.GetProperty("result");
        }

        public async Task<JsonElement> ErrorAsync(string type, string args, string code, string? field)
        {
            var reply = await SendAsync(type, args);
            Assert.True(reply.GetProperty("status").GetString() == "error", reply.GetRawText());
            var error = reply.GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetString());
            if (field is not null)
            {
                Assert.Equal(field, error.GetProperty("field").GetString());
            }

            return error;
        }

        public async Task WaitForAsync(Func<string, bool> topic)
        {
            for (var i = 0; i < 300 && !_seen.Any(m => topic(m.Topic)); i++)
            {
                await Task.Delay(100);
            }

            Assert.Contains(_seen, m => topic(m.Topic));
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync();
            _client.Dispose();
        }
    }
}
