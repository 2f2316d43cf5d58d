using System.Threading.Channels;
using EdgeGateway.Centre;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>An event published by the gateway reaches the centre at QoS 1, is acked back, and survives a broker outage.</summary>
[Trait("Category", "Integration")]
public sealed class PublisherDeliveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Event_published_at_qos1_reaches_the_central_consumer_with_its_fields_and_the_ack_comes_back()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = MqttEndpoint.Parse(broker.Url);
        var factory = new CareEventFactory("home-42", TimeProvider.System, new FixedClockSyncStatus(true));

        var received = new TaskCompletionSource<CareEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-test", loggers: _logs)[0];
        central.EventReceived += (e, isNew) =>
        {
            if (isNew)
            {
                received.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);

        var acked = new TaskCompletionSource<EventAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var publisher = new ChannelPublisher(endpoint, "home-42", _logs.Logger, TimeProvider.System);
        publisher.AckReceived += a =>
        {
            acked.TrySetResult(a);
            return Task.CompletedTask;
        };
        var events = Channel.CreateUnbounded<CareEvent>();
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(events.Reader, stop.Token);

        var sent = factory.Create(CareEventKind.NightExit, "front-door", "front-door opened at night");
        await events.Writer.WriteAsync(sent);

        var got = await received.Task.WaitAsync(Patience);
        Assert.Equal(sent.Id, got.Id);
        Assert.Equal(CareEventKind.NightExit, got.Kind);
        Assert.Equal("home-42", got.GatewayId);
        Assert.Equal("front-door", got.SensorId);
        Assert.Equal(sent.BootId, got.BootId);
        Assert.Equal(sent.Sequence, got.Sequence);
        Assert.Equal(2, got.Priority);
        Assert.True(got.Time.ClockSynchronised);
        Assert.Equal("front-door opened at night", got.Message);

        var ack = await acked.Task.WaitAsync(Patience);
        Assert.Equal(sent.Id, ack.EventId);
        Assert.Equal("central-test", ack.By);

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Publisher_keeps_an_event_through_a_broker_outage_and_delivers_it_after_restart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var endpoint = MqttEndpoint.Parse(broker.Url);
        var factory = new CareEventFactory("home-43", TimeProvider.System, new FixedClockSyncStatus(true));
        broker.Kill();

        await using var publisher = new ChannelPublisher(endpoint, "home-43", _logs.Logger, TimeProvider.System);
        var published = new TaskCompletionSource<CareEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        publisher.Published += e => published.TrySetResult(e);
        var events = Channel.CreateUnbounded<CareEvent>();
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(events.Reader, stop.Token);
        var sent = factory.Create(CareEventKind.HelpButton, "cord", "pulled");
        await events.Writer.WriteAsync(sent);
        await Task.Delay(500);
        Assert.False(published.Task.IsCompleted);

        await broker.RestartAsync();
        var received = new TaskCompletionSource<CareEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var central = CentreFixture.AckingEnds([broker.Url], "central-test", loggers: _logs)[0];
        central.EventReceived += (e, _) =>
        {
            received.TrySetResult(e);
            return Task.CompletedTask;
        };
        await central.StartAsync(CancellationToken.None);

        Assert.Equal(sent.Id, (await published.Task.WaitAsync(Patience)).Id);
        Assert.Equal(sent.Id, (await received.Task.WaitAsync(Patience)).Id);
        await stop.CancelAsync();
        await run;
    }
}
