using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeGateway.Centre.Tests.Supervision;

/// <summary>The rollout inside the running centre: its driver sends <c>update</c> over the real broker and the report the centre ingests moves it.</summary>
public abstract partial class DutyCentreTests
{
    [Fact]
    public async Task The_running_centre_sends_update_through_the_broker_and_the_ingested_completed_report_passes_the_home()
    {
        var centre = await StartCentreAsync();
        var boot = Guid.NewGuid();
        await PublishAsync(Topics.Heartbeat("gw-up"), Heartbeat(boot, 5));
        await UntilAsync(async () => await centre.Archive.GatewayAsync("gw-up") is { Heartbeat: not null }, "the heartbeat stored");

        // The home's end of the command: it takes the update and answers accepted, as the gateway's CommandRelay does.
        var commands = new List<JsonElement>();
        await _gateway!.SubscribeAsync(Topics.Commands("gw-up"), MqttQualityOfServiceLevel.AtLeastOnce);
        _gateway!.ApplicationMessageReceivedAsync += async e =>
        {
            if (e.ApplicationMessage.Topic != Topics.Commands("gw-up"))
            {
                return;
            }

            using var doc = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString());
            lock (commands)
            {
                commands.Add(doc.RootElement.Clone());
            }

            var id = doc.RootElement.GetProperty("id").GetString();
            await PublishAsync(Topics.Replies("gw-up"), Encoding.UTF8.GetBytes($$$"""
                {"command":"{{{id}}}","type":"update","gateway":"gw-up","time":"{{{Instants.Wire(Time.GetUtcNow())}}}","clocksynced":true,"status":"ok","result":{"state":"accepted"}}
                """));
        };

        var now = Time.GetUtcNow();
        var spec = new RolloutSpec("r-live", "Tech Tore", now, new RolloutRelease("0.2.0+live", "edgegateway-0.2.0.tar.gz", 4096, new string('c', 64),
            """{"manifest":"bQ==","key_id":"0123456789abcdef","signature":"cw=="}""", "https://centre.example/releases/edgegateway-0.2.0.tar.gz"),
            [100], null, 0, TimeSpan.FromMinutes(30), 300, RolloutSpec.DefaultReportTimeout(300), ["gw-up"]);
        var plan = RolloutPlanner.Plan(await RolloutFleet.ReadAsync(centre.Archive), "0.2.0+live", ["gw-up"], [100]);
        Assert.True(await centre.Archive.StartRolloutAsync(new RolloutRecord(spec, RolloutStates.Running, 1, null, null, now), plan,
            new EdgeGateway.Centre.Archive.OperatorAction(now, "Tech Tore", "rollout-start", null, null, null, "ok", null)));

        await centre.Rollouts.TickAsync();
        var sent = Assert.Single(commands);
        Assert.Equal("update", sent.GetProperty("type").GetString());
        Assert.Equal("rollout", sent.GetProperty("by").GetString());
        Assert.Equal("r-live", sent.GetProperty("args").GetProperty("rollout").GetString());
        Assert.Equal("0123456789abcdef", sent.GetProperty("args").GetProperty("signature").GetProperty("key_id").GetString());
        Assert.Equal(RolloutHomeStates.Sent, (await centre.Archive.RolloutHomesAsync("r-live")).Single(h => h.Gateway == "gw-up").State);

        var report = new CareEventFactory("gw-up", Time, new FixedClockSyncStatus(true), boot).Create(CareEventKind.UpdateCompleted, "release", "0.2.0+live passed its health gate",
            new Dictionary<string, string> { ["version"] = "0.2.0+live", ["from"] = "0.1.0", ["gateSeconds"] = "291", ["downloadedBytes"] = "4096", ["rollout"] = "r-live" });
        await PublishAsync(Topics.Events("gw-up", report.Class), CloudEventCodec.Serialize(report));
        await UntilAsync(async () => (await centre.Archive.RolloutHomesAsync("r-live")).Single(h => h.Gateway == "gw-up").State == RolloutHomeStates.Passed, "the home passed");

        await centre.Rollouts.TickAsync();
        Time.Advance(TimeSpan.FromMinutes(30));
        await centre.Rollouts.TickAsync();
        Assert.Equal(RolloutStates.Completed, (await centre.Archive.LatestRolloutAsync())!.State);
        Assert.Single(commands);
    }
}
