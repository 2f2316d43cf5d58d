using System.Buffers;
using System.Collections.Concurrent;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests;

/// <summary>
/// The centre's two connections (issue 33): an alarm never waits behind the broker's queue of routine events for this
/// instance, as it did on one connection when a region's homes came back with their backlogs at once.
/// </summary>
public sealed class CentreLaneTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    [Fact]
    [Trait("Category", "Integration")]
    public async Task An_alarm_is_stored_and_acked_while_a_routine_backlog_waits_and_every_event_is_handled_once()
    {
        const int Routine = 400;
        await using var broker = await MosquittoBroker.StartAsync("max_queued_messages 100000\n");
        await using var central = new CentreConsumer(MqttEndpoint.Parse(broker.Url), "central-lanes", "central", _logs.Logger);
        var handled = new ConcurrentQueue<(Guid Id, bool Alarm)>();
        var counts = new ConcurrentDictionary<Guid, int>();

        // A slow archive: 20 ms per stored event, so the routine backlog takes seconds to drain.
        central.EventArrived += async (evt, _) =>
        {
            await Task.Delay(evt.Class == EventClass.Alarm ? 0 : 20);
            counts.AddOrUpdate(evt.Id, 1, (_, n) => n + 1);
            handled.Enqueue((evt.Id, evt.Class == EventClass.Alarm));
        };
        await central.StartAsync(CancellationToken.None);
        Assert.True(central.IsConnected);

        var acked = new ConcurrentDictionary<Guid, TimeSpan>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var gateway = new MqttClientFactory().CreateMqttClient();
        gateway.ApplicationMessageReceivedAsync += e =>
        {
            if (EventAck.TryParseMany(e.ApplicationMessage.Payload.ToArray(), out var list, out _))
            {
                foreach (var a in list)
                {
                    acked.TryAdd(a.EventId, clock.Elapsed);
                }
            }

            return Task.CompletedTask;
        };
        await gateway.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("lane-gw").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await gateway.SubscribeAsync(Topics.Acks("lane-gw"), MqttQualityOfServiceLevel.AtLeastOnce);

        var factory = new CareEventFactory("lane-gw", TimeProvider.System, new FixedClockSyncStatus(true));
        var routine = Enumerable.Range(0, Routine).Select(_ => factory.Create(CareEventKind.FlowTotals, "kitchen", "totals")).ToList();
        foreach (var e in routine)
        {
            await Publish(gateway, e);
        }

        // The backlog is queued at the broker and in the routine lane; now the fall.
        var alarm = factory.Create(CareEventKind.Fall, "wearable", "fall");
        var sent = clock.Elapsed;
        await Publish(gateway, alarm);

        await Eventually.UntilAsync(() => acked.ContainsKey(alarm.Id), Patience, () => "the alarm was never acked");
        var routineBefore = handled.TakeWhile(h => !h.Alarm).Count();
        output.WriteLine($"alarm acked {(acked[alarm.Id] - sent).TotalMilliseconds:F0} ms after its publish, {routineBefore} of {Routine} routine events handled before it");
        Assert.True(routineBefore < Routine / 2, $"the alarm waited behind {routineBefore} of {Routine} routine events");

        await Eventually.UntilAsync(() => routine.All(e => acked.ContainsKey(e.Id)), Patience, () => $"{routine.Count(e => !acked.ContainsKey(e.Id))} routine events never acked");
        Assert.Equal(Routine + 1, counts.Count);
        Assert.All(counts.Values, n => Assert.Equal(1, n));
    }

    private static Task<MqttClientPublishResult> Publish(IMqttClient client, CareEvent e) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events("lane-gw", e.Class)).WithPayload(CloudEventCodec.Serialize(e))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
