using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Configuration;
using EdgeGateway.Contract;
using EdgeGateway.Demo;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>The JSON API over a real archive and mosquitto, against a real <c>edgegateway run</c> gateway process.</summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class CentreApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");
    private readonly string _dir = Directory.CreateTempSubdirectory("centre-api-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private MosquittoBroker? _broker;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _centre = await CentreFixture.StartAsync(_dir, [_broker.Url], new DutyCentreOptions { OfflineGrace = TimeSpan.FromSeconds(1), CheckInterval = TimeSpan.FromMilliseconds(200) }, "centre-api", "central", loggers: _logs);
        _http.BaseAddress = _centre.Web.Url;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre, _broker);
        _logs.Dispose();
    }

    private string WriteGatewayConfig()
    {
        var config = SimulatedHome.Config(Oslo, Path.Combine(_dir, "data"));
        config = new GatewayConfig { GatewayId = "api-home", Simulated = true, DataDirectory = config.DataDirectory, Devices = config.Devices, Rules = config.Rules, Uplink = new UplinkConfig { Broker = _broker!.Url, HeartbeatSeconds = 1, KeepAliveSeconds = 2, PlainLoopbackDemo = true } };
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, doc.RootElement.Clone());
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never happened: {what}");
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_problem_json_naming_the_field()
    {
        var id = Guid.NewGuid();
        var cases = new (string Path, string Body, HttpStatusCode Status, string Field)[]
        {
            ($"api/alarms/{id}/take", "{}", HttpStatusCode.BadRequest, "operator"),
            ($"api/alarms/{id}/take", """{"operator":"  "}""", HttpStatusCode.BadRequest, "operator"),
            ($"api/alarms/{id}/clear", """{"operator":"Nurse Berit"}""", HttpStatusCode.BadRequest, "reason"),
            ("api/alarms/not-a-uuid/take", """{"operator":"Nurse Berit"}""", HttpStatusCode.BadRequest, "id"),
            ($"api/alarms/{id}/take", "{nope", HttpStatusCode.BadRequest, "$"),
            ($"api/alarms/{id}/take", "[1]", HttpStatusCode.BadRequest, "$"),
            ($"api/alarms/{id}/take", """{"operator":"Nurse Berit"}""", HttpStatusCode.NotFound, "id"),
            ("api/gateways/nobody/test", """{"operator":"Nurse Berit"}""", HttpStatusCode.NotFound, "id"),
        };
        foreach (var (path, body, status, field) in cases)
        {
            var (actual, type, problem) = await PostAsync(path, body);
            Assert.True(status == actual, $"{path} {body}: {actual}");
            Assert.Equal("application/problem+json", type);
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }

        using var bad = await _http.GetAsync(new Uri("api/alarms?state=closed", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"field\":\"state\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var (query, field) in new[] { ("from=yesterday&to=2026-03-30", "from"), ("from=2026-03-23", "to"), ("from=2026-03-30&to=2026-03-23", "to"), ("from=2026-03-23&to=2026-03-30&minutes_per_visit=-1", "minutes_per_visit") })
        {
            using var report = await _http.GetAsync(new Uri($"api/report?{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, report.StatusCode);
            Assert.Contains($"\"field\":\"{field}\"", await report.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(JsonValueKind.Array, (await GetAsync("api/report?from=2026-03-23&to=2026-03-30")).GetProperty("homes").ValueKind);
        Assert.Throws<InvalidOperationException>(() => CentreWebSecurity.None.CheckFor(CentreWeb.ParseAddress("0.0.0.0:8080")));
        Assert.Throws<FormatException>(() => CentreWeb.ParseAddress("localhost"));
    }

    [Fact]
    public async Task A_real_gateway_shows_online_answers_a_test_through_the_whole_chain_and_its_kill_raises_an_offline_alarm_a_nurse_takes_and_clears()
    {
        using var feedResponse = await _http.GetAsync(new Uri("api/events/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", feedResponse.Content.Headers.ContentType?.MediaType);
        using var feed = new StreamReader(await feedResponse.Content.ReadAsStreamAsync());
        var feedLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reading = Task.Run(async () =>
        {
            while (await feed.ReadLineAsync() is { } line)
            {
                feedLines.Enqueue(line);
            }
        });

        await using (var gateway = CliProcess.Start("run", "--config", WriteGatewayConfig()))
        {
            await gateway.WaitForLineAsync("Alarm loop armed", TimeSpan.FromSeconds(60));
            await UntilAsync(async () => (await GetAsync("api/gateways")).EnumerateArray().Any(g => g.GetProperty("id").GetString() == "api-home" && g.GetProperty("last_heartbeat").ValueKind == JsonValueKind.String), "the gateway's heartbeat on the API");
            var home = (await GetAsync("api/gateways")).EnumerateArray().Single(g => g.GetProperty("id").GetString() == "api-home");
            Assert.Equal("online", home.GetProperty("state").GetString());
            Assert.Equal(1, home.GetProperty("heartbeat_interval_s").GetInt32());
            Assert.Matches("^[0-9a-f-]{36}$", home.GetProperty("bootid").GetString());
            Assert.Equal(JsonValueKind.Object, home.GetProperty("states").ValueKind);

            var (status, _, test) = await PostAsync("api/gateways/api-home/test", """{"operator":"Nurse Berit"}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ok", test.GetProperty("command").GetProperty("status").GetString());
            Assert.Equal("alarm.test", test.GetProperty("command").GetProperty("reply").GetProperty("type").GetString());
            Assert.True(test.GetProperty("round_trip_ms").GetDouble() > 0, test.ToString());
            Assert.Equal(test.GetProperty("event").GetString(), test.GetProperty("command").GetProperty("reply").GetProperty("result").GetProperty("event").GetString());

            // An alarm event the real gateway never raised (published in its name): take and clear still reach the gateway
            // as alarm.acknowledge / alarm.clear with the nurse's name, and its refusal is what the API shows.
            var foreign = new EdgeGateway.Core.Events.CareEventFactory("api-home", TimeProvider.System, new EdgeGateway.Core.Time.FixedClockSyncStatus(true)).Create(EdgeGateway.Core.Events.CareEventKind.HelpButton, "pendant", "help");
            using (var client = new MQTTnet.MqttClientFactory().CreateMqttClient())
            {
                await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker!.Port).WithClientId("foreign").Build());
                await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(Topics.Events("api-home", foreign.Class)).WithPayload(CloudEventCodec.Serialize(foreign)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            await UntilAsync(async () => (await GetAsync("api/alarms?state=open")).EnumerateArray().Any(a => a.GetProperty("id").GetString() == foreign.Id.ToString()), "the alarm on the API");
            var (fStatus, _, fTake) = await PostAsync($"api/alarms/{foreign.Id}/take", """{"operator":"Nurse Berit"}""");
            Assert.Equal(HttpStatusCode.OK, fStatus);
            Assert.Equal("taken", fTake.GetProperty("alarm").GetProperty("state").GetString());
            var command = fTake.GetProperty("command");
            Assert.Equal(("error", "alarm.acknowledge", "not_found"), (command.GetProperty("status").GetString(), command.GetProperty("reply").GetProperty("type").GetString(), command.GetProperty("reply").GetProperty("error").GetProperty("code").GetString()));
            var (_, _, fClear) = await PostAsync($"api/alarms/{foreign.Id}/clear", """{"operator":"Nurse Berit","reason":"false alarm"}""");
            Assert.Equal(("cleared", "alarm.clear"), (fClear.GetProperty("alarm").GetProperty("state").GetString(), fClear.GetProperty("command").GetProperty("reply").GetProperty("type").GetString()));
            gateway.Kill();
        }

        await UntilAsync(async () => (await GetAsync("api/alarms?state=open")).EnumerateArray().Any(a => a.GetProperty("type").GetString() == SupervisionTypes.Offline), "the offline alarm after the grace");
        var alarm = (await GetAsync("api/alarms?state=open")).EnumerateArray().Single(a => a.GetProperty("type").GetString() == SupervisionTypes.Offline);
        var id = alarm.GetProperty("id").GetString();
        Assert.Equal(("raised", "api-home"), (alarm.GetProperty("state").GetString(), alarm.GetProperty("gateway").GetString()));
        Assert.Equal("offline", (await GetAsync("api/gateways")).EnumerateArray().Single(g => g.GetProperty("id").GetString() == "api-home").GetProperty("state").GetString());

        var (takeStatus, _, take) = await PostAsync($"api/alarms/{id}/take", """{"operator":"Nurse Berit"}""");
        Assert.Equal(HttpStatusCode.OK, takeStatus);
        Assert.Equal(("taken", "Nurse Berit"), (take.GetProperty("alarm").GetProperty("state").GetString(), take.GetProperty("alarm").GetProperty("taken_by").GetString()));
        Assert.Equal(JsonValueKind.Null, take.GetProperty("command").ValueKind);
        var (again, _, conflict) = await PostAsync($"api/alarms/{id}/take", """{"operator":"Nurse Kari"}""");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("Nurse Berit", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (clearStatus, _, clear) = await PostAsync($"api/alarms/{id}/clear", """{"operator":"Nurse Berit","reason":"no help needed"}""");
        Assert.Equal(HttpStatusCode.OK, clearStatus);
        Assert.Equal(("cleared", "no help needed"), (clear.GetProperty("alarm").GetProperty("state").GetString(), clear.GetProperty("alarm").GetProperty("clear_reason").GetString()));
        Assert.DoesNotContain((await GetAsync("api/alarms?state=open")).EnumerateArray(), a => a.GetProperty("id").GetString() == id);
        Assert.Contains((await GetAsync("api/alarms?state=all")).EnumerateArray(), a => a.GetProperty("id").GetString() == id);

        var actions = await _centre!.Archive.ActionsAsync(10);
        Assert.Equal(["clear", "take", "clear", "take", "test"], actions.Select(a => a.Action));
        Assert.Equal("not_found", actions[3].Outcome == "error" ? JsonDocument.Parse(actions[3].Detail!).RootElement.GetProperty("error").GetProperty("code").GetString() : actions[3].Outcome);
        Assert.All(actions, a => Assert.Equal("Nurse Berit", a.Operator));

        // The live feed carried the gateway's changes and the alarm's steps, without any reload.
        await UntilAsync(() => Task.FromResult(feedLines.Any(l => l.Contains("\"state\":\"cleared\"", StringComparison.Ordinal))), "the clear on the live feed", 10);
        Assert.Contains("event: gateway", feedLines);
        Assert.Contains("event: alarm", feedLines);
        Assert.Contains(feedLines, l => l.StartsWith("data: ", StringComparison.Ordinal) && l.Contains("\"taken_by\":\"Nurse Berit\"", StringComparison.Ordinal));
        feedResponse.Dispose();
    }
}
