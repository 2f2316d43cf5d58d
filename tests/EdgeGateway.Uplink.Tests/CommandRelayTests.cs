using System.Text;
using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>The persistent session hands over queued commands right after the CONNACK, possibly before the host attached its handler.</summary>
public sealed class CommandRelayTests(ITestOutputHelper output) : IDisposable
{
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_command_queued_while_away_is_answered_even_when_its_reply_is_ready_before_the_link_counts_as_up()
    {
        // A config rebuild restarts the uplink; a nurse's next command waits in the persistent session and arrives right
        // after the CONNACK, while the link still subscribes and publishes its birth. Its reply used to be lost then.
        using var bed = new UplinkTestBed("relay");
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("relay-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        var options = UplinkTestBed.FastOptions(reconnectMax: TimeSpan.FromMilliseconds(300));

        // The first run leaves the session (and its subscription to the commands topic) on the broker.
        var first = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "relay-1", outbox, factory, options, _logs.Logger, TimeProvider.System);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var run = first.RunAsync(stop.Token);
            await Eventually.UntilAsync(() => first.IsConnected, TimeSpan.FromSeconds(10));
            await stop.CancelAsync();
            await run;
        }

        await using var centre = await MqttTap.ConnectAsync("127.0.0.1", broker.Port, Topics.Replies("relay-1"));
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).Build());
        for (var i = 0; i < 5; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Commands("relay-1")).WithPayload($"command-{i}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        // The restarted uplink answers each at once, as a quick refusal does.
        var second = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "relay-1", outbox, factory, options, _logs.Logger, TimeProvider.System);
        second.CommandReceived += payload => second.PublishReplyAsync(Encoding.UTF8.GetBytes("reply to " + Encoding.UTF8.GetString(payload)), CancellationToken.None);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            var run = second.RunAsync(stop.Token);
            await centre.WaitUntilAsync(ms => ms.Count >= 5, TimeSpan.FromSeconds(30), "a reply to each command queued while the gateway was away");
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"reply to command-{i}"), centre.Messages.Select(m => m.Payload).Order());
    }

    [Fact]
    public async Task A_command_that_arrives_before_the_handler_attaches_is_handed_to_it()
    {
        var relay = new CommandRelay("gw-1", () => null, TimeProvider.System);
        relay.Relay("first"u8.ToArray());
        relay.Relay("second"u8.ToArray());

        var got = Channel.CreateUnbounded<string>();
        relay.CommandReceived += payload => got.Writer.WriteAsync(System.Text.Encoding.UTF8.GetString(payload)).AsTask();
        relay.Relay("third"u8.ToArray());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new HashSet<string>();
        while (received.Count < 3)
        {
            received.Add(await got.Reader.ReadAsync(timeout.Token));
        }

        Assert.Equal(["first", "second", "third"], received.Order());
    }

    [Fact]
    public async Task Without_any_handler_only_the_newest_commands_are_kept()
    {
        var relay = new CommandRelay("gw-1", () => null, TimeProvider.System);
        for (var i = 0; i < CommandRelay.MaxWaiting + 10; i++)
        {
            relay.Relay([(byte)i]);
        }

        var got = Channel.CreateUnbounded<byte>();
        relay.CommandReceived += payload => got.Writer.WriteAsync(payload[0]).AsTask();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        while (received.Count < CommandRelay.MaxWaiting)
        {
            received.Add(await got.Reader.ReadAsync(timeout.Token));
        }

        Assert.Equal(Enumerable.Range(10, CommandRelay.MaxWaiting).Select(i => (byte)i), received.Order());
        Assert.False(got.Reader.TryRead(out _));
    }
}
