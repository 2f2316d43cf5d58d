using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests.Wire;

/// <summary>Acks come single (<c>{"id","by"}</c>, an older centre) or batched (<c>{"ids":[…],"by"}</c>): the gateway takes both.</summary>
public sealed class AckBatchTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AckTimeout = TimeSpan.FromMilliseconds(300);
    private readonly string _dir = Directory.CreateTempSubdirectory("ack-batch-").FullName;

    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_batched_ack_releases_every_id_in_it_and_a_single_ack_from_an_older_centre_still_works()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("batch-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);
        var events = Enumerable.Range(0, 6).Select(i => factory.Create(CareEventKind.TestAlarm, null, $"test {i}")).ToList();
        foreach (var e in events)
        {
            await outbox.AcceptAsync(e);
        }

        // A hand-driven centre: receives, acks only when told to.
        using var centre = new MqttClientFactory().CreateMqttClient();
        var seen = new ConcurrentDictionary<Guid, int>();
        centre.ApplicationMessageReceivedAsync += a =>
        {
            seen.AddOrUpdate(CloudEventCodec.Deserialize(a.ApplicationMessage.Payload.ToArray()).Id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await centre.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).Build());
        await centre.SubscribeAsync(Topics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce);

        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "batch-1", outbox, factory, new UplinkOptions { AckTimeout = AckTimeout }, _logs.Logger, TimeProvider.System);
        var acked = new ConcurrentDictionary<Guid, string>();
        uplink.AckReceived += a =>
        {
            acked[a.EventId] = a.By;
            return Task.CompletedTask;
        };
        using var stop = new CancellationTokenSource(Patience);
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => seen.Count == events.Count, Patience, () => $"the centre saw {seen.Count} of {events.Count} events");

        await centre.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Acks("batch-1"))
            .WithPayload(EventAck.ToJson(events.Take(5).Select(e => e.Id).ToList(), "central-new"))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await Eventually.UntilAsync(() => acked.Count == 5, Patience, () => $"{acked.Count} of the batch's 5 ids released; outbox depth {outbox.Depth}");
        Assert.Equal(1, outbox.Depth);
        Assert.All(events.Take(5), e => Assert.Equal("central-new", acked[e.Id]));

        await centre.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Acks("batch-1"))
            .WithPayload(new EventAck(events[5].Id, "central-old").ToJson())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => $"the single ack did not release {events[5].Id}");
        Assert.Equal("central-old", acked[events[5].Id]);

        // Released means no longer in flight: with every id acked, nothing is sent again however many ack timeouts pass.
        var sent = seen.Values.Sum();
        await Task.Delay(AckTimeout * 5);
        Assert.Equal(sent, seen.Values.Sum());
        await stop.CancelAsync();
        await run;
    }
}
