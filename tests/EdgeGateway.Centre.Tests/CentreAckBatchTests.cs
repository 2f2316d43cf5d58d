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

namespace EdgeGateway.Centre.Tests;

/// <summary>The centre batches the acks of a burst (one message per gateway), within the contract's limit, and still serves gateways that read only the single form.</summary>
public sealed class CentreAckBatchTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("ack-batch-").FullName;

    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    [Fact]
    public void A_batch_over_the_limit_is_refused_by_the_gateway_the_schema_and_the_writer()
    {
        var ids = Enumerable.Range(0, EventAck.MaxBatch + 1).Select(_ => Guid.CreateVersion7()).ToList();
        var json = JsonSerializer.Serialize(new { ids, by = "c" });
        Assert.False(EventAck.TryParseMany(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.Contains("1001 items", error, StringComparison.Ordinal);
        Assert.NotEmpty(ContractValidator.Validate(ContractSchema.Ack, json));
        Assert.Throws<ArgumentException>(() => EventAck.ToJson(ids, "c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CentreConsumer(MqttEndpoint.Parse("mqtt://127.0.0.1:1"), "c", null, _logs.Logger, LinkSecurity.LoopbackDemo, null, new CentreAckOptions { MaxBatch = EventAck.MaxBatch + 1 }));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_backlog_drains_through_a_default_mosquitto_with_far_fewer_ack_messages_than_events()
    {
        const int Count = 3000;

        // Default mosquitto (Nagle on): one small ack message per event is what made a backlog crawl there.
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("drain-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);
        var ids = new HashSet<Guid>();
        for (var i = 0; i < Count; i += 500)
        {
            var burst = Enumerable.Range(0, 500).Select(_ => factory.Create(CareEventKind.FlowTotals, "kitchen", "")).ToList();
            ids.UnionWith(burst.Select(e => e.Id));
            await Task.WhenAll(burst.Select(e => outbox.AcceptAsync(e)));
        }

        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", broker.Port, Topics.Acks("drain-1"));
        await using var central = new CentreConsumer(MqttEndpoint.Parse(broker.Url), "central-drain", null, _logs.Logger);
        await central.StartAsync(CancellationToken.None);
        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "drain-1", outbox, factory, new UplinkOptions(), _logs.Logger, TimeProvider.System);
        var acked = new ConcurrentDictionary<Guid, bool>();
        uplink.AckReceived += a =>
        {
            acked[a.EventId] = true;
            return Task.CompletedTask;
        };
        using var stop = new CancellationTokenSource(Patience * 2);
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => $"outbox depth {outbox.Depth}, {acked.Count} acked, {central.AckMessagesSent} ack messages sent");
        await stop.CancelAsync();
        await run;

        Assert.True(ids.SetEquals(acked.Keys), $"acked {acked.Count} of {Count}");
        await tap.WaitUntilAsync(ms => ms.Count >= central.AckMessagesSent, TimeSpan.FromSeconds(10), "every ack message the centre sent");
        var wire = tap.Messages;
        var released = wire.SelectMany(m => EventAck.TryParseMany(Encoding.UTF8.GetBytes(m.Payload), out var a, out _) ? a : []).Select(a => a.EventId).ToHashSet();
        Assert.True(ids.IsSubsetOf(released), "an acked id did not appear in any ack on the wire");
        tap.AssertAllValid();

        // One ack message per event (the old centre) would be Count; a burst goes in a handful. A generous bound, so a
        // busy machine's pauses inside a burst (each flushes a smaller batch) cannot make this flaky.
        Assert.True(wire.Count <= Count / 10, $"{wire.Count} ack messages on the wire for {Count} events (one per event is the slow path)");
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task With_ack_batch_1_the_centre_sends_only_the_single_form_an_older_gateway_reads()
    {
        const int Count = 300;
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("single-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);
        await Task.WhenAll(Enumerable.Range(0, Count).Select(_ => outbox.AcceptAsync(factory.Create(CareEventKind.FlowTotals, "kitchen", ""))));

        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", broker.Port, Topics.Acks("single-1"));
        await using var central = new CentreConsumer(MqttEndpoint.Parse(broker.Url), "central-single", null, _logs.Logger, LinkSecurity.LoopbackDemo, null, new CentreAckOptions { MaxBatch = 1 });
        await central.StartAsync(CancellationToken.None);
        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "single-1", outbox, factory, new UplinkOptions(), _logs.Logger, TimeProvider.System);
        using var stop = new CancellationTokenSource(Patience * 2);
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => $"outbox depth {outbox.Depth}");
        await stop.CancelAsync();
        await run;

        await tap.WaitUntilAsync(ms => ms.Count >= Count, TimeSpan.FromSeconds(10), "one ack message per event");
        Assert.All(tap.Messages, m => Assert.True(EventAck.TryParse(Encoding.UTF8.GetBytes(m.Payload), out _, out var error), $"{m.Payload}: {error}"));
        tap.AssertAllValid();
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task An_ack_flushed_while_the_broker_is_down_is_lost_but_later_acks_still_go_out()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("flush-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);
        await outbox.AcceptAsync(factory.Create(CareEventKind.HelpButton, "cord", "pulled"));

        // The first ack goes at once (nothing was flushed before); the second, soon after it, waits out a long burst
        // window, so the broker is surely gone (socket closed) when it is flushed.
        var acks = new CentreAckOptions { Quiet = TimeSpan.FromSeconds(1), Linger = TimeSpan.FromSeconds(1) };
        await using var central = new CentreConsumer(MqttEndpoint.Parse(broker.Url), "central-flush", null, _logs.Logger, LinkSecurity.LoopbackDemo, null, acks);
        var received = 0;
        central.EventReceived += (_, _) =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);
        var options = new UplinkOptions { AckTimeout = TimeSpan.FromSeconds(1), MaxRetransmitDelay = TimeSpan.FromSeconds(2), ReconnectInitial = TimeSpan.FromMilliseconds(50), ReconnectMax = TimeSpan.FromMilliseconds(500) };
        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "flush-1", outbox, factory, options, _logs.Logger, TimeProvider.System);
        using var stop = new CancellationTokenSource(Patience * 2);
        var run = uplink.RunAsync(stop.Token);

        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => "the first event was never acked");
        await outbox.AcceptAsync(factory.Create(CareEventKind.HelpButton, "cord", "pulled twice"));
        await Eventually.UntilAsync(() => Volatile.Read(ref received) >= 2, Patience, () => "the centre never got the second event");
        broker.Kill();
        await Eventually.UntilAsync(() => central.AckMessagesSent >= 2, Patience, () => "the centre never tried to ack the second");
        await broker.RestartAsync();

        // The gateway retransmits over its new connection; the centre must still be able to ack it.
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => $"the retransmission was never acked ({central.AckMessagesSent} ack messages tried, {received} receipts)");
        await outbox.AcceptAsync(factory.Create(CareEventKind.HelpButton, "cord", "pulled again"));
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => "a later event was never acked");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_lone_ack_goes_at_once_and_one_right_behind_it_waits_for_the_burst_to_pause()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("lone-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);

        // The flush timers run on a frozen clock: whatever goes out before it is advanced went without waiting. Routine
        // events (not mains restored: that starts the gateway's routine hold): an alarm's ack goes alone on the urgent
        // connection, never batched.
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var acks = new CentreAckOptions { Quiet = TimeSpan.FromMilliseconds(50), Linger = TimeSpan.FromMilliseconds(200), Time = clock };
        await using var central = new CentreConsumer(MqttEndpoint.Parse(broker.Url), "central-lone", null, _logs.Logger, LinkSecurity.LoopbackDemo, null, acks);
        var received = 0;
        central.EventReceived += (_, _) =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);
        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "lone-1", outbox, factory, new UplinkOptions { AckTimeout = TimeSpan.FromMinutes(5) }, _logs.Logger, TimeProvider.System);
        using var stop = new CancellationTokenSource(Patience * 2);
        var run = uplink.RunAsync(stop.Token);

        await outbox.AcceptAsync(factory.Create(CareEventKind.FlowTotals, "kitchen", "totals"));
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => "a lone event's ack waited for the (frozen) flush timer");
        Assert.Equal(1, central.AckMessagesSent);

        // Right behind the first (no time passed on the centre's clock): part of a burst, held until the burst pauses.
        await outbox.AcceptAsync(factory.Create(CareEventKind.FlowTotals, "kitchen", "totals again"));
        await Eventually.UntilAsync(() => Volatile.Read(ref received) == 2, Patience, () => "the centre never got the second event");
        await Task.Delay(300);
        Assert.Equal(1, central.AckMessagesSent);
        Assert.Equal(1, outbox.Depth);

        clock.Advance(acks.Quiet);
        await Eventually.UntilAsync(() => outbox.Depth == 0, Patience, () => "the held ack was not flushed when the burst paused");
        Assert.Equal(2, central.AckMessagesSent);
        await stop.CancelAsync();
        await run;
    }
}
