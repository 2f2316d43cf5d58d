using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Centre.Tests;

/// <summary><c>edgegateway central</c> refuses bad options with a message naming the option, before it touches the broker or the archive.</summary>
public sealed class CentralCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("central-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--web", "0.0.0.0:8080", "--web: 0.0.0.0:8080 is not a loopback address: serving other hosts needs TLS (--web-cert and --web-key, PEM) and operator accounts (--web-accounts FILE")]
    [InlineData("--web", "192.168.1.20:8443", "--web: 192.168.1.20:8443 is not a loopback address: serving other hosts needs TLS")]
    [InlineData("--web-accounts", "operators", "--web-cert, --web-key and --web-accounts need --web ADDRESS:PORT")]
    [InlineData("--web", "localhost", "--web: 'localhost' is not ADDRESS:PORT")]
    [InlineData("--daily-test-by", "25:00", "--daily-test-by '25:00' is invalid")]
    [InlineData("--offline-grace", "-1", "--offline-grace -1 is invalid")]
    [InlineData("--mass-outage-homes", "-1", "--mass-outage-homes -1 is invalid: expected 0 (no grouping) or more homes")]
    [InlineData("--escalation-webhook", "ftp://x/", "--escalation-webhook 'ftp://x/' is invalid")]
    [InlineData("--store", "postgres://", "--store postgres://: cannot open the archive")]
    [InlineData("--vapid-subject", "mailto:duty@example.org", "--vapid-subject needs --vapid-key FILE")]
    [InlineData("--sms-signoff", "Oslo duty centre", "--sms-signoff needs --sms-modem")]
    [InlineData("--releases-dir", "/nonexistent/releases", "--releases-dir '/nonexistent/releases' is invalid: no such directory")]
    [InlineData("--release-key", "/nonexistent/release.pub", "--release-key needs --releases-dir: the directory the signed archives are in")]
    public async Task A_bad_option_is_refused_with_its_name_and_leaves_no_archive(string option, string value, string expected)
    {
        var store = Path.Combine(_dir, "centre.db");
        var args = option == "--store" ? new[] { "central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", option, value } : ["central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", "--store", store, option, value];
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }

    [Fact]
    public async Task Vapid_key_needs_a_subject_refuses_a_file_without_a_p256_key_and_creates_a_missing_one_with_mode_0600_printing_its_public_key()
    {
        var store = Path.Combine(_dir, "centre.db");
        var vapid = Path.Combine(_dir, "vapid.pem");
        var common = new[] { "central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", "--store", store, "--vapid-key", vapid };

        var noSubject = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), common);
        Assert.Equal(2, noSubject.ExitCode);
        Assert.Contains("--vapid-subject is required with --vapid-key", noSubject.StdErr, StringComparison.Ordinal);
        var badSubject = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), [.. common, "--vapid-subject", "duty@example.org"]);
        Assert.Equal(2, badSubject.ExitCode);
        Assert.Contains("'duty@example.org' must be mailto:ADDRESS or an https:// URL", badSubject.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(vapid));

        using (var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384))
        {
            File.WriteAllText(vapid, p384.ExportECPrivateKeyPem());
        }

        var wrongCurve = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), [.. common, "--vapid-subject", "mailto:duty@example.org"]);
        Assert.Equal(2, wrongCurve.ExitCode);
        Assert.Contains("a VAPID key must be a P-256", wrongCurve.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(store));

        File.Delete(vapid);
        var created = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), [.. common, "--vapid-subject", "mailto:duty@example.org"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(vapid));
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", File.ReadAllText(vapid), StringComparison.Ordinal);
        Assert.Contains($"--vapid-key: created {vapid} (mode 0600) with a new key, public key {Centre.Push.VapidKey.Load(vapid).PublicKey}", created.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_loopback_tls_without_accounts_is_refused_and_a_cert_needs_its_key()
    {
        using var certificate = Web.CentreWebSecurityTests.SelfSigned();
        var cert = Path.Combine(_dir, "web.crt");
        var key = Path.Combine(_dir, "web.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        using (var privateKey = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(certificate)!)
        {
            File.WriteAllText(key, privateKey.ExportPkcs8PrivateKeyPem());
        }

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var store = Path.Combine(_dir, "centre.db");
        var common = new[] { "central", "--broker", "mqtt://127.0.0.1:1", "--plain-loopback-demo", "--store", store };

        var noAccounts = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), [.. common, "--web", "0.0.0.0:8443", "--web-cert", cert, "--web-key", key]);
        Assert.Equal(2, noAccounts.ExitCode);
        Assert.Contains("needs operator accounts (--web-accounts FILE", noAccounts.StdErr, StringComparison.Ordinal);
        var noKey = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), [.. common, "--web", "127.0.0.1:8443", "--web-cert", cert]);
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("--web-cert needs --web-key", noKey.StdErr, StringComparison.Ordinal);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var openKey = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), [.. common, "--web", "127.0.0.1:8443", "--web-cert", cert, "--web-key", key]);
        Assert.Equal(2, openKey.ExitCode);
        Assert.Contains("--web-key", openKey.StdErr, StringComparison.Ordinal);
        Assert.Contains("chmod 600", openKey.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(store));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Central_serves_the_page_over_https_from_pem_files_and_asks_for_an_operator_login()
    {
        using var certificate = Web.CentreWebSecurityTests.SelfSigned();
        var cert = Path.Combine(_dir, "web.crt");
        var key = Path.Combine(_dir, "web.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        using (var privateKey = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(certificate)!)
        {
            File.WriteAllText(key, privateKey.ExportPkcs8PrivateKeyPem());
        }

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Nurse Berit", "correct horse", 10_000);
        await using var broker = await MosquittoBroker.StartAsync();
        var port = MosquittoBroker.FreePort();
        await using var central = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--store", Path.Combine(_dir, "centre.db"),
            "--web", $"127.0.0.1:{port}", "--web-cert", cert, "--web-key", key, "--web-accounts", accounts);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!central.StdErr.Contains("JSON API on", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !central.HasExited, $"central did not start its page: {central.StdErr}");
            await Task.Delay(100);
        }

        Assert.Contains($"the nurses' page on https://127.0.0.1:{port}/ (operator login required)", central.StdErr, StringComparison.Ordinal);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        using (var anonymous = await http.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("Nurse Berit:correct horse")));
        using var page = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Duty centre</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_operator_writes_a_hash_the_centre_accepts_and_replaces_it_on_a_new_password()
    {
        var accounts = Path.Combine(_dir, "operators");
        var password = Path.Combine(_dir, "password");
        File.WriteAllText(password, "correct horse\n");
        var added = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Nurse Berit", "--role", "nurse", "--password-file", password, "--iterations", "10000");
        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.Contains("added operator 'Nurse Berit'", added.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", File.ReadAllText(accounts), StringComparison.Ordinal);
        Assert.True(OperatorAccounts.Load(accounts).Verify("Nurse Berit", "correct horse"));

        File.WriteAllText(password, "battery staple\n");
        var renewed = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Nurse Berit", "--password-file", password, "--iterations", "10000");
        Assert.Equal(0, renewed.ExitCode);
        Assert.Contains("new password for operator 'Nurse Berit'", renewed.StdErr, StringComparison.Ordinal);
        var loaded = OperatorAccounts.Load(accounts);
        Assert.Equal(1, loaded.Count);
        Assert.True(loaded.Verify("Nurse Berit", "battery staple"));

        File.WriteAllText(password, "short\n");
        var tooShort = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Nurse Kari", "--role", "nurse", "--password-file", password);
        Assert.Equal(2, tooShort.ExitCode);
        Assert.Contains("at least 8 characters", tooShort.StdErr, StringComparison.Ordinal);
        var badName = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Nurse:Kari", "--role", "nurse", "--password-file", password);
        Assert.Equal(2, badName.ExitCode);
        Assert.Contains("--name: 'Nurse:Kari' is not a valid operator name", badName.StdErr, StringComparison.Ordinal);
        Assert.Equal(1, OperatorAccounts.Load(accounts).Count);
    }

    [Fact]
    public async Task Add_operator_needs_a_known_role_for_a_new_operator_and_role_alone_rewrites_an_existing_ones_roles()
    {
        var accounts = Path.Combine(_dir, "operators");
        var password = Path.Combine(_dir, "password");
        File.WriteAllText(password, "correct horse\n");
        var noRole = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Tor", "--password-file", password, "--iterations", "10000");
        Assert.Equal(2, noRole.ExitCode);
        Assert.Contains("--role is required for a new operator: one or more of nurse, coordinator, technician, auditor", noRole.StdErr, StringComparison.Ordinal);
        var unknown = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Tor", "--role", "nurse,janitor", "--password-file", password, "--iterations", "10000");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--role: unknown role 'janitor'; valid roles: nurse, coordinator, technician, auditor", unknown.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(accounts));

        var added = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Tor", "--role", "nurse,technician", "--password-file", password, "--iterations", "10000");
        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.Equal(OperatorRoles.Nurse | OperatorRoles.Technician, OperatorAccounts.Load(accounts).RolesOf("Tor"));

        // No password asked (stdin is empty): only the roles change, the hash stays.
        var hash = File.ReadAllText(accounts).Split(':')[4];
        var retrained = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Tor", "--role", "auditor");
        Assert.True(retrained.ExitCode == 0, retrained.StdErr);
        Assert.Contains("now has the roles auditor; the password is unchanged", retrained.StdErr, StringComparison.Ordinal);
        var loaded = OperatorAccounts.Load(accounts);
        Assert.Equal(OperatorRoles.Auditor, loaded.RolesOf("Tor"));
        Assert.Equal(hash, File.ReadAllText(accounts).Split(':')[4]);
        Assert.True(loaded.Verify("Tor", "correct horse"));
    }

    [Fact]
    public async Task Add_operator_zones_are_written_with_a_new_operator_changed_alone_on_an_existing_one_and_all_lifts_them()
    {
        var accounts = Path.Combine(_dir, "operators");
        var password = Path.Combine(_dir, "password");
        File.WriteAllText(password, "correct horse\n");
        var bad = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Kari", "--role", "nurse", "--zones", "north,Oslo", "--password-file", password, "--iterations", "10000");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--zones: 'Oslo' is not a valid zone", bad.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(accounts));

        var added = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Kari", "--role", "nurse", "--zones", "oslo-sentrum,north", "--password-file", password, "--iterations", "10000");
        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.Contains("added operator 'Kari' to", added.StdErr, StringComparison.Ordinal);
        Assert.EndsWith(":roles=nurse:zones=north,oslo-sentrum", File.ReadAllText(accounts).TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(["north", "oslo-sentrum"], OperatorAccounts.Load(accounts).ZonesOf("Kari")!.Order(StringComparer.Ordinal));

        // No password asked (stdin is empty): only the zones change, the hash and roles stay; then zones and roles together.
        var hash = File.ReadAllText(accounts).Split(':')[4];
        var moved = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Kari", "--zones", "south");
        Assert.True(moved.ExitCode == 0, moved.StdErr);
        Assert.Contains("operator 'Kari' in " + accounts + " now sees the zones south; the password is unchanged", moved.StdErr, StringComparison.Ordinal);
        var loaded = OperatorAccounts.Load(accounts);
        Assert.Equal(["south"], loaded.ZonesOf("Kari"));
        Assert.Equal(OperatorRoles.Nurse, loaded.RolesOf("Kari"));
        Assert.Equal(hash, File.ReadAllText(accounts).Split(':')[4]);
        var both = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Kari", "--role", "coordinator", "--zones", "east");
        Assert.True(both.ExitCode == 0, both.StdErr);
        loaded = OperatorAccounts.Load(accounts);
        Assert.Equal(["east"], loaded.ZonesOf("Kari"));
        Assert.Equal(OperatorRoles.Coordinator, loaded.RolesOf("Kari"));

        var badExisting = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Kari", "--zones", "all,north");
        Assert.Equal(2, badExisting.ExitCode);
        Assert.Contains("--zones: 'all' is not a valid zone: it means every zone", badExisting.StdErr, StringComparison.Ordinal);
        Assert.Equal(["east"], OperatorAccounts.Load(accounts).ZonesOf("Kari"));

        var all = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "add-operator", "--accounts", accounts, "--name", "Kari", "--zones", "all");
        Assert.True(all.ExitCode == 0, all.StdErr);
        Assert.Contains("now sees every zone", all.StdErr, StringComparison.Ordinal);
        Assert.EndsWith(":roles=coordinator", File.ReadAllText(accounts).TrimEnd(), StringComparison.Ordinal);
        Assert.Null(OperatorAccounts.Load(accounts).ZonesOf("Kari"));
        Assert.True(OperatorAccounts.Load(accounts).Verify("Kari", "correct horse"));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Take_as_takes_each_new_alarm_through_the_centre_so_the_archive_records_who_took_it()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var store = Path.Combine(_dir, "centre.db");
        await using var watcher = await TestCentre.ConnectAsync(broker.Url, "take-as-home");
        await using var central = CliProcess.Start("central", "--broker", broker.Url, "--plain-loopback-demo", "--store", store, "--take-as", "Nurse Berit");
        await using var gateway = CliProcess.Start("run", "--config", AlarmingGateway.WriteConfig(_dir, broker.Url, "take-as-home"));
        await gateway.WaitForLineAsync("Alarm loop armed", TimeSpan.FromSeconds(60));
        var alarm = await watcher.NextEventAsync("org.edgegateway.alarm.inactivity");
        var taken = await watcher.StatusUntilAsync(s => s.GetProperty("alarms").EnumerateArray().Any(a => a.GetProperty("id").GetGuid() == alarm && a.GetProperty("state").GetString() == "taken")
            && s.GetProperty("states").GetProperty("buzzer").GetString() is not ("Alarm" or "AlarmDelivered" or "PreAlarm"));
        Assert.Equal("AlarmTaken", taken.GetProperty("states").GetProperty("buzzer").GetString());

        // The archive says who took it, like a take on the page: the alarm's lifecycle and the operator action.
        await using (var archive = await SqliteArchive.OpenAsync(store))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((await archive.AlarmAsync(alarm))?.State != AlarmStates.Taken)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the archive never recorded the take: {await archive.AlarmAsync(alarm)}; central: {central.StdErr}");
                await Task.Delay(100);
            }

            var record = (await archive.AlarmAsync(alarm))!;
            Assert.Equal("Nurse Berit", record.TakenBy);
            Assert.NotNull(record.TakenAt);
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!(await archive.ActionsAsync(10)).Any(a => a.Action == "take" && a.Alarm == alarm))
            {
                Assert.True(DateTime.UtcNow < deadline, "no take among the operator actions");
                await Task.Delay(100);
            }

            var take = (await archive.ActionsAsync(10)).Single(a => a.Action == "take" && a.Alarm == alarm);
            Assert.Equal(("Nurse Berit", "take-as-home", "ok"), (take.Operator, take.Gateway, take.Outcome));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
