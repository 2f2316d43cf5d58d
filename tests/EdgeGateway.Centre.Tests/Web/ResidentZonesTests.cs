using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Zones and roles over resident records with logins (issue 29): a nurse of zone north never learns of zone south's homes,
/// alarms or records through any request, a home without a zone is seen only by operators without zones, and only a
/// coordinator reads or writes a record.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class ResidentZonesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FastIterations = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("resident-zones-").FullName;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync() =>
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { ResidentKey = ResidentKey.Generate() }, web: false, loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public async Task A_nurse_of_one_zone_never_sees_another_zones_homes_alarms_or_records_and_only_a_coordinator_writes_records()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(path, "Cora", "coordinator pw", OperatorRoles.Coordinator | OperatorRoles.Auditor, FastIterations);
        OperatorAccounts.AddOrReplace(path, "Berit", "north nurse pw", OperatorRoles.Nurse, ZoneNames.ParseList("north"), FastIterations);
        OperatorAccounts.AddOrReplace(path, "Nils", "south nurse pw", OperatorRoles.Nurse | OperatorRoles.Technician | OperatorRoles.Auditor, ZoneNames.ParseList("south"), FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
        var cora = (Name: "Cora", Password: "coordinator pw");
        var berit = (Name: "Berit", Password: "north nurse pw");
        var nils = (Name: "Nils", Password: "south nurse pw");

        var now = _centre.Centre.Time.GetUtcNow();
        var alarms = new Dictionary<string, Guid>();
        foreach (var home in new[] { "north-home", "south-home", "new-home" })
        {
            await _centre.Archive.RecordStatusAsync(home, "online", Guid.NewGuid(), now);
            alarms[home] = (await _centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm($"offline:{home}:1", home, SupervisionTypes.Offline, 2, $"gateway {home} offline", now)))!.Id;
        }

        var north = ResidentApiTests.Ingrid.Replace("\"operator\":\"Coordinator Cora\",", "", StringComparison.Ordinal);
        var south = north.Replace("\"north\"", "\"south\"", StringComparison.Ordinal).Replace("Ingrid Hansen", "Olav Berg", StringComparison.Ordinal);

        // Only a coordinator writes (and reads) records: a nurse is refused by role before anything else.
        var refused = await JsonAsync(http, HttpMethod.Put, "api/residents/north-home", berit, HttpStatusCode.Forbidden, north);
        Assert.Equal("residents needs the role coordinator; Berit has nurse", refused.GetProperty("detail").GetString());
        await JsonAsync(http, HttpMethod.Put, "api/residents/north-home", cora, HttpStatusCode.OK, north);
        await JsonAsync(http, HttpMethod.Put, "api/residents/south-home", cora, HttpStatusCode.OK, south);
        await JsonAsync(http, HttpMethod.Get, "api/residents/north-home", berit, HttpStatusCode.Forbidden);

        // Lists: each nurse her zone's homes and alarms; the coordinator (no zones) every home, the one without a zone too.
        async Task<IReadOnlyList<string?>> Ids((string, string) who, string list, string field) =>
            [.. (await JsonAsync(http, HttpMethod.Get, list, who, HttpStatusCode.OK)).EnumerateArray().Select(e => e.GetProperty(field).GetString()).Order()];
        Assert.Equal(["north-home"], await Ids(berit, "api/gateways", "id"));
        Assert.Equal(["south-home"], await Ids(nils, "api/gateways", "id"));
        Assert.Equal(["new-home", "north-home", "south-home"], await Ids(cora, "api/gateways", "id"));
        Assert.Equal(["south-home"], await Ids(nils, "api/alarms?state=all", "gateway"));
        Assert.Equal(["north-home"], await Ids(berit, "api/alarms", "gateway"));

        // One thing of another zone is answered as if it did not exist: read, act, history, test, record, access codes.
        var northAlarm = alarms["north-home"];
        foreach (var (method, url, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, $"api/alarms/{northAlarm}", null),
            (HttpMethod.Post, $"api/alarms/{northAlarm}/take", "{}"),
            (HttpMethod.Post, $"api/alarms/{northAlarm}/notes", """{"text":"hello"}"""),
            (HttpMethod.Get, $"api/alarms/{northAlarm}/resident", null),
            (HttpMethod.Get, "api/gateways/north-home/alarms", null),
            (HttpMethod.Post, "api/gateways/north-home/test", "{}"),
            (HttpMethod.Get, $"api/alarms/{alarms["new-home"]}", null),
        })
        {
            var hidden = await JsonAsync(http, method, url, nils, HttpStatusCode.NotFound, body);
            Assert.DoesNotContain("zone", hidden.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(AlarmStates.Raised, (await _centre.Archive.AlarmAsync(northAlarm))!.State);

        // Her own zone works as before; the auditor of zone south does not read north's whole-record reads.
        await JsonAsync(http, HttpMethod.Post, $"api/alarms/{northAlarm}/take", berit, HttpStatusCode.OK, "{}");
        var whole = await JsonAsync(http, HttpMethod.Get, $"api/alarms/{northAlarm}/resident", berit, HttpStatusCode.OK);
        Assert.Equal("4711", whole.GetProperty("access").GetProperty("key_safe_code").GetString());
        var southAudit = await JsonAsync(http, HttpMethod.Get, "api/audit", nils, HttpStatusCode.OK);
        Assert.DoesNotContain(southAudit.EnumerateArray(), a => a.GetProperty("gateway").GetString() == "north-home");
        var fullAudit = await JsonAsync(http, HttpMethod.Get, "api/audit", cora, HttpStatusCode.OK);
        Assert.Contains(fullAudit.EnumerateArray(), a => a.GetProperty("action").GetString() == "resident-view" && a.GetProperty("operator").GetString() == "Berit");

        // The gains report: a zone's nurse gets her zone's homes; names never appear, only counts of records per zone.
        var range = $"from={now.AddDays(-1):yyyy-MM-dd}&to={now.AddDays(2):yyyy-MM-dd}";
        var southReport = await JsonAsync(http, HttpMethod.Get, $"api/report?{range}", nils, HttpStatusCode.OK);
        Assert.Equal(["south-home"], southReport.GetProperty("homes").EnumerateArray().Select(h => h.GetProperty("gateway").GetString()));
        var report = await JsonAsync(http, HttpMethod.Get, $"api/report?{range}", cora, HttpStatusCode.OK);
        Assert.Equal(2, report.GetProperty("residents").GetProperty("recorded").GetInt32());
        Assert.Equal("""{"north":1,"south":1}""", report.GetProperty("residents").GetProperty("by_zone").GetRawText());
        Assert.DoesNotContain("Ingrid", report.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_home_moved_to_another_zone_leaves_the_first_zones_live_feed_and_enters_the_others()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators-feed");
        OperatorAccounts.AddOrReplace(path, "Cora", "coordinator pw", OperatorRoles.Coordinator, FastIterations);
        OperatorAccounts.AddOrReplace(path, "Berit", "north nurse pw", OperatorRoles.Nurse, ZoneNames.ParseList("north"), FastIterations);
        OperatorAccounts.AddOrReplace(path, "Nils", "south nurse pw", OperatorRoles.Nurse, ZoneNames.ParseList("south"), FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = Timeout.InfiniteTimeSpan };
        var now = _centre.Centre.Time.GetUtcNow();
        await _centre.Archive.RecordStatusAsync("moving-home", "online", Guid.NewGuid(), now);
        await _centre.Archive.RecordStatusAsync("other-home", "online", Guid.NewGuid(), now);
        var north = ResidentApiTests.Ingrid.Replace("\"operator\":\"Coordinator Cora\",", "", StringComparison.Ordinal);
        await JsonAsync(http, HttpMethod.Put, "api/residents/moving-home", ("Cora", "coordinator pw"), HttpStatusCode.OK, north);
        await JsonAsync(http, HttpMethod.Put, "api/residents/other-home", ("Cora", "coordinator pw"), HttpStatusCode.OK, north.Replace("\"north\"", "\"south\"", StringComparison.Ordinal));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var berit = await FeedAsync(http, ("Berit", "north nurse pw"), stop.Token);
        using var nils = await FeedAsync(http, ("Nils", "south nurse pw"), stop.Token);

        // South's own home changes first: Berit never saw it, so her feed says nothing of it (not even that it is hidden).
        await JsonAsync(http, HttpMethod.Put, "api/residents/other-home", ("Cora", "coordinator pw"), HttpStatusCode.OK, north.Replace("\"north\"", "\"south\"", StringComparison.Ordinal).Replace("Ingrid", "Olav", StringComparison.Ordinal));
        Assert.Equal(("gateway", "other-home"), await NextAsync(nils, stop.Token));

        await JsonAsync(http, HttpMethod.Put, "api/residents/moving-home", ("Cora", "coordinator pw"), HttpStatusCode.OK, north.Replace("\"north\"", "\"south\"", StringComparison.Ordinal));
        Assert.Equal(("hidden", "moving-home"), await NextAsync(berit, stop.Token));
        Assert.Equal(("gateway", "moving-home"), await NextAsync(nils, stop.Token));

        // Hidden once: the next change of that home is not hers at all.
        await JsonAsync(http, HttpMethod.Put, "api/residents/moving-home", ("Cora", "coordinator pw"), HttpStatusCode.OK, north.Replace("\"north\"", "\"south\"", StringComparison.Ordinal).Replace("Ingrid", "Inga", StringComparison.Ordinal));
        Assert.Equal(("gateway", "moving-home"), await NextAsync(nils, stop.Token));
        await JsonAsync(http, HttpMethod.Put, "api/residents/moving-home", ("Cora", "coordinator pw"), HttpStatusCode.OK, north);
        Assert.Equal(("gateway", "moving-home"), await NextAsync(berit, stop.Token));
        await stop.CancelAsync();
    }

    /// <summary>Opens the live feed as <paramref name="who"/>; its reader yields each event's name and the gateway it is about.</summary>
    private static async Task<StreamReader> FeedAsync(HttpClient http, (string Name, string Password) who, CancellationToken ct)
    {
        using var request = LoginRequests.Create(HttpMethod.Get, "api/events/stream", who.Name, who.Password);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>The next event other than the clock: its name and its <c>gateway</c> (a hidden home) or <c>id</c> (a home).</summary>
    private static async Task<(string Event, string? Gateway)> NextAsync(StreamReader feed, CancellationToken ct)
    {
        string? name = null;
        while (await feed.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not (null or "clock"))
            {
                using var doc = JsonDocument.Parse(line["data: ".Length..]);
                var root = doc.RootElement;
                return (name, (root.TryGetProperty("gateway", out var g) ? g : root.GetProperty("id")).GetString());
            }
        }

        throw new EndOfStreamException("the feed ended");
    }

    private static Task<JsonElement> JsonAsync(HttpClient http, HttpMethod method, string path, (string Name, string Password) who, HttpStatusCode expected, string? body = null) =>
        LoginRequests.JsonAsync(http, method, path, who.Name, who.Password, expected, body);
}
