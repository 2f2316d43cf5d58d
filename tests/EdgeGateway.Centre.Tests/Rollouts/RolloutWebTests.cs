using System.Net;
using System.Net.Http.Headers;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Centre.Tests.Web;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;
using static EdgeGateway.Centre.Tests.Web.LoginRequests;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>
/// The release archives served to the gateways (Range, plain names only, no login) and the rollout's API (the halt a
/// technician's), on a real centre with HTTPS and logins on 127.0.0.1.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class RolloutWebTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rollout-web-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly byte[] _archiveBytes = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))];
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        var releases = Directory.CreateDirectory(Path.Combine(_dir, "releases")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(releases, "edgegateway-0.2.0+abc-linux-arm64.tar.gz"), _archiveBytes);
        await File.WriteAllTextAsync(Path.Combine(_dir, "secret.txt"), "not for gateways");
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { ReleasesDirectory = releases }, web: false, loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public async Task An_archive_is_served_without_login_whole_or_from_a_range_and_anything_but_a_plain_file_name_is_404()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Tor", "tech password", OperatorRoles.Technician, 10_000);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        using (var whole = await http.GetAsync(new Uri("releases/edgegateway-0.2.0+abc-linux-arm64.tar.gz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
            Assert.Equal(_archiveBytes, await whole.Content.ReadAsByteArrayAsync());
        }

        // A download broken at byte 3000 resumes from there.
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri("releases/edgegateway-0.2.0+abc-linux-arm64.tar.gz", UriKind.Relative)))
        {
            request.Headers.Range = new RangeHeaderValue(3000, null);
            using var part = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal("bytes 3000-4999/5000", part.Content.Headers.ContentRange!.ToString());
            Assert.Equal(_archiveBytes[3000..], await part.Content.ReadAsByteArrayAsync());
        }

        foreach (var bad in new[] { "releases/missing.tar.gz", "releases/..%2Fsecret.txt", "releases/...", "releases/x%2F..%2F..%2Fsecret.txt", "releases/.hidden", "releases/a%20b.tar.gz", "releases/..%5Csecret.txt" })
        {
            using var refused = await http.GetAsync(new Uri(bad, UriKind.Relative));
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{bad}: {refused.StatusCode}");
            Assert.NotEqual("not for gateways", await refused.Content.ReadAsStringAsync());
        }

        // Only the archives are open: the API still asks for a login.
        using var api = await http.GetAsync(new Uri("api/rollout", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Null(CentreWeb.ReleaseFile(null, "edgegateway-0.2.0+abc-linux-arm64.tar.gz"));
    }

    [Fact]
    public async Task The_api_shows_the_rollout_and_the_fleet_by_version_and_only_a_technician_halts_it()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Tor", "tech password", OperatorRoles.Technician, 10_000);
        OperatorAccounts.AddOrReplace(accounts, "Nurse Berit", "correct horse", OperatorRoles.Nurse, 10_000);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        var archive = _centre.Archive;
        var now = DateTimeOffset.UtcNow;
        await archive.RecordHeartbeatAsync("home-1", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.1.0"}}"""), now);
        await archive.RecordHeartbeatAsync("home-2", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.1.0"}}"""), now);
        await archive.RecordHeartbeatAsync("home-3", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.2.0"}}"""), now);
        var none = await JsonAsync(http, HttpMethod.Get, "api/rollout", "Nurse Berit", "correct horse", HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, none.GetProperty("rollout").ValueKind);
        Assert.Equal([("0.1.0", 2), ("0.2.0", 1)], none.GetProperty("fleet").EnumerateArray().Select(v => (v.GetProperty("version").GetString(), v.GetProperty("homes").GetInt32())));
        var nothingToHalt = await JsonAsync(http, HttpMethod.Post, "api/rollout/halt", "Tor", "tech password", HttpStatusCode.Conflict, """{"reason":"checking"}""");
        Assert.Equal("no rollout is running", nothingToHalt.GetProperty("detail").GetString());

        var spec = new RolloutSpec("r-web", "Tor", now, new RolloutRelease("0.2.0", "edgegateway-0.2.0.tar.gz", 5000, new string('b', 64), """{"manifest":"bQ==","key_id":"00","signature":"cw=="}""", "https://centre.example/releases/edgegateway-0.2.0.tar.gz"),
            [50, 100], RolloutWindow.Parse("22:00-02:00"), 0, TimeSpan.FromMinutes(30), 300, RolloutSpec.DefaultReportTimeout(300), ["home-2"]);
        var plan = RolloutPlanner.Plan(await RolloutFleet.ReadAsync(archive), "0.2.0", ["home-2"], [50, 100]);
        Assert.True(await archive.StartRolloutAsync(new RolloutRecord(spec, RolloutStates.Running, 1, null, null, now), plan, new OperatorAction(now, "Tor", "rollout-start", null, null, null, "ok", null)));

        var shown = (await JsonAsync(http, HttpMethod.Get, "api/rollout", "Nurse Berit", "correct horse", HttpStatusCode.OK)).GetProperty("rollout");
        Assert.Equal("running", shown.GetProperty("state").GetString());
        Assert.Equal("22:00-02:00", shown.GetProperty("spec").GetProperty("window").GetString());
        Assert.Equal("00", shown.GetProperty("spec").GetProperty("release").GetProperty("signature").GetProperty("key_id").GetString());
        Assert.Equal([("home-3", 0, "passed"), ("home-2", 1, "waiting"), ("home-1", 2, "waiting")],
            shown.GetProperty("homes").EnumerateArray().Select(h => (h.GetProperty("gateway").GetString(), h.GetProperty("wave").GetInt32(), h.GetProperty("state").GetString())));

        var refused = await JsonAsync(http, HttpMethod.Post, "api/rollout/halt", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden, """{"reason":"looks wrong"}""");
        Assert.Equal("halting the release rollout needs the role technician; Nurse Berit has nurse", refused.GetProperty("detail").GetString());
        var halted = await JsonAsync(http, HttpMethod.Post, "api/rollout/halt", "Tor", "tech password", HttpStatusCode.OK, """{"reason":"home-2 reboots in a loop"}""");
        Assert.Equal("halted", halted.GetProperty("state").GetString());
        Assert.Equal("halted by Tor: home-2 reboots in a loop", halted.GetProperty("haltReason").GetString());
        Assert.Equal(RolloutStates.Halted, (await archive.LatestRolloutAsync())!.State);
        Assert.Contains(await archive.ActionsAsync(5), a => a.Action == "rollout-halt" && a.Operator == "Tor");
    }
}
