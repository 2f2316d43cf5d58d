using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Zones (issue 29): the accounts file limits an operator to the homes of her zones, every rewrite of a line keeps the
/// fields it was not asked to change, and /api/me tells the page which zones she has. Real accounts files in a temp
/// folder; the /api/me tests run a real centre over HTTPS with login on 127.0.0.1.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class OperatorZonesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FastIterations = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("operator-zones-").FullName;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync() => _centre = await CentreFixture.StartAsync(_dir, [], web: false, loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Theory]
    [InlineData("north")]
    [InlineData("oslo-sentrum")]
    [InlineData("7")]
    [InlineData("1-etasje")]
    [InlineData("a234567890123456789012345678901234567890")]
    public void A_zone_of_lowercase_letters_digits_and_dashes_is_valid(string zone) => Assert.Null(ZoneNames.Validate(zone));

    [Theory]
    [InlineData("")]
    [InlineData("North")]
    [InlineData("-north")]
    [InlineData("oslo sentrum")]
    [InlineData("oslo_sentrum")]
    [InlineData("trøndelag")]
    [InlineData("a2345678901234567890123456789012345678901")]
    [InlineData("north:south")]
    public void A_zone_outside_the_alphabet_or_too_long_is_named_in_the_message(string zone) =>
        Assert.StartsWith($"'{zone}' is not a valid zone: 1 to 40 characters of a-z, 0-9 and '-'", ZoneNames.Validate(zone), StringComparison.Ordinal);

    [Fact]
    public void A_list_parses_trimmed_and_formats_sorted_and_all_or_a_bad_zone_is_refused_by_name()
    {
        var zones = ZoneNames.ParseList(" oslo-sentrum ,north,north");
        Assert.Equal(["north", "oslo-sentrum"], zones.Order(StringComparer.Ordinal));
        Assert.Equal("north,oslo-sentrum", ZoneNames.Format(zones));
        Assert.Equal(zones, ZoneNames.ParseList(ZoneNames.Format(zones)));

        Assert.Equal("'all' is not a valid zone: it means every zone", Assert.Throws<FormatException>(() => ZoneNames.ParseList("all")).Message);
        Assert.Equal("'all' is not a valid zone: it means every zone", ZoneNames.Validate("all"));
        Assert.StartsWith("'South' is not a valid zone", Assert.Throws<FormatException>(() => ZoneNames.ParseList("north,South")).Message, StringComparison.Ordinal);
        Assert.StartsWith("'' is not a valid zone", Assert.Throws<FormatException>(() => ZoneNames.ParseList("north,")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_zones_field_follows_the_roles_and_an_operator_without_it_sees_every_zone()
    {
        var path = Path.Combine(_dir, "operators");
        var old = OperatorAccounts.CreateEntry("Nurse Berit", "correct horse", FastIterations);
        var tor = OperatorAccounts.CreateEntry("Tor", "long enough", OperatorRoles.Technician, FastIterations);
        File.WriteAllLines(path, [old, tor + ":zones=south,north"]);

        var accounts = OperatorAccounts.Load(path);
        Assert.Null(accounts.ZonesOf("Nurse Berit"));
        Assert.Equal(["north", "south"], accounts.ZonesOf("Tor")!.Order(StringComparer.Ordinal));
        Assert.Equal(OperatorRoles.Technician, accounts.RolesOf("Tor"));
        Assert.Empty(accounts.ZonesOf("Nobody")!);

        foreach (var (line, expected) in new[]
        {
            (old + ":zones=north", "line 2: zones= must follow a roles= field"),
            (tor + ":zones=North", "line 2: 'North' is not a valid zone"),
            (tor + ":zones=", "line 2: '' is not a valid zone"),
            (tor + ":zones=all", "line 2: 'all' is not a valid zone: it means every zone"),
            (tor + ":north", "line 2: the seventh field must be zones=ZONE[,ZONE], got 'north'"),
            (tor + ":zones=north:extra", "line 2: expected NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH:roles=ROLE[,ROLE][:zones=ZONE[,ZONE]]"),
        })
        {
            var bad = Path.Combine(_dir, "bad");
            File.WriteAllLines(bad, [tor.Replace("Tor", "Kari", StringComparison.Ordinal), line]);
            Assert.StartsWith(expected, Assert.Throws<FormatException>(() => OperatorAccounts.Load(bad)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Set_zones_keeps_hash_and_roles_and_set_roles_and_a_new_password_keep_the_zones()
    {
        var path = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", FastIterations);
        OperatorAccounts.AddOrReplace(path, "Tor", "long enough", OperatorRoles.Nurse | OperatorRoles.Technician, FastIterations);
        var hashOf = (string name) => File.ReadAllLines(path).Single(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[4];
        var berit = hashOf("Nurse Berit");

        // A line from before roles gets its role nurse written out, since zones need the roles field before them.
        OperatorAccounts.SetZones(path, "Nurse Berit", ZoneNames.ParseList("north"));
        Assert.EndsWith(":roles=nurse:zones=north", File.ReadAllLines(path)[0], StringComparison.Ordinal);
        Assert.Equal(berit, hashOf("Nurse Berit"));
        var loaded = OperatorAccounts.Load(path);
        Assert.Equal(["north"], loaded.ZonesOf("Nurse Berit"));
        Assert.Equal(OperatorRoles.Nurse, loaded.RolesOf("Nurse Berit"));
        Assert.Empty(loaded.DefaultedToNurse);
        Assert.True(loaded.Verify("Nurse Berit", "correct horse"));
        Assert.Null(loaded.ZonesOf("Tor"));

        OperatorAccounts.SetZones(path, "Tor", ZoneNames.ParseList("south,oslo-sentrum"));
        OperatorAccounts.SetRoles(path, "Tor", OperatorRoles.Auditor);
        var tor = hashOf("Tor");
        OperatorAccounts.AddOrReplace(path, "Tor", "a new password", FastIterations);
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "a new password", OperatorRoles.Coordinator, FastIterations);
        loaded = OperatorAccounts.Load(path);
        Assert.Equal(["oslo-sentrum", "south"], loaded.ZonesOf("Tor")!.Order(StringComparer.Ordinal));
        Assert.Equal(OperatorRoles.Auditor, loaded.RolesOf("Tor"));
        Assert.NotEqual(tor, hashOf("Tor"));
        Assert.True(loaded.Verify("Tor", "a new password"));
        Assert.Equal(["north"], loaded.ZonesOf("Nurse Berit"));
        Assert.Equal(OperatorRoles.Coordinator, loaded.RolesOf("Nurse Berit"));

        // Null lifts the limit and leaves the rest of the line as it was.
        var before = File.ReadAllLines(path)[1];
        OperatorAccounts.SetZones(path, "Tor", null);
        Assert.Equal(before[..before.IndexOf(":zones=", StringComparison.Ordinal)], File.ReadAllLines(path)[1]);
        Assert.Null(OperatorAccounts.Load(path).ZonesOf("Tor"));

        Assert.Throws<ArgumentException>(() => OperatorAccounts.SetZones(path, "Nobody", null));
        Assert.Equal("give at least one zone, or null for every zone (Parameter 'zones')", Assert.Throws<ArgumentException>(() => OperatorAccounts.SetZones(path, "Tor", new HashSet<string>())).Message);
        Assert.StartsWith("'North' is not a valid zone", Assert.Throws<ArgumentException>(() => OperatorAccounts.SetZones(path, "Tor", new HashSet<string> { "North" })).Message, StringComparison.Ordinal);
        Assert.Null(OperatorAccounts.Load(path).ZonesOf("Tor"));
    }

    [Fact]
    public void A_new_operator_gets_her_zones_in_the_same_line_and_a_replaced_one_gets_the_zones_given()
    {
        var path = Path.Combine(_dir, "operators");
        Assert.True(OperatorAccounts.AddOrReplace(path, "Kari", "correct horse", OperatorRoles.Nurse, ZoneNames.ParseList("north"), FastIterations));
        Assert.EndsWith(":roles=nurse:zones=north", Assert.Single(File.ReadAllLines(path)), StringComparison.Ordinal);
        Assert.False(OperatorAccounts.AddOrReplace(path, "Kari", "battery staple", OperatorRoles.None, null, FastIterations));
        var loaded = OperatorAccounts.Load(path);
        Assert.Null(loaded.ZonesOf("Kari"));
        Assert.Equal(OperatorRoles.Nurse, loaded.RolesOf("Kari"));
        Assert.True(loaded.Verify("Kari", "battery staple"));
    }

    [Fact]
    public async Task Me_names_the_zones_of_the_logged_in_operator_and_null_for_one_without_zones()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators-api");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", OperatorRoles.Nurse, ZoneNames.ParseList("oslo-sentrum,north"), FastIterations);
        OperatorAccounts.AddOrReplace(path, "Tor", "tech password", OperatorRoles.Technician, FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        var berit = await MeAsync(http, "Nurse Berit", "correct horse");
        Assert.Equal(["north", "oslo-sentrum"], berit.GetProperty("zones").EnumerateArray().Select(z => z.GetString()));
        Assert.Equal(["nurse"], berit.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, (await MeAsync(http, "Tor", "tech password")).GetProperty("zones").ValueKind);
    }

    [Fact]
    public async Task Without_logins_me_gives_null_zones_as_every_zone_is_seen()
    {
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), CentreWebSecurity.None, _logs.Logger);
        using var http = new HttpClient { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
        var me = await MeAsync(http, null, null);
        Assert.False(me.GetProperty("login").GetBoolean());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("zones").ValueKind);
    }

    private static Task<JsonElement> MeAsync(HttpClient http, string? name, string? password) =>
        LoginRequests.JsonAsync(http, HttpMethod.Get, "api/me", name, password, HttpStatusCode.OK);
}
