using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Centre.Tests;

/// <summary>
/// The load client of the scale bench (<see cref="LeanFleet"/>) behaves as gateways do on a real mosquitto: each its own
/// connection and will, a will when killed at once and when frozen after 1.5 × keep-alive, events retransmitted until acked.
/// </summary>
public sealed class LeanFleetTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Fifty_gateways_connect_leave_wills_when_killed_or_frozen_and_retransmit_until_acked()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var wills = new ConcurrentDictionary<string, (TimeSpan At, string State)>();
        var events = new ConcurrentQueue<(string Gateway, Guid Id)>();
        var clock = Stopwatch.StartNew();
        var acking = true;
        var factory = new MqttClientFactory();

        // The fake centre: follows status, and acks every event it hears while acking is on (the centre's EventAck, single form).
        using var centre = factory.CreateMqttClient();
        centre.ApplicationMessageReceivedAsync += async e =>
        {
            var topic = e.ApplicationMessage.Topic;
            var payload = e.ApplicationMessage.Payload.ToArray();
            var gateway = Topics.GatewayIdOf(topic)!;
            if (topic.EndsWith("/status", StringComparison.Ordinal))
            {
                var state = GatewayStatus.StateOf(payload)!;
                wills.AddOrUpdate(gateway, (clock.Elapsed, state), (_, _) => (clock.Elapsed, state));
                return;
            }

            var id = Guid.Parse(System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("id").GetString()!);
            events.Enqueue((gateway, id));
            if (Volatile.Read(ref acking))
            {
                await centre.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Acks(gateway)).WithPayload(new EventAck(id, "fake").ToJson())
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
        };
        await centre.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("fake-centre").Build());
        await centre.SubscribeAsync(factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.AllStatus, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await using var fleet = new LeanFleet(new LeanFleetOptions(IPAddress.Loopback, broker.Port, 50)
        {
            KeepAlive = TimeSpan.FromSeconds(2),
            AckTimeout = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        });
        fleet.ConnectAll(TimeSpan.FromSeconds(1));
        Assert.True(await fleet.WaitConnectedAsync(50, Patience), $"{fleet.Connected} of 50 connected, {fleet.Drops} drops, {fleet.Refused} refused");
        await Eventually.UntilAsync(() => wills.Count == 50 && wills.Values.All(w => w.State == "online"), Patience, () => $"{wills.Count} births");
        Assert.True(fleet.Drops == 0, fleet.LastDropReason);
        Assert.All(Enumerable.Range(0, 50), g => Assert.Single(fleet.ConnectedAt(g)));

        // Acked events leave the outbox; each gateway beats.
        var first = Enumerable.Range(0, 50).Select(g => fleet.RaiseEvent(g, alarm: g % 5 == 0)).ToList();
        await Eventually.UntilAsync(() => first.All(e => e.Acked is not null), Patience, () => $"{fleet.Acked} acked, {fleet.Pending} pending");
        Assert.All(first, e => Assert.True(e.FirstSent <= e.Acked && e.Raised <= e.FirstSent));
        fleet.StartHeartbeats();
        await Eventually.UntilAsync(() => Enumerable.Range(0, 50).All(g => fleet.LastHeartbeat(g) is not null), Patience);

        // Killed: the socket closes without DISCONNECT, so the broker publishes the will at once.
        var killedAt = clock.Elapsed;
        fleet.Kill(3);
        await Eventually.UntilAsync(() => wills[fleet.IdOf(3)].State == "offline", TimeSpan.FromSeconds(5));
        Assert.True(wills[fleet.IdOf(3)].At - killedAt < TimeSpan.FromSeconds(1), $"will after {(wills[fleet.IdOf(3)].At - killedAt).TotalSeconds:F1} s");

        // Frozen: nothing sent, nothing read; the broker waits 1.5 × keep-alive (3 s) before the will, and not much longer.
        var frozenAt = clock.Elapsed;
        fleet.Freeze(7);
        await Eventually.UntilAsync(() => wills[fleet.IdOf(7)].State == "offline", TimeSpan.FromSeconds(10));
        var after = wills[fleet.IdOf(7)].At - frozenAt;
        Assert.InRange(after.TotalSeconds, 2.0, 5.0);
        Assert.Equal(48, fleet.Connected);

        // Not acked: the same id again after the ack timeout, until an ack releases it.
        Volatile.Write(ref acking, false);
        var unacked = fleet.RaiseEvent(11, alarm: true);
        await Eventually.UntilAsync(() => events.Count(e => e.Id == unacked.Id) >= 3, Patience, () => $"{events.Count(e => e.Id == unacked.Id)} sends");
        Assert.Null(unacked.Acked);
        Assert.True(unacked.Retransmissions >= 2);
        Volatile.Write(ref acking, true);
        await Eventually.UntilAsync(() => unacked.Acked is not null, Patience);
        Assert.Equal(0, fleet.Pending);

        // Cut and back: events raised while away wait in the outbox and go after the reconnect, alarms first.
        fleet.CutAll();
        Assert.Equal(0, fleet.Connected);
        var routine = fleet.RaiseEvent(20, alarm: false);
        var alarm = fleet.RaiseEvent(20, alarm: true);
        Assert.Null(alarm.FirstSent);
        fleet.ReconnectAll(TimeSpan.FromSeconds(1));
        Assert.True(await fleet.WaitConnectedAsync(50, Patience), $"{fleet.Connected} of 50 reconnected");
        await Eventually.UntilAsync(() => routine.Acked is not null && alarm.Acked is not null, Patience);
        Assert.True(alarm.FirstSent <= routine.FirstSent);
        Assert.Equal(2, fleet.ConnectedAt(20).Count);
        Assert.Equal(0, fleet.Drops);
    }
}
