using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The page and API off loopback: TLS and operator login are required, and every action is recorded under the login.
/// On the wire it stays loopback: the policy is tested as a function, the HTTPS + login round trip on 127.0.0.1 with both forced on.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class CentreWebSecurityTests : IAsyncLifetime
{
    private const int FastIterations = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("centre-web-security-").FullName;
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        // No broker: the alarms here are the centre's own (supervision), so take and clear send no command. The page is
        // started by each test, with the security it checks.
        _centre = await CentreFixture.StartAsync(_dir, [], web: false);
    }

    public async Task DisposeAsync() => await CentreFixture.TeardownAsync(_dir, _centre);

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.0.0.2", false)]
    [InlineData("::1", false)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("192.168.1.20", true)]
    [InlineData("10.0.0.5", true)]
    [InlineData("fe80::1", true)]
    public void Tls_and_login_are_required_for_every_address_but_loopback(string address, bool required) =>
        Assert.Equal(required, CentreWebSecurity.RequiredFor(IPAddress.Parse(address)));

    [Fact]
    public void A_non_loopback_address_without_tls_or_accounts_is_refused_naming_what_is_missing()
    {
        using var certificate = SelfSigned();
        var accounts = Accounts(("Nurse Berit", "correct horse"));
        var lan = IPEndPoint.Parse("192.168.1.20:8443");

        var neither = Assert.Throws<InvalidOperationException>(() => CentreWebSecurity.None.CheckFor(lan));
        Assert.Contains("TLS (--web-cert and --web-key", neither.Message, StringComparison.Ordinal);
        Assert.Contains("operator accounts (--web-accounts", neither.Message, StringComparison.Ordinal);
        var noLogin = Assert.Throws<InvalidOperationException>(() => new CentreWebSecurity(certificate, null).CheckFor(lan));
        Assert.DoesNotContain("TLS", noLogin.Message, StringComparison.Ordinal);
        Assert.Contains("operator accounts", noLogin.Message, StringComparison.Ordinal);
        var noTls = Assert.Throws<InvalidOperationException>(() => new CentreWebSecurity(null, accounts).CheckFor(lan));
        Assert.Contains("TLS", noTls.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("accounts", noTls.Message, StringComparison.Ordinal);

        new CentreWebSecurity(certificate, accounts).CheckFor(lan);
        CentreWebSecurity.None.CheckFor(IPEndPoint.Parse("127.0.0.1:8080"));
    }

    [Fact]
    public async Task Over_https_with_login_the_page_asks_for_a_login_and_records_every_action_under_it()
    {
        using var certificate = SelfSigned();
        var accounts = Accounts(("Nurse Berit", "correct horse"), ("Nurse Kari", "battery staple"));
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, accounts));
        Assert.Equal("https", web.Url.Scheme);

        // Trust exactly this certificate (the test's own), nothing else.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        using (var anonymous = await http.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        }

        foreach (var (name, password) in new[] { ("Nurse Berit", "wrong password"), ("Nobody", "correct horse") })
        {
            using var wrong = await SendAsync(http, HttpMethod.Get, "api/alarms", name, password);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var page = await SendAsync(http, HttpMethod.Get, "/", "Nurse Berit", "correct horse"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<title>Duty centre</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var me = await SendAsync(http, HttpMethod.Get, "api/me", "Nurse Berit", "correct horse"))
        {
            using var doc = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
            Assert.Equal(("Nurse Berit", true), (doc.RootElement.GetProperty("operator").GetString(), doc.RootElement.GetProperty("login").GetBoolean()));
        }

        var alarm = (await _centre!.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm("offline:tls-home:1", "tls-home", SupervisionTypes.Offline, 2, "gateway tls-home offline", DateTimeOffset.UtcNow)))!;

        // Acting in another nurse's name is refused; leaving the name out takes it from the login.
        using (var impersonation = await SendAsync(http, HttpMethod.Post, $"api/alarms/{alarm.Id}/take", "Nurse Berit", "correct horse", """{"operator":"Nurse Kari"}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, impersonation.StatusCode);
            Assert.Contains("\"field\":\"operator\"", await impersonation.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(AlarmStates.Raised, (await _centre!.Archive.AlarmAsync(alarm.Id))!.State);
        using (var take = await SendAsync(http, HttpMethod.Post, $"api/alarms/{alarm.Id}/take", "Nurse Berit", "correct horse", "{}"))
        {
            Assert.Equal(HttpStatusCode.OK, take.StatusCode);
        }

        using (var clear = await SendAsync(http, HttpMethod.Post, $"api/alarms/{alarm.Id}/clear", "Nurse Kari", "battery staple", """{"operator":"Nurse Kari","reason":"no help needed"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        }

        var record = (await _centre!.Archive.AlarmAsync(alarm.Id))!;
        Assert.Equal(("Nurse Berit", "Nurse Kari", "no help needed"), (record.TakenBy, record.ClearedBy, record.ClearReason));
        var actions = await _centre!.Archive.ActionsAsync(10);
        Assert.Equal([("clear", "Nurse Kari"), ("take", "Nurse Berit")], actions.Select(a => (a.Action, a.Operator)));

        // TLS only: plain HTTP on the same port gets no page.
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var refused = await Record.ExceptionAsync(async () =>
        {
            using var r = await plain.GetAsync(new UriBuilder(web.Url) { Scheme = "http" }.Uri);
            Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
        });
        Assert.True(refused is null or HttpRequestException, refused?.ToString());
    }

    [Fact]
    public async Task On_the_real_host_guessing_gets_429_before_any_password_check_a_logged_in_nurse_keeps_working_and_a_removed_one_is_refused_within_seconds()
    {
        using var certificate = SelfSigned();
        var path = Path.Combine(_dir, "operators-live");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", FastIterations);
        OperatorAccounts.AddOrReplace(path, "Nurse Kari", "battery staple", FastIterations);
        var audit = new RecordingLogger();

        // A lockout far longer than the test: nothing below depends on how fast this machine is.
        var security = new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = audit, Limits = new LoginLimits { FreeFailures = 2, FirstLockout = TimeSpan.FromMinutes(10) } };
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), security);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        // Kari is logged in, her page following the live feed.
        using var feedRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("api/events/stream", UriKind.Relative));
        feedRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("Nurse Kari:battery staple")));
        using var feed = await http.SendAsync(feedRequest, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        using var feedText = new StreamReader(await feed.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await feedText.ReadLineAsync());

        // Somebody on the same network guesses Berit's password: two free failures, the third locks name and address.
        for (var i = 1; i <= 3; i++)
        {
            using var wrong = await SendAsync(http, HttpMethod.Get, "api/me", "Nurse Berit", $"guess {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(i == 3 ? TimeSpan.FromMinutes(10) : null, wrong.Headers.RetryAfter?.Delta);
        }

        using (var locked = await SendAsync(http, HttpMethod.Get, "api/me", "Nurse Berit", "correct horse"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
            Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
            Assert.Empty(locked.Headers.WwwAuthenticate);
            Assert.Contains("too many failed logins", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Kari, logged in before from this address, is not locked out by the guessing.
        using (var me = await SendAsync(http, HttpMethod.Get, "api/me", "Nurse Kari", "battery staple"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        Assert.Equal(4, audit.Entries.Count(e => e.Message.StartsWith("Login refused for operator 'Nurse Berit' from 127.0.0.1", StringComparison.Ordinal)));

        // Kari is removed from the file, no restart: refused within seconds, and her open live feed ends.
        File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith("Nurse Kari:", StringComparison.Ordinal)));
        var refused = HttpStatusCode.OK;
        for (var tries = 0; tries < 300 && refused == HttpStatusCode.OK; tries++)
        {
            await Task.Delay(100);
            using var again = await SendAsync(http, HttpMethod.Get, "api/me", "Nurse Kari", "battery staple");
            refused = again.StatusCode;
        }

        Assert.True(refused is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"Kari still gets {refused} 30 s after her removal");
        using var feedEnds = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await feedText.ReadToEndAsync(feedEnds.Token);
    }

    [Fact]
    public void The_accounts_file_keeps_only_salted_pbkdf2_hashes_and_refuses_bad_lines_by_number()
    {
        var path = Path.Combine(_dir, "operators");
        Assert.True(OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", FastIterations));
        Assert.True(OperatorAccounts.AddOrReplace(path, "Nurse Kari", "battery staple", FastIterations));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var text = File.ReadAllText(path);
        Assert.DoesNotContain("correct horse", text, StringComparison.Ordinal);
        Assert.Matches("^Nurse Berit:pbkdf2-sha256:10000:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}\n", text);

        var accounts = OperatorAccounts.Load(path);
        Assert.Equal(2, accounts.Count);
        Assert.True(accounts.Verify("Nurse Berit", "correct horse"));
        Assert.True(accounts.Verify("Nurse Berit", "correct horse"));
        Assert.False(accounts.Verify("Nurse Berit", "battery staple"));
        Assert.False(accounts.Verify("Nurse Kari", "correct horse"));
        Assert.False(accounts.Verify("Nobody", "correct horse"));

        // A new password replaces the old one in place.
        Assert.False(OperatorAccounts.AddOrReplace(path, "Nurse Berit", "a new password", FastIterations));
        var renewed = OperatorAccounts.Load(path);
        Assert.Equal(2, renewed.Count);
        Assert.True(renewed.Verify("Nurse Berit", "a new password"));
        Assert.False(renewed.Verify("Nurse Berit", "correct horse"));

        var good = OperatorAccounts.CreateEntry("Nurse Eva", "long enough", FastIterations);
        var parts = good.Split(':');
        foreach (var (line, expected) in new[]
        {
            ("Nurse Eva:plaintext", "line 2: expected NAME:pbkdf2-sha256"),
            ($"Nurse Eva:md5:{parts[2]}:{parts[3]}:{parts[4]}", "line 2: unknown hash scheme 'md5'"),
            ($"Nurse Eva:pbkdf2-sha256:99:{parts[3]}:{parts[4]}", "line 2: iterations must be"),
            ($"Nurse Eva:pbkdf2-sha256:{parts[2]}:not*base64:{parts[4]}", "line 2: salt and hash must be base64"),
            ($" Nurse Eva :pbkdf2-sha256:{parts[2]}:{parts[3]}:{parts[4]}", "line 2: ' Nurse Eva ' is not a valid operator name"),
            (good, "line 2: operator 'Nurse Eva' is listed twice"),
        })
        {
            var bad = Path.Combine(_dir, "bad");
            File.WriteAllLines(bad, [good, line]);
            var ex = Assert.Throws<FormatException>(() => OperatorAccounts.Load(bad));
            Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        }

        var empty = Path.Combine(_dir, "empty");
        File.WriteAllText(empty, "# nobody yet\n");
        Assert.Contains("add-operator", Assert.Throws<FormatException>(() => OperatorAccounts.Load(empty)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OperatorAccounts.CreateEntry("Nurse:Eva", "long enough"));
        Assert.Throws<ArgumentException>(() => OperatorAccounts.CreateEntry("Nurse Eva", "short"));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string name, string password, string? body = null)
    {
        using var request = LoginRequests.Create(method, path, name, password, body);
        return await http.SendAsync(request);
    }

    private OperatorAccounts Accounts(params (string Name, string Password)[] operators)
    {
        var path = Path.Combine(_dir, $"accounts-{Guid.NewGuid():N}");
        foreach (var (name, password) in operators)
        {
            OperatorAccounts.AddOrReplace(path, name, password, FastIterations);
        }

        return OperatorAccounts.Load(path);
    }

    /// <summary>A self-signed server certificate for 127.0.0.1, made in the test.</summary>
    internal static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=duty-centre.test", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS#12 so the key is usable by the TLS stack (as --web-cert/--web-key's PEM load gives it).
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
