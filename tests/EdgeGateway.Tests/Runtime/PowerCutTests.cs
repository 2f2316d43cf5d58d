using System.Buffers;
using System.Device.Gpio;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Demo;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Tests.Runtime;

/// <summary>A power cut on a DC-UPS home, end to end: the real gateway on simulated pins, a real mosquitto, an acking centre.</summary>
public sealed class PowerCutTests(ITestOutputHelper output) : IDisposable
{
    private const int AcOkPin = 26;
    private const int BatteryLowPin = 19;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly string _dir = Directory.CreateTempSubdirectory("power-cut-").FullName;

    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    private static bool Has(IReadOnlyList<WireMessage> messages, string type) =>
        messages.Any(m => m.Topic.Contains("/events/", StringComparison.Ordinal) && m.Payload.Contains($"\"org.edgegateway.{type}\"", StringComparison.Ordinal));

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Mains_lost_then_the_reserve_an_alarm_still_goes_out_on_battery_then_notice_delivery_and_power_off()
    {
        // The test drains the battery to its reserve: the gateway says so, and that it powers off, at Critical.
        _logs.Expect(eventId: 1020).Expect(eventId: 1023);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var tap = await MqttTap.ConnectAsync("127.0.0.1", broker.Port);
        using var centre = await AckingCentreAsync(broker.Port);

        var marker = Path.Combine(_dir, "powered-off");
        var config = SimulatedHome.Config(Oslo, _dir);
        config.Uplink = new UplinkConfig { Broker = broker.Url, PlainLoopbackDemo = true, HeartbeatSeconds = 5 };
        config.Devices.Power = new PowerConfig
        {
            Source = "dc-ups",
            AcOkPin = AcOkPin,
            BatteryLowPin = BatteryLowPin,
            PollSeconds = 1,
            MainsSettleSeconds = 2,
            ShutdownCommand = ["touch", marker],
        };
        await using var gateway = new GatewayBuilder(new Core.Time.FixedClockSyncStatus(true), _logs, TimeProvider.System) { SampleOnStart = false }.Build(config, _dir);
        var pins = gateway.Home.Hardware.SimulatedGpio!;
        await gateway.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => gateway.Home.Power!.State.Supply == Core.Power.PowerSupply.Mains, Patience, () => $"power: {gateway.Home.Power!.State}");

        // A one-second flicker is shorter than the settle time: nothing. Then the UPS's AC-OK lets go for good.
        pins.SetInputLevel(AcOkPin, PinValue.High);
        await Task.Delay(TimeSpan.FromSeconds(1));
        pins.SetInputLevel(AcOkPin, PinValue.Low);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(Has(tap.Messages, "technical.mains-lost"), "a 1 s flicker was reported as a power cut");
        pins.SetInputLevel(AcOkPin, PinValue.High);
        await tap.WaitUntilAsync(m => Has(m, "technical.mains-lost"), Patience, "mains lost");
        await tap.WaitUntilAsync(m => m.Any(x => x.Topic.EndsWith("/heartbeat", StringComparison.Ordinal) && x.Payload.Contains("\"power.supply\":\"battery\"", StringComparison.Ordinal)), Patience, "a heartbeat saying battery");

        // On battery the resident's alarm goes out as always.
        pins.SetInputLevel(SimulatedHome.PullCordPin, PinValue.Low);
        await tap.WaitUntilAsync(m => Has(m, "alarm.help-button"), Patience, "the help alarm on battery");

        // The UPS's battery-low relay is the reserve: low, critical, the notice at alarm priority, then the power-off.
        pins.SetInputLevel(BatteryLowPin, PinValue.Low);
        await tap.WaitUntilAsync(m => Has(m, "technical.battery-low") && Has(m, "technical.battery-critical") && Has(m, "alarm.power-shutdown"), Patience, "low, critical and the shutdown notice");
        Assert.Contains(tap.Messages, m => m.Topic.EndsWith("/events/alarm", StringComparison.Ordinal) && m.Payload.Contains("power-shutdown", StringComparison.Ordinal));
        await Eventually.UntilAsync(() => File.Exists(marker), Patience, () => $"no power-off; outbox depth {gateway.Outbox.Depth}");
        Assert.Equal(0, gateway.Outbox.Depth); // everything was delivered (and acked) before the power-off
        tap.AssertAllValid();
    }

    /// <summary>A centre that acks every event it receives, as the reference centre does.</summary>
    private static async Task<IMqttClient> AckingCentreAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += async e =>
        {
            var evt = CloudEventCodec.Deserialize(e.ApplicationMessage.Payload.ToArray());
            var gateway = e.ApplicationMessage.Topic.Split('/')[2];
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Acks(gateway))
                .WithPayload(new EventAck(evt.Id, "test-centre").ToJson()).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).Build());
        await client.SubscribeAsync(Topics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce);
        return client;
    }
}
