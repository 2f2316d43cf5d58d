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
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

[Trait("Category", "Integration")]
public sealed class DualPathTests(ITestOutputHelper output) : IDisposable
{
    private static readonly UplinkOptions Fast = UplinkTestBed.FastOptions(reconnectMax: TimeSpan.FromMilliseconds(300)) with
    {
        FailBackHold = TimeSpan.FromSeconds(1),
    };

    private readonly UplinkTestBed _bed = new("dual");

    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        _bed.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Primary_killed_fails_over_to_secondary_and_back_with_path_events_and_no_event_lost()
    {
        await using var primary = await MosquittoBroker.StartAsync();
        await using var secondary = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("dual-1", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        var uplink = new ReliableUplink(
            [
                new UplinkPath(PathRole.Primary, MqttEndpoint.Parse(primary.Url), LinkSecurity.LoopbackDemo),
                new UplinkPath(PathRole.Secondary, MqttEndpoint.Parse(secondary.Url), LinkSecurity.LoopbackDemo),
            ],
            "dual-1",
            outbox,
            factory,
            Fast,
            _logs.Logger,
            TimeProvider.System);
        var states = new ConcurrentQueue<LinkState>();
        uplink.LinkStateChanged += states.Enqueue;
        var anyUp = new ConcurrentQueue<bool>();
        uplink.AnyPathUpChanged += anyUp.Enqueue;

        // The centre listens on both brokers with one memory of ids (as CentreBuilder makes its consumers): an event that
        // arrives over both paths is new once.
        var firstSeen = new ConcurrentDictionary<Guid, CareEvent>();
        var deliveries = 0;
        var consumers = CentreFixture.AckingEnds([primary.Url, secondary.Url], "central", loggers: _logs);
        await using var c1 = consumers[0];
        await using var c2 = consumers[1];
        foreach (var c in new[] { c1, c2 })
        {
            c.EventReceived += (e, isNew) =>
            {
                Interlocked.Increment(ref deliveries);
                if (isNew)
                {
                    Assert.True(firstSeen.TryAdd(e.Id, e), $"event {e.Id} reported new twice");
                }

                return Task.CompletedTask;
            };
            await c.StartAsync(CancellationToken.None);
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => uplink.LinkState == LinkState.Primary && uplink.HealthOf(PathRole.Secondary) == PathHealth.Up, TimeSpan.FromSeconds(10));

        states.Clear();
        var ids = new ConcurrentBag<Guid>();
        using var producing = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (var i = 0; !producing.IsCancellationRequested; i++)
            {
                var e = factory.Create(CareEventKind.HelpButton, "cord", i.ToString(CultureInfo.InvariantCulture));
                ids.Add(e.Id);
                await outbox.AcceptAsync(e);
                await Task.Delay(20);
            }
        });

        await Task.Delay(500);
        primary.Kill();
        var cut = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => uplink.LinkState == LinkState.Secondary, TimeSpan.FromSeconds(10));
        var failover = cut.Elapsed;
        Assert.True(uplink.AnyPathUp);
        var lost = await WaitForKindAsync(firstSeen, CareEventKind.PrimaryPathLost, TimeSpan.FromSeconds(10));
        Assert.Equal("primary", lost.Data["path"]);
        Assert.Equal("0026", lost.Spec.ScaipStatus);

        // Events keep flowing over the secondary while the primary is down: ones accepted after the failover arrive.
        var afterFailover = ids.ToHashSet();
        await Eventually.UntilAsync(() => ids.Count(id => !afterFailover.Contains(id) && firstSeen.ContainsKey(id)) >= 10, TimeSpan.FromSeconds(10));
        Assert.False(primary.IsRunning);

        await primary.RestartAsync();
        var back = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => uplink.LinkState == LinkState.FailingBack, TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(() => uplink.LinkState == LinkState.Primary, TimeSpan.FromSeconds(10));
        var failback = back.Elapsed;
        var restored = await WaitForKindAsync(firstSeen, CareEventKind.PrimaryPathRestored, TimeSpan.FromSeconds(10));
        Assert.Equal("0115", restored.Spec.ScaipStatus);

        await producing.CancelAsync();
        await producer;
        await Eventually.UntilAsync(() => ids.All(firstSeen.ContainsKey) && outbox.Depth == 0, TimeSpan.FromSeconds(20));
        output.WriteLine($"{ids.Count} events, failover after {failover.TotalSeconds:F2} s, fail-back after {failback.TotalSeconds:F2} s (hold {Fast.FailBackHold.TotalSeconds} s), deliveries {deliveries} for {firstSeen.Count} distinct, states {string.Join(" → ", states)}");
        Assert.Equal([LinkState.FailingOver, LinkState.Secondary, LinkState.FailingBack, LinkState.Primary], states.ToArray());
        Assert.True(failover < TimeSpan.FromSeconds(3), $"failover took {failover}");
        Assert.DoesNotContain(false, anyUp);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Both_paths_down_drops_the_any_path_signal_and_reports_the_secondary_loss_once_it_returns()
    {
        await using var primary = await MosquittoBroker.StartAsync();
        await using var secondary = await MosquittoBroker.StartAsync();
        var factory = new CareEventFactory("dual-2", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, factory, TimeProvider.System, _logs.Logger);
        var uplink = new ReliableUplink(
            [
                new UplinkPath(PathRole.Primary, MqttEndpoint.Parse(primary.Url), LinkSecurity.LoopbackDemo),
                new UplinkPath(PathRole.Secondary, MqttEndpoint.Parse(secondary.Url), LinkSecurity.LoopbackDemo),
            ],
            "dual-2",
            outbox,
            factory,
            Fast,
            _logs.Logger,
            TimeProvider.System);
        var anyUp = new ConcurrentQueue<bool>();
        uplink.AnyPathUpChanged += anyUp.Enqueue;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => uplink.HealthOf(PathRole.Primary) == PathHealth.Up && uplink.HealthOf(PathRole.Secondary) == PathHealth.Up, TimeSpan.FromSeconds(10));

        primary.Kill();
        secondary.Kill();
        await Eventually.UntilAsync(() => !uplink.AnyPathUp, TimeSpan.FromSeconds(5));
        Assert.Equal(LinkState.FailingOver, uplink.LinkState);
        var alarm = factory.Create(CareEventKind.HelpButton, "cord", "pulled with no path");
        await outbox.AcceptAsync(alarm);

        // The events about both losses wait in the outbox with the alarm and go out by the first path that returns.
        await using var central = CentreFixture.AckingEnds([secondary.Url], "central-s", loggers: _logs)[0];
        var seen = new ConcurrentDictionary<Guid, CareEvent>();
        central.EventReceived += (e, _) =>
        {
            seen[e.Id] = e;
            return Task.CompletedTask;
        };
        await secondary.RestartAsync();
        await central.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => uplink.LinkState == LinkState.Secondary, TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(() => seen.ContainsKey(alarm.Id) && seen.Values.Any(e => e.Kind == CareEventKind.SecondaryPathRestored), TimeSpan.FromSeconds(10));
        Assert.Contains(seen.Values, e => e.Kind == CareEventKind.PrimaryPathLost);
        Assert.Contains(seen.Values, e => e.Kind == CareEventKind.SecondaryPathLost && e.Spec.ScaipStatus == "0027");
        Assert.Equal([true, false, true], anyUp.ToArray());
        await stop.CancelAsync();
        await run;
    }

    private static async Task<CareEvent> WaitForKindAsync(ConcurrentDictionary<Guid, CareEvent> seen, CareEventKind kind, TimeSpan timeout)
    {
        await Eventually.UntilAsync(() => seen.Values.Any(e => e.Kind == kind), timeout);
        return seen.Values.First(e => e.Kind == kind);
    }
}
