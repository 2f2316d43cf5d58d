using System.Collections.Concurrent;
using EdgeGateway.Centre;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>
/// Issue 33, the storm after an outage: on a real broker, the real outbox and a fake clock, alarms go at once after an
/// outage or a power cut while technical and telemetry reports wait for the drawn delay, then all go, each once.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RoutineSpreadTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // A half of the 10 min window: routine reports wait 300 s after the outage's end.
    private static readonly TimeSpan Held = TimeSpan.FromMinutes(5);

    private readonly UplinkTestBed _bed = new("spread");
    private readonly StrictLogs _logs = new(output);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentDictionary<Guid, int> _published = new();
    private readonly ConcurrentDictionary<Guid, int> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private MosquittoBroker _broker = null!;
    private SqliteOutbox _outbox = null!;
    private CentreConsumer _centre = null!;
    private CareEventFactory _events = null!;
    private ReliableUplink _uplink = null!;
    private Task _run = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _centre = CentreFixture.AckingEnds([_broker.Url], "centre-spread", loggers: _logs)[0];
        _centre.EventReceived += (e, _) =>
        {
            _received.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await _centre.StartAsync(CancellationToken.None);
        _events = new CareEventFactory("spread-1", _time, new FixedClockSyncStatus(true));
        _outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _bed.DataDirectory }, _events, _time, _logs.Logger);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await _outbox.DisposeAsync();
        await _centre.DisposeAsync();
        await _broker.DisposeAsync();
    }

    // After DisposeAsync (xunit calls both): the strict log check comes last, over everything the test ran.
    public void Dispose()
    {
        _stop.Dispose();
        _bed.Dispose();
        _logs.Dispose();
    }

    private async Task StartAsync(TimeSpan spread)
    {
        var options = UplinkTestBed.FastOptions(reconnectMax: TimeSpan.FromMilliseconds(500)) with
        {
            RoutineSpread = spread,
            OutageThreshold = TimeSpan.FromSeconds(60),
            SpreadDraw = () => 0.5,
        };
        _uplink = new ReliableUplink(MqttEndpoint.Parse(_broker.Url), "spread-1", _outbox, _events, options, _logs.Logger, _time);
        _uplink.Published += e => _published.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
        _run = _uplink.RunAsync(_stop.Token);
        await Eventually.UntilAsync(() => _uplink.IsConnected, Patience);
    }

    /// <summary>The broker dies; <paramref name="during"/> runs while no path is up; the broker returns after <paramref name="length"/> on the fake clock.</summary>
    private async Task<DateTimeOffset> OutageAsync(TimeSpan length, Func<Task> during)
    {
        _broker.Kill();
        await Eventually.UntilAsync(() => !_uplink.AnyPathUp, Patience);
        await during();
        return await ReconnectAfterAsync(length);
    }

    /// <summary>Moves the fake clock on by <paramref name="length"/>, brings the broker back and waits for the centre and then the uplink to reconnect.</summary>
    private async Task<DateTimeOffset> ReconnectAfterAsync(TimeSpan length)
    {
        // The supervisor's reconnect waits run on the fake clock: move it on past the outage, then in steps until a try
        // finds the broker back.
        _time.Advance(length);
        var subscribed = CentreSubscriptions();
        await _broker.RestartAsync();

        // The centre first: the killed broker kept no session, and what reaches it before the centre has subscribed
        // again would only come back by retransmission, on a fake clock that this test moves on purpose. Its log line
        // 3101 comes after the subscription, where IsConnected comes before.
        await Eventually.UntilAsync(() => CentreSubscriptions() > subscribed, Patience);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!_uplink.IsConnected && clock.Elapsed < Patience)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(50);
        }

        Assert.True(_uplink.IsConnected, "the uplink did not reconnect after the broker came back");
        return _time.GetUtcNow();
    }

    private int CentreSubscriptions() => _logs.Entries.Count(e => e.EventId.Id == 3101);

    private async Task<CareEvent> AcceptAsync(CareEventKind kind)
    {
        var evt = _events.Create(kind, kind == CareEventKind.FlowTotals ? "kitchen-water" : "test", kind.ToString());
        await _outbox.AcceptAsync(evt);
        return evt;
    }

    private async Task AllAckedOnceAsync(params CareEvent[] events)
    {
        await Eventually.UntilAsync(() => _outbox.Depth == 0, Patience, () => $"{_outbox.Depth} events still pending");
        foreach (var e in events)
        {
            Assert.True(_received.ContainsKey(e.Id), $"{e.Kind} never reached the centre");
            Assert.Equal(1, _published.GetValueOrDefault(e.Id));
        }
    }

    [Fact]
    public async Task After_an_outage_longer_than_the_threshold_the_alarm_goes_at_once_and_routine_reports_wait_for_the_drawn_delay()
    {
        await StartAsync(TimeSpan.FromMinutes(10));
        CareEvent alarm = null!, technical = null!, telemetry = null!;
        var back = await OutageAsync(TimeSpan.FromMinutes(2), async () =>
        {
            technical = await AcceptAsync(CareEventKind.BatteryLow);
            telemetry = await AcceptAsync(CareEventKind.FlowTotals);
            alarm = await AcceptAsync(CareEventKind.HelpButton);
        });

        await Eventually.UntilAsync(() => _received.ContainsKey(alarm.Id), Patience);
        Assert.NotNull(_uplink.RoutineHeldUntil);
        var heldUntil = _uplink.RoutineHeldUntil!.Value;
        Assert.InRange(heldUntil - back, Held - TimeSpan.FromSeconds(2), Held);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3014 && e.Message.StartsWith("Routine reports held 300 s after an outage of ", StringComparison.Ordinal));

        // Until the hold's end nothing routine goes, however long the alarm's ack takes on a busy machine.
        await Eventually.UntilAsync(() => _outbox.Depth <= 2, Patience);
        _time.Advance(heldUntil - _time.GetUtcNow() - TimeSpan.FromSeconds(1));
        await Task.Delay(500);
        Assert.False(_published.ContainsKey(technical.Id), "the technical report went during the hold");
        Assert.False(_published.ContainsKey(telemetry.Id), "telemetry went during the hold");

        // The delivery loop sleeps on the hold's end, on the fake clock: moving past it is all it takes.
        _time.Advance(TimeSpan.FromSeconds(1));
        await AllAckedOnceAsync(alarm, technical, telemetry);
        Assert.Null(_uplink.RoutineHeldUntil);
    }

    [Fact]
    public async Task A_gateway_that_starts_into_an_outage_holds_its_routine_reports_when_the_centre_comes_back()
    {
        _broker.Kill();
        var technical = await AcceptAsync(CareEventKind.BatteryLow);
        var alarm = await AcceptAsync(CareEventKind.HelpButton);
        var options = UplinkTestBed.FastOptions(reconnectMax: TimeSpan.FromMilliseconds(500)) with { OutageThreshold = TimeSpan.FromSeconds(60), SpreadDraw = () => 0.5 };
        _uplink = new ReliableUplink(MqttEndpoint.Parse(_broker.Url), "spread-1", _outbox, _events, options, _logs.Logger, _time);
        _uplink.Published += e => _published.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
        _run = _uplink.RunAsync(_stop.Token);
        await Eventually.UntilAsync(() => _uplink.AttemptsOf(PathRole.Primary) > 0, Patience);

        await ReconnectAfterAsync(TimeSpan.FromMinutes(2));

        await Eventually.UntilAsync(() => _received.ContainsKey(alarm.Id), Patience);
        Assert.NotNull(_uplink.RoutineHeldUntil);
        await Eventually.UntilAsync(() => _outbox.Depth <= 1, Patience);
        await Task.Delay(300);
        Assert.False(_published.ContainsKey(technical.Id), "the technical report went during the hold");
        _time.Advance(Held);
        await AllAckedOnceAsync(alarm, technical);
    }

    [Fact]
    public async Task A_blip_shorter_than_the_threshold_holds_nothing()
    {
        await StartAsync(TimeSpan.FromMinutes(10));
        CareEvent technical = null!;
        await OutageAsync(TimeSpan.FromSeconds(10), async () => technical = await AcceptAsync(CareEventKind.BatteryLow));

        await AllAckedOnceAsync(technical);
        Assert.Null(_uplink.RoutineHeldUntil);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id == 3014);
    }

    [Fact]
    public async Task A_spread_of_zero_holds_nothing_after_a_long_outage()
    {
        await StartAsync(TimeSpan.Zero);
        CareEvent technical = null!;
        await OutageAsync(TimeSpan.FromMinutes(10), async () => technical = await AcceptAsync(CareEventKind.BatteryLow));

        await AllAckedOnceAsync(technical);
        Assert.Null(_uplink.RoutineHeldUntil);
    }

    [Fact]
    public async Task Mains_back_holds_routine_reports_and_its_own_report_while_an_alarm_raised_in_the_hold_goes_at_once()
    {
        await StartAsync(TimeSpan.FromMinutes(10));
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", _broker.Port, "edgegateway/v1/spread-1/heartbeat");
        var cutAt = _time.GetUtcNow();
        var restored = await AcceptAsync(CareEventKind.MainsRestored);
        Assert.Equal(cutAt + Held, _uplink.RoutineHeldUntil);
        var technical = await AcceptAsync(CareEventKind.BatteryLow);

        // The heartbeat is not an event and is never held: the next one says until when routine reports wait.
        _time.Advance(TimeSpan.FromMinutes(1));
        var until = $"\"routine.held_until\":\"{(cutAt + Held).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\"";
        await tap.WaitUntilAsync(m => m.Any(w => w.Payload.Contains(until, StringComparison.Ordinal)), Patience, "a heartbeat that shows the hold");
        ContractValidator.AssertValid(ContractSchema.Heartbeat, tap.Messages.Last(w => w.Payload.Contains(until, StringComparison.Ordinal)).Payload);
        var alarm = await AcceptAsync(CareEventKind.Fall);
        await Eventually.UntilAsync(() => _received.ContainsKey(alarm.Id), Patience);
        await Eventually.UntilAsync(() => _outbox.Depth <= 2, Patience);
        await Task.Delay(300);
        Assert.False(_published.ContainsKey(restored.Id), "mains restored went during its own hold");
        Assert.False(_published.ContainsKey(technical.Id), "the technical report went during the hold");

        _time.Advance(TimeSpan.FromMinutes(4));
        await AllAckedOnceAsync(alarm, restored, technical);
    }
}
