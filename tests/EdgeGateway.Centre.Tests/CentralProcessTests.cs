using System.Net.Http.Json;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Tests.Archive;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Centre.Tests;

/// <summary>Two real <c>edgegateway central</c> processes in one shared-subscription group on one real PostgreSQL.</summary>
[Trait("Category", "Integration")]
public sealed class CentralProcessTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Two_central_processes_on_one_postgres_record_and_print_each_event_once_and_serve_it_on_the_api()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var database = await pg.Server.CreateDatabaseAsync();
        var port = MosquittoBroker.FreePort();
        await using var a = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-a", "--store", database, "--web", $"127.0.0.1:{port}");
        await using var b = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-b", "--store", database);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!a.StdErr.Contains("JSON API on", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !a.HasExited, $"central a did not start its API: {a.StdErr}");
            await Task.Delay(100);
        }

        // Both instances subscribed (a retained status reaches each); then each event goes out twice, as a retransmission would.
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("gw-proc").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await Task.Delay(TimeSpan.FromSeconds(2));
        var gateway = new CareEventFactory("gw-proc", TimeProvider.System, new FixedClockSyncStatus(true));
        var events = Enumerable.Range(0, 20).Select(i => gateway.Create(i == 0 ? CareEventKind.HelpButton : CareEventKind.FlowTotals, "s", $"e{i}")).ToList();
        foreach (var e in events.Concat(events))
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events("gw-proc", e.Class)).WithPayload(CloudEventCodec.Serialize(e)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        await using var archive = await PostgresArchive.OpenAsync(database);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await archive.EventCountAsync() < events.Count || PrintedIds(a, b).Count < events.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"stored {await archive.EventCountAsync()}, printed {PrintedIds(a, b).Count}; a: {a.StdErr} b: {b.StdErr}");
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(events.Count, await archive.EventCountAsync());
        var printed = PrintedIds(a, b);
        Assert.Equal(events.Count, printed.Count);
        Assert.Equal(events.Select(e => e.Id.ToString()).Order(), printed.Distinct().Order());

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var alarms = await http.GetFromJsonAsync<JsonElement>("api/alarms?state=open");
        var alarm = Assert.Single(alarms.EnumerateArray());
        Assert.Equal((events[0].Id.ToString(), "delivered", "gw-proc"), (alarm.GetProperty("id").GetString(), alarm.GetProperty("state").GetString(), alarm.GetProperty("gateway").GetString()));
    }

    [Fact]
    public async Task Two_central_processes_raise_one_silent_alarm_per_gateway_when_a_hundred_stop_their_heartbeats_at_once()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var database = await pg.Server.CreateDatabaseAsync();
        // Grouping off: a hundred of the hundred and one homes going quiet together would be one mass-outage incident.
        await using var a = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-a", "--store", database, "--mass-outage-homes", "0");
        await using var b = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--client-id", "central-b", "--store", database, "--mass-outage-homes", "0");
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("gw-quiet").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await using var archive = await PostgresArchive.OpenAsync(database);

        // Both subscribed once a retained status is recorded; no will: the processes freeze, the links stay up.
        var homes = Enumerable.Range(0, 100).Select(i => (Id: $"gw-quiet-{i:000}", Boot: Guid.CreateVersion7())).ToList();
        await Publish(client, Topics.Status("gw-probe"), Uplink.Mqtt.GatewayStatus.Online(Guid.CreateVersion7()), retain: true);
        await Until(async () => (await archive.GatewayAsync("gw-probe"))?.StatusAt is not null, "status stored", a, b);
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Heartbeats every second (stated: interval_s 1), so silence is due 3 × 1 s + 10 s after the last one, for all
        // hundred at once: both instances' supervision passes then walk the same hundred rows at the same time.
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            foreach (var (id, boot) in homes)
            {
                var now = DateTimeOffset.UtcNow;
                var heartbeat = new Uplink.Mqtt.Heartbeat(boot, now - start, 0, null, true, now, new Dictionary<string, string> { ["path.primary"] = "up" }, TimeSpan.FromSeconds(1));
                await Publish(client, Topics.Heartbeat(id), heartbeat.ToJson(), retain: false);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var stopped = DateTimeOffset.UtcNow;
        await Until(async () => (await archive.GatewaysAsync()).Count(g => g.State == GatewayStates.Silent) == homes.Count, "all silent", a, b, TimeSpan.FromSeconds(60));
        var detected = DateTimeOffset.UtcNow - stopped;

        // Both instances keep checking every second; a second alarm would come within a few passes.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var silent = (await archive.AlarmsAsync(openOnly: false)).Where(x => x.Type == SupervisionTypes.Silent).ToList();
        Assert.Equal(homes.Select(h => h.Id), silent.Select(x => x.Gateway).Order(StringComparer.Ordinal));
        Assert.True(detected <= TimeSpan.FromSeconds(3 + 10 + 10), $"all silent after {detected.TotalSeconds:0.0} s");
        Assert.False(a.HasExited || b.HasExited, $"a: {a.StdErr} b: {b.StdErr}");
    }

    internal static Task<MqttClientPublishResult> Publish(IMqttClient client, string topic, byte[] payload, bool retain) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    internal static async Task Until(Func<Task<bool>> condition, string what, CliProcess a, CliProcess b, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"never: {what}; a: {a.StdErr} b: {b.StdErr}");
            await Task.Delay(100);
        }
    }

    internal static List<string> PrintedIds(params CliProcess[] centrals) =>
        [.. centrals.SelectMany(c => c.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)];
}
