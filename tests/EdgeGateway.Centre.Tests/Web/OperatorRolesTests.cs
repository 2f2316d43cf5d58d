using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Roles (issue 29): the accounts file carries them, old lines read as nurse, and with logins the API refuses (403, naming
/// the role) what the operator's roles do not cover; without logins everything is allowed as before. Real centre, real
/// SQLite archive, HTTPS with login on 127.0.0.1.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class OperatorRolesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FastIterations = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("operator-roles-").FullName;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync() => _centre = await CentreFixture.StartAsync(_dir, [], web: false, loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public void An_old_line_reads_as_nurse_several_roles_are_kept_and_a_bad_role_is_named_with_its_line()
    {
        var path = Path.Combine(_dir, "operators");
        var old = OperatorAccounts.CreateEntry("Nurse Berit", "correct horse", FastIterations);
        Assert.Equal(5, old.Split(':').Length);
        var both = OperatorAccounts.CreateEntry("Tor", "long enough", OperatorRoles.Nurse | OperatorRoles.Technician, FastIterations);
        Assert.EndsWith(":roles=nurse,technician", both, StringComparison.Ordinal);
        File.WriteAllLines(path, [old, both]);

        var accounts = OperatorAccounts.Load(path);
        Assert.Equal(OperatorRoles.Nurse, accounts.RolesOf("Nurse Berit"));
        Assert.Equal(OperatorRoles.Nurse | OperatorRoles.Technician, accounts.RolesOf("Tor"));
        Assert.Equal(["Nurse Berit"], accounts.DefaultedToNurse);
        Assert.True(accounts.Verify("Tor", "long enough"));

        // Roles alone are rewritten, the password hash stays; a new password keeps the roles.
        OperatorAccounts.SetRoles(path, "Nurse Berit", OperatorRoles.Auditor | OperatorRoles.Coordinator);
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "a new password", FastIterations);
        var changed = OperatorAccounts.Load(path);
        Assert.Equal(OperatorRoles.Coordinator | OperatorRoles.Auditor, changed.RolesOf("Nurse Berit"));
        Assert.True(changed.Verify("Nurse Berit", "a new password"));
        Assert.Empty(changed.DefaultedToNurse);

        foreach (var (line, expected) in new[]
        {
            (both.Replace("roles=nurse,technician", "roles=nurse,janitor", StringComparison.Ordinal), "line 2: unknown role 'janitor'; valid roles: nurse, coordinator, technician, auditor"),
            (both.Replace("roles=nurse,technician", "roles=", StringComparison.Ordinal), "line 2: unknown role ''"),
            (both.Replace("roles=nurse,technician", "nurse", StringComparison.Ordinal), "line 2: the sixth field must be roles=ROLE[,ROLE], got 'nurse'"),
        })
        {
            var bad = Path.Combine(_dir, "bad");
            File.WriteAllLines(bad, [old, line]);
            Assert.StartsWith(expected, Assert.Throws<FormatException>(() => OperatorAccounts.Load(bad)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_logins_each_action_needs_its_role_and_an_auditor_reads_the_take_in_the_audit_log()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators-api");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", OperatorRoles.Nurse, FastIterations);
        OperatorAccounts.AddOrReplace(path, "Tor", "tech password", OperatorRoles.Technician, FastIterations);
        OperatorAccounts.AddOrReplace(path, "Aud", "audit password", OperatorRoles.Auditor, FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        await _centre.Archive.RecordStatusAsync("roles-home", "online", Guid.NewGuid(), DateTimeOffset.UtcNow);
        var alarm = (await _centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm("offline:roles-home:1", "roles-home", SupervisionTypes.Offline, 2, "gateway roles-home offline", DateTimeOffset.UtcNow)))!;

        // /api/me tells the page what to show.
        var me = await JsonAsync(http, HttpMethod.Get, "api/me", "Tor", "tech password", HttpStatusCode.OK);
        Assert.Equal(["technician"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // A technician: no step on an alarm, but the gateway test.
        var steps = new[]
        {
            ("take", "{}"), ("clear", """{"reason":"false alarm"}"""), ("notes", """{"text":"on my way"}"""),
            ("callbacks", """{"outcome":"answered"}"""), ("help", """{"text":"night patrol"}"""), ("arrived", "{}"),
        };
        foreach (var (step, body) in steps)
        {
            var refused = await JsonAsync(http, HttpMethod.Post, $"api/alarms/{alarm.Id}/{step}", "Tor", "tech password", HttpStatusCode.Forbidden, body);
            Assert.Equal($"{step} needs the role nurse; Tor has technician", refused.GetProperty("detail").GetString());
            Assert.Equal("role", refused.GetProperty("field").GetString());
        }

        Assert.Equal(AlarmStates.Raised, (await _centre.Archive.AlarmAsync(alarm.Id))!.State);
        var test = await JsonAsync(http, HttpMethod.Post, "api/gateways/roles-home/test", "Tor", "tech password", HttpStatusCode.OK, "{}");
        Assert.Equal("not_sent", test.GetProperty("command").GetProperty("status").GetString());
        var audit = await JsonAsync(http, HttpMethod.Get, "api/audit", "Tor", "tech password", HttpStatusCode.Forbidden);
        Assert.Equal("the audit log needs the role auditor; Tor has technician", audit.GetProperty("detail").GetString());

        // A nurse: the alarm, but neither the gateway test nor the audit log; reads stay open to her.
        await JsonAsync(http, HttpMethod.Post, $"api/alarms/{alarm.Id}/take", "Nurse Berit", "correct horse", HttpStatusCode.OK, "{}");
        var noTest = await JsonAsync(http, HttpMethod.Post, "api/gateways/roles-home/test", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden, "{}");
        Assert.Equal("gateway test needs the role technician; Nurse Berit has nurse", noTest.GetProperty("detail").GetString());
        await JsonAsync(http, HttpMethod.Get, "api/audit", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden);

        // Routing ignores case and a trailing slash; the check goes by the route matched, so no spelling slips past it.
        await JsonAsync(http, HttpMethod.Get, "API/Audit/", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden);
        await JsonAsync(http, HttpMethod.Post, $"Api/Alarms/{alarm.Id}/CLEAR", "Tor", "tech password", HttpStatusCode.Forbidden, """{"reason":"false alarm"}""");
        await JsonAsync(http, HttpMethod.Get, $"api/alarms/{alarm.Id}", "Aud", "audit password", HttpStatusCode.OK);
        await JsonAsync(http, HttpMethod.Get, "api/gateways", "Tor", "tech password", HttpStatusCode.OK);

        // The auditor sees the take (newest first), and a bad limit is named.
        var log = await JsonAsync(http, HttpMethod.Get, "api/audit?limit=10", "Aud", "audit password", HttpStatusCode.OK);
        Assert.Equal([("take", "Nurse Berit"), ("test", "Tor")], log.EnumerateArray().Select(a => (a.GetProperty("action").GetString(), a.GetProperty("operator").GetString())));
        Assert.Equal(alarm.Id.ToString("D"), log[0].GetProperty("alarm").GetString());
        var badLimit = await JsonAsync(http, HttpMethod.Get, "api/audit?limit=501", "Aud", "audit password", HttpStatusCode.BadRequest);
        Assert.Equal("limit", badLimit.GetProperty("field").GetString());
        Assert.Equal(1, (await JsonAsync(http, HttpMethod.Get, "api/audit?limit=1", "Aud", "audit password", HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Without_logins_every_action_and_the_audit_log_are_allowed_and_me_lists_every_role()
    {
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), CentreWebSecurity.None, _logs.Logger);
        using var http = new HttpClient { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
        await _centre.Archive.RecordStatusAsync("open-home", "online", Guid.NewGuid(), DateTimeOffset.UtcNow);
        var alarm = (await _centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm("offline:open-home:1", "open-home", SupervisionTypes.Offline, 2, "gateway open-home offline", DateTimeOffset.UtcNow)))!;

        var me = await JsonAsync(http, HttpMethod.Get, "api/me", null, null, HttpStatusCode.OK);
        Assert.False(me.GetProperty("login").GetBoolean());
        Assert.Equal(["nurse", "coordinator", "technician", "auditor"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await JsonAsync(http, HttpMethod.Post, $"api/alarms/{alarm.Id}/take", null, null, HttpStatusCode.OK, """{"operator":"Nurse Berit"}""");
        await JsonAsync(http, HttpMethod.Post, "api/gateways/open-home/test", null, null, HttpStatusCode.OK, """{"operator":"Tor"}""");
        var log = await JsonAsync(http, HttpMethod.Get, "api/audit", null, null, HttpStatusCode.OK);
        Assert.Equal(["test", "take"], log.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Operators_from_before_roles_are_named_once_at_startup_as_nurses()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators-old");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", FastIterations);
        OperatorAccounts.AddOrReplace(path, "Tor", "tech password", OperatorRoles.Technician, FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger }, _logs.Logger);

        var named = Assert.Single(_logs.Entries, e => e.EventId.Id == 3262);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, named.Level);
        Assert.Contains("'Nurse Berit' have lines from before roles and hold the role nurse", named.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Tor", named.Message, StringComparison.Ordinal);
    }

    private static Task<JsonElement> JsonAsync(HttpClient http, HttpMethod method, string path, string? name, string? password, HttpStatusCode expected, string? body = null) =>
        LoginRequests.JsonAsync(http, method, path, name, password, expected, body);
}
