using System.Text.Json;
using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Core.Loop;
using EdgeGateway.Core.Time;
using EdgeGateway.Demo;
using EdgeGateway.Runtime;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests.Adapters;

/// <summary>
/// Issue 27: a rogue client on the broker floods the gateway with commands that claim to expire in year 9999, while the
/// gateway's clock is not synchronised (so no cap on the claimed expiry applies by the wall clock). A nurse's
/// <c>alarm.acknowledge</c> sent after it must still be carried out and answered, and so must commands after a restart
/// that reloads the persisted replay window.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CommandFloodTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const string GatewayId = "flood-test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("command-flood-").FullName;

    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    [Fact]
    public async Task An_alarm_acknowledge_after_a_flood_of_far_future_commands_is_carried_out_and_answered_and_a_restart_still_takes_commands()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var gateway = await StartGatewayAsync(broker.Url);
        try
        {
            await using var centre = await TestCentre.ConnectAsync(broker.Url, GatewayId);
            var alarm = await gateway.Home.Loop.RaiseTestAlarmAsync("flood test");
            var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gateway.Home.Loop.Happened += h =>
            {
                if (h.Kind == LoopHappeningKind.AlarmTaken && h.AlarmId == alarm)
                {
                    taken.TrySetResult();
                }
            };

            // More than the window's 4 096 ids, as fast as the incident's flood; then wait for the gateway to finish with it.
            await using (var flood = await CommandFlood.ConnectAsync(broker.Url, GatewayId))
            {
                await flood.PublishAsync(5000, 1000, "9999-12-31T23:59:59Z");
                await flood.PublishAsync(1000, 200, "9999-12-31T23:59:59Z");
                await flood.PublishAsync(2000, 200, "9999-12-31T23:59:59Z");
                await flood.QuietAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(90));
                output.WriteLine($"flood: 8000 sent, {flood.Replies} replies, {flood.Refused} of them refused");
            }

            var take = await centre.CommandAsync("alarm.acknowledge", "Nurse Berit", new { alarm });
            Assert.True(take.GetProperty("status").GetString() == "ok", take.GetRawText());
            // Carried out: the loop has it taken ("help is coming"), not only a reply saying so.
            await taken.Task.WaitAsync(Patience);

            // The window is persisted (seen-commands): a restart must not bring back a window that refuses everything.
            await gateway.DisposeAsync();
            gateway = await StartGatewayAsync(broker.Url);
            foreach (var type in new[] { "status.request", "alarm.test" })
            {
                var reply = await centre.CommandAsync(type, "Nurse Berit");
                Assert.True(reply.GetProperty("status").GetString() == "ok", $"{type} after the restart: {reply.GetRawText()}");
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    private async Task<Gateway> StartGatewayAsync(string brokerUrl)
    {
        var dataDir = Path.Combine(_dir, "data");
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), dataDir);
        config = new GatewayConfig
        {
            GatewayId = GatewayId,
            Simulated = true,
            DataDirectory = dataDir,
            Devices = config.Devices,
            Rules = config.Rules,
            Uplink = new UplinkConfig { Broker = brokerUrl, HeartbeatSeconds = 5, KeepAliveSeconds = 5, PlainLoopbackDemo = true },
        };
        var configPath = Path.Combine(_dir, "config.json");
        await File.WriteAllTextAsync(configPath, config.ToJson());

        // A Pi without RTC before NTP: the wall clock cannot be trusted, so no cap on a claimed expiry applies by it.
        var builder = new GatewayBuilder(new FixedClockSyncStatus(false), _logs, TimeProvider.System);
        var gateway = builder.Build(config, dataDir);
        builder.AttachRemoteCommands(gateway, builder.OpenConfigStore(configPath), dataDir);
        await gateway.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => gateway.Uplink.AnyPathUp, Patience, () => "the gateway never connected to the broker");
        return gateway;
    }
}
