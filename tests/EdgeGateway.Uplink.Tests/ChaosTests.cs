using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeGateway.Centre;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using MQTTnet;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

[Trait("Category", "Chaos")]
[Trait("Category", "Integration")]
public sealed class ChaosTests(ITestOutputHelper output) : IDisposable
{
    private static readonly UplinkOptions Fast = UplinkTestBed.FastOptions(reconnectMax: TimeSpan.FromMilliseconds(500));

    private readonly UplinkTestBed _bed = new("chaos");

    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        _bed.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Broker_sigkilled_and_restarted_three_times_mid_stream_every_event_reaches_the_centre()
    {
        const int Count = 3000;
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("chaos-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "chaos-1", outbox, factory, Fast, _logs.Logger, TimeProvider.System);
        var received = new ConcurrentDictionary<Guid, int>();
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-chaos", "g", loggers: _logs)[0];
        central.EventReceived += (e, _) =>
        {
            received.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var run = uplink.RunAsync(stop.Token);

        var ids = new List<Guid>(Count);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Count; i += 30)
            {
                var burst = Enumerable.Range(i, 30).Select(n => factory.Create(CareEventKind.TestAlarm, "chaos", n.ToString(CultureInfo.InvariantCulture))).ToList();
                lock (ids)
                {
                    ids.AddRange(burst.Select(e => e.Id));
                }

                await Task.WhenAll(burst.Select(e => outbox.AcceptAsync(e)));
                await Task.Delay(10);
            }
        });

        for (var k = 0; k < 3; k++)
        {
            // Each kill must hit a live connection: on a loaded machine a reconnect can take longer than the pause.
            await Eventually.UntilAsync(() => uplink.Connects > k, TimeSpan.FromSeconds(10));
            await Task.Delay(400);
            broker.Kill();
            await Task.Delay(300);
            await broker.RestartAsync();
        }

        await producer;
        var clock = Stopwatch.StartNew();
        while (ids.Any(id => !received.ContainsKey(id)) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        // The last restart may still be reconnecting when the last event arrives (over an earlier connection).
        await Eventually.UntilAsync(() => uplink.Connects >= 4, TimeSpan.FromSeconds(30));
        var missing = ids.Count(id => !received.ContainsKey(id));
        var duplicates = received.Values.Sum(n => n - 1);
        output.WriteLine($"{Count} events, 3 broker SIGKILLs: missing {missing}, duplicate deliveries {duplicates}, connects {uplink.Connects}, in {clock.Elapsed.TotalSeconds:F1} s after the stream");
        Assert.Equal(0, missing);
        Assert.True(uplink.Connects >= 4, $"expected a reconnect after every kill, saw {uplink.Connects} connects");

        // Every ack lands: the outbox drains.
        while (outbox.Depth > 0 && clock.Elapsed < TimeSpan.FromSeconds(70))
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, outbox.Depth);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Gateway_process_sigkilled_mid_stream_and_run_on_the_same_data_dir_delivers_the_rest()
    {
        const int Count = 2000;
        await using var broker = await MosquittoBroker.StartAsync();
        var got = new ConcurrentDictionary<int, int>();
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-kill", "g", loggers: _logs)[0];
        central.EventReceived += (e, _) =>
        {
            got.AddOrUpdate(int.Parse(e.Data["n"], CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);

        // A centre that is slow to ack (ack timeout on the gateway side short) is not needed: kill while events are still being injected.
        var acceptedBeforeKill = 0;
        await using (var loadgen = CliProcess.Start("loadgen", "--broker", broker.Url, "--data-dir", _bed.DataDirectory, "--count", Count.ToString(CultureInfo.InvariantCulture), "--rate", "1000", "--ack-timeout", "1", "--plain-loopback-demo"))
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await foreach (var line in loadgen.Lines.ReadAllAsync(patience.Token))
            {
                if (line.StartsWith("accepted ", StringComparison.Ordinal))
                {
                    acceptedBeforeKill = int.Parse(line["accepted ".Length..], CultureInfo.InvariantCulture);
                    if (acceptedBeforeKill >= 800)
                    {
                        break;
                    }
                }
            }

            loadgen.Kill();
        }

        Assert.InRange(acceptedBeforeKill, 800, Count - 1);
        var beforeRun = got.Count;
        await using var run = CliProcess.Start("run", "--broker", broker.Url, "--data-dir", _bed.DataDirectory, "--ack-timeout", "1", "--plain-loopback-demo");
        var clock = Stopwatch.StartNew();
        while (Enumerable.Range(0, acceptedBeforeKill).Any(n => !got.ContainsKey(n)) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var missing = Enumerable.Range(0, acceptedBeforeKill).Count(n => !got.ContainsKey(n));
        output.WriteLine($"loadgen killed after {acceptedBeforeKill} accepted ({beforeRun} delivered by then); run delivered the rest; missing {missing}, duplicates {got.Values.Sum(v => v - 1)}; {run.StdErr}");
        Assert.Equal(0, missing);

        // Whatever arrived is a prefix of what was generated: no event out of nowhere, no gap. Events accepted after the
        // last "accepted" line may still be on their way: give them a bounded moment, a real gap would stay.
        for (var i = 0; i < 100 && got.Count != got.Keys.Max() + 1; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(got.Count, got.Keys.Max() + 1);
    }

    [Fact]
    public async Task Half_open_link_is_noticed_within_keep_alive_and_recovers_with_status_online()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var proxy = BlackholeProxy.Start(broker.Port);
        var factory = new CareEventFactory("chaos-3", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        var uplink = new ReliableUplink(MqttEndpoint.Parse(proxy.Url), "chaos-3", outbox, factory, Fast, _logs.Logger, TimeProvider.System);
        var received = new ConcurrentDictionary<Guid, bool>();
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-proxy", loggers: _logs)[0];
        central.EventReceived += (e, _) =>
        {
            received[e.Id] = true;
            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => uplink.IsConnected, TimeSpan.FromSeconds(10));

        proxy.Blackhole();
        var cut = Stopwatch.StartNew();
        var during = factory.Create(CareEventKind.HelpButton, "cord", "pulled during the cut");
        await outbox.AcceptAsync(during);
        await Eventually.UntilAsync(() => !uplink.IsConnected, TimeSpan.FromSeconds(10));
        var noticed = cut.Elapsed;
        output.WriteLine($"half-open link noticed after {noticed.TotalSeconds:F2} s (keep-alive {Fast.KeepAlive.TotalSeconds} s)");
        Assert.True(noticed <= Fast.KeepAlive + TimeSpan.FromSeconds(1.5), $"noticed after {noticed}");
        Assert.False(received.ContainsKey(during.Id));

        proxy.Restore();
        await Eventually.UntilAsync(() => received.ContainsKey(during.Id) && outbox.Depth == 0, TimeSpan.FromSeconds(20));

        // The broker eventually drops the dead connection and may publish its will; the birth that follows each
        // connect must leave the retained status at "online" — never a stale "offline".
        await Task.Delay(Fast.KeepAlive * 2);
        Assert.Equal("online", await RetainedStatusAsync(broker.Url, "chaos-3"));
        await stop.CancelAsync();
        await run;
        Assert.Equal("offline", await RetainedStatusAsync(broker.Url, "chaos-3"));
    }

    [Fact]
    public async Task Heartbeat_carries_boot_id_depth_and_states()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("beat-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        await outbox.AcceptAsync(factory.Create(CareEventKind.FlowTotals, "flow", "x"));
        var options = Fast with
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(300),
            ClockSync = new FixedClockSyncStatus(true),
            States = () => new Dictionary<string, string> { ["path.primary"] = "up", ["sensor.front-door"] = "ok" },
        };

        using var listener = new MqttClientFactory().CreateMqttClient();
        var beats = new ConcurrentQueue<string>();
        listener.ApplicationMessageReceivedAsync += a =>
        {
            beats.Enqueue(a.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).Build());
        await listener.SubscribeAsync(Topics.Heartbeat("beat-1"));

        // Nobody acks: the event stays pending, so depth and age are non-trivial.
        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "beat-1", outbox, factory, options, _logs.Logger, TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => beats.Count >= 2, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run;

        using var doc = System.Text.Json.JsonDocument.Parse(beats.Last());
        var root = doc.RootElement;
        Assert.Equal(factory.BootId.ToString(), root.GetProperty("bootid").GetString());
        Assert.Equal(1, root.GetProperty("outbox_depth").GetInt64());
        Assert.True(root.GetProperty("oldest_unacked_s").GetDouble() > 0);
        Assert.True(root.GetProperty("clocksynced").GetBoolean());
        Assert.Equal("up", root.GetProperty("states").GetProperty("path.primary").GetString());
        Assert.True(root.GetProperty("uptime_s").GetInt64() >= 0);
    }

    [Fact]
    public async Task Retransmits_under_the_same_id_until_the_centre_acks()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("retx-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        var evt = factory.Create(CareEventKind.Fall, "wrist", "fall");
        await outbox.AcceptAsync(evt);

        // A silent centre: receives, never acks.
        using var silent = new MqttClientFactory().CreateMqttClient();
        var copies = new ConcurrentQueue<Guid>();
        silent.ApplicationMessageReceivedAsync += a =>
        {
            copies.Enqueue(CloudEventCodec.Deserialize(a.ApplicationMessage.Payload.ToArray()).Id);
            return Task.CompletedTask;
        };
        await silent.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).Build());
        await silent.SubscribeAsync(Topics.AllEvents, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);

        var uplink = new ReliableUplink(MqttEndpoint.Parse(broker.Url), "retx-1", outbox, factory, Fast, _logs.Logger, TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => copies.Count >= 2, TimeSpan.FromSeconds(10));
        Assert.All(copies, id => Assert.Equal(evt.Id, id));
        Assert.Equal(1, outbox.Depth);

        // The ack ends it.
        await silent.PublishStringAsync(Topics.Acks("retx-1"), System.Text.Encoding.UTF8.GetString(new EventAck(evt.Id, "test").ToJson()));
        await Eventually.UntilAsync(() => outbox.Depth == 0, TimeSpan.FromSeconds(10));
        var after = copies.Count;
        await Task.Delay(Fast.AckTimeout * 2);
        Assert.Equal(after, copies.Count);
        await stop.CancelAsync();
        await run;
    }

    private static async Task<string?> RetainedStatusAsync(string url, string gatewayId)
    {
        var endpoint = MqttEndpoint.Parse(url);
        using var client = new MqttClientFactory().CreateMqttClient();
        var status = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += a =>
        {
            status.TrySetResult(GatewayStatus.StateOf(a.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).Build());
        await client.SubscribeAsync(Topics.Status(gatewayId));
        return await status.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
