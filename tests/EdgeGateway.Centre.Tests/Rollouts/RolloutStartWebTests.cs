using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Centre.Tests.Web;
using EdgeGateway.Centre.Web;
using EdgeGateway.Releases;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;
using static EdgeGateway.Centre.Tests.Web.LoginRequests;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>
/// A rollout started from the page's API (issue 32): the archives in the releases directory with their verdicts, the start
/// verified and checked as <c>central rollout start</c> does (the same <see cref="ReleaseRolloutStarter"/>), a technician's
/// only, 409 while one runs and 503 on a centre started without release keys; on a real centre with HTTPS and logins.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class RolloutStartWebTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rollout-start-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = CentreWebSecurityTests.SelfSigned();
    private string _releases = "";
    private string _privatePem = "";
    private CentreFixture? _centre;
    private CentreFixture? _plain;

    public async Task InitializeAsync()
    {
        _releases = Directory.CreateDirectory(Path.Combine(_dir, "releases")).FullName;
        var (trusted, privatePem) = SignedRelease.NewKey();
        _privatePem = privatePem;
        var starter = new ReleaseRolloutStarter(_releases, [trusted], new Uri("https://centre.example.org"), TimeProvider.System);
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { Zone = TimeZoneInfo.Utc, ReleasesDirectory = _releases, RolloutStarter = starter }, web: false, loggers: _logs);
        _plain = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { ReleasesDirectory = _releases }, web: false, loggers: _logs, store: "plain.db");
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre, _plain);
        _certificate.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task A_technician_starts_one_from_a_signed_archive_and_a_tampered_or_foreign_one_is_refused_with_the_reason()
    {
        var now = DateTimeOffset.UtcNow;
        var archive = _centre!.Archive;
        for (var i = 1; i <= 4; i++)
        {
            await archive.RecordHeartbeatAsync($"home-{i}", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.1.0"}}"""), now);
        }

        var good = SignedRelease.Write(_releases, "0.2.0", _privatePem);
        var tampered = SignedRelease.Write(_releases, "0.2.1", _privatePem);
        await using (var f = new FileStream(Path.Combine(_releases, tampered), FileMode.Open, FileAccess.Write))
        {
            f.Position = 40;
            f.WriteByte(0xff);
        }

        var (_, foreignKey) = SignedRelease.NewKey();
        var foreign = SignedRelease.Write(_releases, "0.2.2", foreignKey);
        await File.WriteAllTextAsync(Path.Combine(_releases, "unsigned.tar.gz"), "no signature");
        await using var web = await StartWebAsync(_centre);
        using var http = Client(web);

        // The archives with a .sig, each with its verdict; the unsigned one is not offered.
        var releases = (await JsonAsync(http, HttpMethod.Get, "api/releases", "Tor", "tech password", HttpStatusCode.OK)).GetProperty("releases");
        Assert.Equal([good, tampered, foreign], releases.EnumerateArray().Select(r => r.GetProperty("file").GetString()));
        var offered = releases.EnumerateArray().ToDictionary(r => r.GetProperty("file").GetString()!);
        Assert.True(offered[good].GetProperty("ok").GetBoolean(), offered[good].GetProperty("reason").GetString());
        Assert.Equal("0.2.0", offered[good].GetProperty("version").GetString());
        Assert.Equal(new FileInfo(Path.Combine(_releases, good)).Length, offered[good].GetProperty("size").GetInt64());
        Assert.Equal(16, offered[good].GetProperty("keyId").GetString()!.Length);
        Assert.False(offered[tampered].GetProperty("ok").GetBoolean());
        Assert.Contains("is not the archive that was signed", offered[tampered].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(offered[foreign].GetProperty("ok").GetBoolean());
        Assert.Contains("which is not trusted here", offered[foreign].GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Refused, naming the field and the reason; nothing stored.
        var refusedTampered = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.BadRequest, $$"""{"archive":"{{tampered}}"}""");
        Assert.Equal("archive", refusedTampered.GetProperty("field").GetString());
        Assert.Contains("is not the archive that was signed", refusedTampered.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var refusedForeign = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.BadRequest, $$"""{"archive":"{{foreign}}"}""");
        Assert.Contains("which is not trusted here", refusedForeign.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var badWaves = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.BadRequest, $$"""{"archive":"{{good}}","waves":"5,50"}""");
        Assert.Equal("waves", badWaves.GetProperty("field").GetString());
        var unknownCanary = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.BadRequest, $$"""{"archive":"{{good}}","canaries":["home-99"]}""");
        Assert.Equal("'canaries' 'home-99': no such gateway in the archive", unknownCanary.GetProperty("detail").GetString());
        Assert.Null(await archive.LatestRolloutAsync());

        // A nurse may neither list nor start.
        var nurseList = await JsonAsync(http, HttpMethod.Get, "api/releases", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden);
        Assert.Equal("the release archives needs the role technician; Nurse Berit has nurse", nurseList.GetProperty("detail").GetString());
        var nurseStart = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden, $$"""{"archive":"{{good}}"}""");
        Assert.Equal("starting a release rollout needs the role technician; Nurse Berit has nurse", nurseStart.GetProperty("detail").GetString());

        // Started: its window six hours away, so the centre's driver sends nothing while the test runs.
        var start = (now.Hour + 6) % 24;
        var window = $"{start:00}:00-{(start + 1) % 24:00}:00";
        var body = $$"""{"archive":"{{good}}","waves":"25,100","window":"{{window}}","maxFailures":1,"soakMinutes":10,"gateSeconds":120,"canaries":["home-3"]}""";
        var started = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.Created, body);
        Assert.Equal("running", started.GetProperty("state").GetString());
        var spec = started.GetProperty("spec");
        Assert.Equal([25, 100], spec.GetProperty("waves").EnumerateArray().Select(w => w.GetInt32()));
        Assert.Equal(window, spec.GetProperty("window").GetString());
        Assert.Equal("Tor", spec.GetProperty("createdBy").GetString());
        Assert.Equal("https://centre.example.org/releases/" + good, spec.GetProperty("release").GetProperty("url").GetString());
        Assert.Equal(("home-3", 1), started.GetProperty("homes").EnumerateArray().Select(h => (h.GetProperty("gateway").GetString(), h.GetProperty("wave").GetInt32())).First());

        var stored = await archive.LatestRolloutAsync();
        Assert.NotNull(stored);
        Assert.Equal(RolloutStates.Running, stored.State);
        Assert.Equal(["home-3"], stored.Spec.Canaries);
        Assert.Equal(1, stored.Spec.MaxFailures);
        Assert.Equal(TimeSpan.FromMinutes(10), stored.Spec.Soak);
        Assert.Equal(120, stored.Spec.GateSeconds);
        Assert.Equal((await File.ReadAllTextAsync(Path.Combine(_releases, good + ".sig"))).Trim(), stored.Spec.Release!.SignatureJson);
        Assert.Contains(await archive.ActionsAsync(5), a => a.Action == "rollout-start" && a.Operator == "Tor" && a.Detail!.StartsWith(stored.Id, StringComparison.Ordinal));

        // One at a time.
        var again = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.Conflict, $$"""{"archive":"{{good}}"}""");
        Assert.Equal("a rollout is running already; halt it first", again.GetProperty("detail").GetString());
        Assert.Equal(stored.Id, (await archive.LatestRolloutAsync())!.Id);
    }

    [Fact]
    public async Task Without_release_keys_the_centre_answers_503_and_a_nurse_still_gets_403()
    {
        SignedRelease.Write(_releases, "0.2.0", _privatePem);
        await using var web = await StartWebAsync(_plain!);
        using var http = Client(web);
        var list = await JsonAsync(http, HttpMethod.Get, "api/releases", "Tor", "tech password", HttpStatusCode.ServiceUnavailable);
        Assert.Equal("starting a rollout from the page needs central --release-key and --releases-dir", list.GetProperty("detail").GetString());
        var start = await JsonAsync(http, HttpMethod.Post, "api/rollout", "Tor", "tech password", HttpStatusCode.ServiceUnavailable, """{"archive":"edgegateway-0.2.0-linux-arm64.tar.gz"}""");
        Assert.Equal("starting a rollout from the page needs central --release-key and --releases-dir", start.GetProperty("detail").GetString());
        await JsonAsync(http, HttpMethod.Post, "api/rollout", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden, """{"archive":"edgegateway-0.2.0-linux-arm64.tar.gz"}""");
        Assert.Null(await _plain!.Archive.LatestRolloutAsync());
    }

    private async Task<CentreWeb> StartWebAsync(CentreFixture centre)
    {
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Tor", "tech password", OperatorRoles.Technician, 10_000);
        OperatorAccounts.AddOrReplace(accounts, "Nurse Berit", "correct horse", OperatorRoles.Nurse, 10_000);
        return await CentreWeb.StartAsync(centre.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(_certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
    }

    private HttpClient Client(CentreWeb web)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == _certificate.Thumbprint };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
    }
}
