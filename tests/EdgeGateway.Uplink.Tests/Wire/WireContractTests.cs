using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using EdgeGateway.Centre;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Commands;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Tests.Commands;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests.Wire;

/// <summary>What real gateway runs put on the wire, captured from a broker and validated message by message against docs/schemas.</summary>
[Trait("Category", "Integration")]
public sealed partial class WireContractTests(ITestOutputHelper output) : IDisposable
{
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static Guid IdOf(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return Guid.Parse(doc.RootElement.GetProperty("id").GetString()!);
    }

    private static IEnumerable<Guid> AckedIdsOf(string payload) =>
        EventAck.TryParseMany(Encoding.UTF8.GetBytes(payload), out var acks, out var error) ? acks.Select(a => a.EventId) : throw new ContractViolationException(error!);

    [Fact]
    public async Task Every_event_kind_ack_status_and_heartbeat_on_the_wire_matches_its_schema()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = MqttEndpoint.Parse(broker.Url);
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", broker.Port);
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-contract", loggers: _logs)[0];
        await central.StartAsync(CancellationToken.None);

        var options = new UplinkOptions
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(300),

            // Every kind goes out here, mains-restored too: its routine hold is RoutineSpreadTests' to check, not the wire's.
            RoutineSpread = TimeSpan.Zero,
            ClockSync = new FixedClockSyncStatus(true),
            States = () => new Dictionary<string, string> { ["path.primary"] = "up", ["front-door"] = "closed" },
        };
        await using var publisher = new ChannelPublisher(endpoint, "home-wire", _logs.Logger, TimeProvider.System, null, options);
        var events = Channel.CreateUnbounded<CareEvent>();
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(events.Reader, stop.Token);

        var factory = new CareEventFactory("home-wire", TimeProvider.System, new FixedClockSyncStatus(false));
        var sent = new List<CareEvent>();
        foreach (var kind in Enum.GetValues<CareEventKind>())
        {
            var evt = factory.Create(kind, kind == CareEventKind.TestAlarm ? null : "sensor-1", $"{kind} on the wire", new Dictionary<string, string> { ["n"] = "1" }, relatesTo: sent.LastOrDefault()?.Id);
            sent.Add(evt);
            await events.Writer.WriteAsync(evt);
        }

        var ids = sent.Select(e => e.Id).ToHashSet();
        await tap.WaitUntilAsync(
            ms => ids.IsSubsetOf(ms.Where(m => m.Topic.Contains("/events/", StringComparison.Ordinal)).Select(m => IdOf(m.Payload)))
                && ids.IsSubsetOf(ms.Where(m => m.Topic.EndsWith("/acks", StringComparison.Ordinal)).SelectMany(m => AckedIdsOf(m.Payload)))
                && ms.Count(m => m.Topic.EndsWith("/heartbeat", StringComparison.Ordinal)) >= 2
                && ms.Any(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Payload.Contains("online", StringComparison.Ordinal)),
            Patience,
            "every event, its ack, two heartbeats and the online status");

        await stop.CancelAsync();
        await run;
        await tap.WaitUntilAsync(ms => ms.Any(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && m.Payload.Contains("offline", StringComparison.Ordinal)), Patience, "the offline goodbye");

        var counts = tap.AssertAllValid();
        Assert.True(counts[ContractSchema.Event] >= sent.Count);
        Assert.True(counts[ContractSchema.Ack] >= 1);
        Assert.True(ids.IsSubsetOf(tap.Messages.Where(m => m.Topic.EndsWith("/acks", StringComparison.Ordinal)).SelectMany(m => AckedIdsOf(m.Payload))), "an event's ack is missing on the wire");
        Assert.True(counts[ContractSchema.Status] >= 2);
        Assert.True(counts[ContractSchema.Heartbeat] >= 2);

        // Each event travels on the topic of its own class.
        foreach (var m in tap.Messages.Where(m => m.Topic.Contains("/events/", StringComparison.Ordinal)))
        {
            using var doc = JsonDocument.Parse(m.Payload);
            Assert.EndsWith("/events/" + doc.RootElement.GetProperty("eventclass").GetString(), m.Topic, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Commands_over_the_broker_get_exactly_one_schema_valid_reply_each()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", broker.Port);
        var rig = new CommandRig(clockSynced: false);
        var mqtt = new MqttClientFactory();

        // The gateway side, wired as the MQTT layer should: subscribe to the commands topic, hand each payload to the handler.
        using var gateway = mqtt.CreateMqttClient();
        var replies = new MqttReplies(gateway, Topics.Replies("home-cmd"));
        var handler = new CommandHandler(rig.Processor, replies, _logs.Logger);
        gateway.ApplicationMessageReceivedAsync += e =>
            e.ApplicationMessage.Topic == Topics.Commands("home-cmd")
                ? handler.HandleAsync(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), CancellationToken.None)
                : Task.CompletedTask;
        await gateway.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("gw-home-cmd").Build());
        await gateway.SubscribeAsync(mqtt.CreateSubscribeOptionsBuilder().WithTopicFilter(Topics.Commands("home-cmd"), MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using var centre = mqtt.CreateMqttClient();
        await centre.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("centre-cmd").Build());
        string[] valid =
        [
            CommandRig.Command(CommandTypes.StatusRequest, id: "s-1"),
            CommandRig.Command(CommandTypes.ConfigSet, new Dictionary<string, object> { ["changes"] = new Dictionary<string, object> { ["uplink.heartbeat_seconds"] = 12 } }, id: "c-1"),
            CommandRig.Command(CommandTypes.ConfigHistory, id: "h-1"),
            CommandRig.Command(CommandTypes.AlarmTest, id: "t-1"),
        ];
        string[] invalid = ["not json", """{"id":"x-1","type":"alarm.clear","by":"x","expires":"2026-11-23T10:05:00Z","args":{"alarm":"nope"}}""", CommandRig.Command(CommandTypes.StatusRequest, id: "s-1")];
        foreach (var json in valid.Concat(invalid))
        {
            await centre.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Commands("home-cmd")).WithPayload(json).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var total = valid.Length + invalid.Length;
        await tap.WaitUntilAsync(ms => ms.Count(m => m.Topic == Topics.Replies("home-cmd")) >= total, Patience, $"{total} replies");
        await Task.Delay(300);
        var replyMessages = tap.Messages.Where(m => m.Topic == Topics.Replies("home-cmd")).ToList();
        Assert.Equal(total, replyMessages.Count);

        var validSet = valid.ToHashSet();
        tap.AssertAllValid(skip: m => m.Topic == Topics.Commands("home-cmd") && !validSet.Contains(m.Payload));
        var statuses = replyMessages.Select(m => JsonDocument.Parse(m.Payload).RootElement).Select(r => (r.GetProperty("command").GetString(), r.GetProperty("status").GetString())).ToList();
        Assert.Equal([("s-1", "ok"), ("c-1", "ok"), ("h-1", "ok"), ("t-1", "ok"), (null, "error"), ("x-1", "error"), ("s-1", "error")], statuses);
        Assert.Equal("12", rig.Config.Values["uplink.heartbeat_seconds"]);
        await gateway.DisconnectAsync();
        await centre.DisconnectAsync();
    }

    [Fact]
    public async Task A_headless_demo_run_puts_only_schema_valid_messages_on_the_wire()
    {
        await using var demo = CliProcess.Start("demo", "--headless", "--speed", "120");
        int? port = null;
        using var lineTimeout = new CancellationTokenSource(Patience);
        while (port is null && await demo.Lines.WaitToReadAsync(lineTimeout.Token))
        {
            while (demo.Lines.TryRead(out var line))
            {
                var m = BrokerLine().Match(line);
                if (m.Success)
                {
                    port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }
            }
        }

        Assert.True(port is not null, $"the demo did not print its broker port; stderr: {demo.StdErr}");
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", port!.Value);
        var output = new StringBuilder();
        var drain = Task.Run(async () =>
        {
            await foreach (var line in demo.Lines.ReadAllAsync())
            {
                output.AppendLine(line);
            }
        });
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(170));
        await drain.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(demo.ExitCode == 0, $"demo failed:\n{output}\n{demo.StdErr}");

        var counts = tap.AssertAllValid();
        Assert.True(counts.GetValueOrDefault(ContractSchema.Event) >= 5, $"too few events captured: {string.Join(", ", counts)}");
        Assert.True(counts.GetValueOrDefault(ContractSchema.Ack) >= 5);
        Assert.True(counts.GetValueOrDefault(ContractSchema.Status) >= 1);
        Assert.True(counts.GetValueOrDefault(ContractSchema.Heartbeat) >= 1);
        Assert.Contains(tap.Messages, m => m.Topic.EndsWith("/events/alarm", StringComparison.Ordinal));
        Assert.Contains(tap.Messages, m => m.Topic.EndsWith("/events/info", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"embedded MQTT broker listening on (?:mqtt://)?127\.0\.0\.1:(\d+)")]
    private static partial Regex BrokerLine();

    /// <summary>Replies over MQTT the way the MQTT layer should publish them: QoS 1, not retained, on the gateway's replies topic.</summary>
    private sealed class MqttReplies(IMqttClient client, string topic) : ICommandReplyPublisher
    {
        public Task PublishReplyAsync(ReadOnlyMemory<byte> reply, CancellationToken cancellationToken) =>
            client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(reply.ToArray()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken);
    }
}
