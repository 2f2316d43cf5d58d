using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Mass outages (issue 33) through <c>GET /api/outages</c> and the live feed, on a real centre (SQLite, HTTPS and logins on
/// 127.0.0.1) reading a real mosquitto, the homes played by an MQTT client publishing their births and wills, and the
/// centre's clock a FakeTimeProvider so grace, join window and settling are stepped exactly.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class OutageWebTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 27, 1, 0, 0, TimeSpan.Zero);

    // The centre's zone, two hours ahead of UTC: the line's "03:00" is the centre's hour, not the test machine's.
    private static readonly TimeZoneInfo CentreZone = TimeZoneInfo.CreateCustomTimeZone("centre+2", TimeSpan.FromHours(2), "centre+2", "centre+2");
    private readonly string _dir = Directory.CreateTempSubdirectory("outage-web-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly FakeTimeProvider _time = new(T0);
    private MosquittoBroker? _broker;
    private IMqttClient? _homes;
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _homes = new MqttClientFactory().CreateMqttClient();
        await _homes.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId("outage-homes").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        _centre = await CentreFixture.StartAsync(_dir, [_broker.Url], new DutyCentreOptions
        {
            Time = _time,
            Zone = CentreZone,
            CheckInterval = TimeSpan.FromHours(1),
            MassOutageHomes = 5,
            MassOutageJoin = TimeSpan.FromMinutes(10),
            MassOutageSettle = TimeSpan.FromMinutes(2),
        }, "centre-outage", "central", web: false, loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        _homes?.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre, _broker);
        _logs.Dispose();
    }

    [Fact]
    public async Task A_zone_going_offline_is_one_incident_that_grows_closes_with_the_count_back_and_leaves_the_one_still_out_its_own_alarm()
    {
        var centre = _centre!.Centre;
        var archive = _centre.Archive;
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Nurse Nord", "north password", OperatorRoles.Nurse, ZoneNames.ParseList("north"), 10_000);
        OperatorAccounts.AddOrReplace(accounts, "Nurse Sol", "south password", OperatorRoles.Nurse, ZoneNames.ParseList("south"), 10_000);
        OperatorAccounts.AddOrReplace(accounts, "Tor", "tech password", OperatorRoles.Technician, 10_000);
        await using var web = await CentreWeb.StartAsync(centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        // Seven homes in the north, one in the south (records name the zone), five without a record (no zone).
        var north = Enumerable.Range(1, 7).Select(i => $"gw-n{i}").ToList();
        var noZone = Enumerable.Range(1, 5).Select(i => $"gw-z{i}").ToList();
        var all = north.Append("gw-s1").Concat(noZone).ToList();
        var boots = all.ToDictionary(g => g, _ => Guid.NewGuid());
        foreach (var g in all)
        {
            await PublishAsync(Topics.Status(g), Status("online", boots[g]), retain: true);
            await PublishAsync(Topics.Heartbeat(g), Heartbeat(boots[g]));
        }

        await UntilAsync(async () => (await archive.GatewaysAsync()).Count(g => g.State == GatewayStates.Online && g.LastHeartbeatAt is not null) == all.Count, "every home online");
        foreach (var g in north.Append("gw-s1"))
        {
            Assert.True(await archive.PutResidentAsync(new SealedResident(g, g == "gw-s1" ? "south" : "north", "r1.sealed", T0, "Cora"), new OperatorAction(T0, "Cora", "resident-save", g, null, null, "ok", null)));
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var southFeed = await FeedAsync(http, ("Nurse Sol", "south password"), stop.Token);
        using var techFeed = await FeedAsync(http, ("Tor", "tech password"), stop.Token);
        Assert.Empty((await OutagesAsync(http, "Tor", "tech password")).EnumerateArray());

        // A power cut: five north homes and the five without a zone lose their link together (their wills, retained).
        foreach (var g in north.Take(5).Concat(noZone))
        {
            await PublishAsync(Topics.Status(g), Status("offline", boots[g]), retain: true);
        }

        await UntilAsync(async () => (await archive.GatewaysAsync()).Count(g => g.State == GatewayStates.Offline) == 10, "ten homes offline");
        _time.Advance(TimeSpan.FromSeconds(60));
        await centre.CheckAsync();
        await centre.CheckAsync();

        // One incident per zone instead of ten offline cards; the feed says so to every operator (the change names no home).
        Assert.DoesNotContain(await archive.AlarmsAsync(openOnly: true), a => a.Type == SupervisionTypes.Offline);
        Assert.Equal("outage", await NextEventAsync(southFeed, "outage", stop.Token));
        Assert.Equal("outage", await NextEventAsync(techFeed, "outage", stop.Token));
        var shown = await OutagesAsync(http, "Nurse Nord", "north password");
        var incident = Assert.Single(shown.EnumerateArray());
        Assert.Equal(("north", "open", 5, 0, 5), (incident.GetProperty("zone").GetString(), incident.GetProperty("state").GetString(), incident.GetProperty("homes").GetInt32(), incident.GetProperty("returned").GetInt32(), incident.GetProperty("stillOut").GetInt32()));
        Assert.Equal("5 homes in zone north offline since 03:00", incident.GetProperty("text").GetString());
        Assert.Equal(Instants.Wire(T0), incident.GetProperty("since").GetString());
        Assert.Equal(Instants.Wire(T0.AddSeconds(60)), incident.GetProperty("openedAt").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("notReturned").ValueKind);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("summary").ValueKind);

        // The south's nurse sees neither the north's incident nor that of the homes without a zone; the technician without zones sees both.
        Assert.Empty((await OutagesAsync(http, "Nurse Sol", "south password")).EnumerateArray());
        var everything = (await OutagesAsync(http, "Tor", "tech password")).EnumerateArray().ToList();
        Assert.Equal(["5 homes in zone north offline since 03:00", "5 homes without a zone offline since 03:00"], everything.Select(o => o.GetProperty("text").GetString()).Order(StringComparer.Ordinal));
        Assert.Contains(everything, o => o.GetProperty("zone").ValueKind == JsonValueKind.Null);

        // Two more north homes go out within the join window: they join, the count grows, still no card of their own.
        foreach (var g in north.Skip(5))
        {
            await PublishAsync(Topics.Status(g), Status("offline", boots[g]), retain: true);
        }

        await UntilAsync(async () => (await archive.GatewaysAsync()).Count(g => g.State == GatewayStates.Offline) == 12, "two more offline");
        _time.Advance(TimeSpan.FromSeconds(60));
        await centre.CheckAsync();
        await centre.CheckAsync();
        Assert.DoesNotContain(await archive.AlarmsAsync(openOnly: true), a => a.Type == SupervisionTypes.Offline);
        incident = Assert.Single((await OutagesAsync(http, "Nurse Nord", "north password")).EnumerateArray());
        Assert.Equal((7, "7 homes in zone north offline since 03:00"), (incident.GetProperty("homes").GetInt32(), incident.GetProperty("text").GetString()));

        // The power is back: all but gw-n7 come back (births of a new boot); each return counts at once.
        foreach (var g in north.Take(6))
        {
            await PublishAsync(Topics.Status(g), Status("online", Guid.NewGuid()), retain: true);
        }

        await UntilAsync(async () => (await archive.OutagesAsync(T0)).Single(o => o.Zone == "north").Returned == 6, "six returns counted");
        await centre.CheckAsync();
        Assert.Equal("outage", await NextEventAsync(techFeed, "outage", stop.Token));
        incident = Assert.Single((await OutagesAsync(http, "Nurse Nord", "north password")).EnumerateArray());
        Assert.Equal(("open", 6, 1), (incident.GetProperty("state").GetString(), incident.GetProperty("returned").GetInt32(), incident.GetProperty("stillOut").GetInt32()));

        // No home returned for MassOutageSettle: it closes, says how many came back and which not, and gw-n7 alarms on its own.
        _time.Advance(TimeSpan.FromMinutes(2));
        await centre.CheckAsync();
        await centre.CheckAsync();
        incident = Assert.Single((await OutagesAsync(http, "Nurse Nord", "north password")).EnumerateArray());
        Assert.Equal(("closed", 7, 6, 1), (incident.GetProperty("state").GetString(), incident.GetProperty("homes").GetInt32(), incident.GetProperty("returned").GetInt32(), incident.GetProperty("stillOut").GetInt32()));
        Assert.Equal("6 of 7 homes back; 1 not: gw-n7 (each now its own alarm)", incident.GetProperty("summary").GetString());
        Assert.Equal("Outage of zone north closed 03:04: 6 of 7 homes back; 1 not: gw-n7 (each now its own alarm)", incident.GetProperty("text").GetString());
        Assert.Equal(["gw-n7"], incident.GetProperty("notReturned").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(Instants.Wire(T0.AddMinutes(4)), incident.GetProperty("closedAt").GetString());
        var own = Assert.Single(await archive.AlarmsAsync(openOnly: true), a => a.Type == SupervisionTypes.Offline);
        Assert.Equal("gw-n7", own.Gateway);
        Assert.Empty((await OutagesAsync(http, "Nurse Sol", "south password")).EnumerateArray());

        // A closed incident is shown for 24 h of the centre's clock, then no more. (A day without heartbeats may well have
        // opened new incidents meanwhile: the centre's own passes run as the clock moves; none of them is this one.)
        var closedId = incident.GetProperty("id").GetString();
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Contains((await OutagesAsync(http, "Nurse Nord", "north password")).EnumerateArray(), o => o.GetProperty("id").GetString() == closedId);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain((await OutagesAsync(http, "Nurse Nord", "north password")).EnumerateArray(), o => o.GetProperty("id").GetString() == closedId);
        Assert.DoesNotContain((await OutagesAsync(http, "Tor", "tech password")).EnumerateArray(), o => o.GetProperty("state").GetString() == "closed");
        await stop.CancelAsync();
    }

    private async Task PublishAsync(string topic, byte[] payload, bool retain = false) =>
        await _homes!.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    private static byte[] Status(string state, Guid boot) => Encoding.UTF8.GetBytes($$"""{"state":"{{state}}","bootid":"{{boot:D}}"}""");

    // A long stated interval (the most believed): the homes that stay up are not silent within the test's minutes.
    private byte[] Heartbeat(Guid boot) => Encoding.UTF8.GetBytes($$$"""
        {"bootid":"{{{boot:D}}}","time":"{{{Instants.Wire(_time.GetUtcNow())}}}","uptime_s":5,"outbox_depth":0,"oldest_unacked_s":0,"clocksynced":true,"interval_s":{{{HeartbeatLimits.MaxSeconds}}},"states":{"path.primary":"up"}}
        """);

    private static async Task<JsonElement> OutagesAsync(HttpClient http, string name, string password) =>
        (await LoginRequests.JsonAsync(http, HttpMethod.Get, "api/outages", name, password, HttpStatusCode.OK)).GetProperty("outages");

    private static async Task<StreamReader> FeedAsync(HttpClient http, (string Name, string Password) who, CancellationToken ct)
    {
        using var request = LoginRequests.Create(HttpMethod.Get, "api/events/stream", who.Name, who.Password);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>Reads the feed up to the next event named <paramref name="name"/> (others skipped); returns its name once its data is an empty object.</summary>
    private static async Task<string> NextEventAsync(StreamReader feed, string name, CancellationToken ct)
    {
        string? current = null;
        while (await feed.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                current = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == name)
            {
                Assert.Equal("{}", line["data: ".Length..]);
                return current;
            }
        }

        throw new EndOfStreamException("the feed ended");
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never happened: {what}");
            }

            await Task.Delay(20);
        }
    }
}
