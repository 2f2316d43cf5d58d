using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The resident record over the JSON API (issue 29), on a real centre and SQLite archive without logins (the operator is
/// named in the body or query): every field checked, sealed in the database file, a summary on lists, the whole record
/// with its access codes only to the nurse who took an open alarm, export and erase, every whole read in the audit log.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class ResidentApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "resident-home";

    /// <summary>A whole, valid record as the page sends it.</summary>
    internal const string Ingrid = """
        {"operator":"Coordinator Cora","name":"Ingrid Hansen","born":"1938-04-12","language":"Norwegian","phone":"+47 912 34 567",
         "address":{"street":"Storgata 1","postcode":"0155","city":"Oslo","floor":"3","door":"3B"},
         "access":{"key_safe":"left of the back door","key_safe_code":"4711","door_code":"1234","notes":"ring twice"},
         "next_of_kin":[{"name":"Kari Hansen","relation":"daughter","phone":"+47 913 00 001"},{"name":"Per Olsen","relation":"neighbour","phone":"+47 913 00 002"}],
         "gp":{"name":"Dr. Lie","phone":"+47 22 00 00 00"},"care_notes":"Hard of hearing.","zone":"north"}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("resident-api-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { ResidentKey = ResidentKey.Generate() }, loggers: _logs);
        _http.BaseAddress = _centre.Web.Url;
        await _centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), _centre.Centre.Time.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await _http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone(), response);
    }

    private async Task<JsonElement> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, string? body = null)
    {
        var (status, json, response) = await SendAsync(method, path, body);
        response.Dispose();
        Assert.True(status == expected, $"{method} {path}: {(int)status} {json}");
        return json;
    }

    private async Task<Guid> RaiseAsync(string key) =>
        (await _centre!.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm(key, Home, SupervisionTypes.Offline, 2, $"gateway {Home} offline", _centre.Centre.Time.GetUtcNow())))!.Id;

    private async Task<IReadOnlyList<string>> AuditAsync() =>
        (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/audit")).EnumerateArray().Select(a => $"{a.GetProperty("action").GetString()} {a.GetProperty("operator").GetString()}").ToList();

    [Fact]
    public async Task Every_field_is_checked_each_problem_is_named_by_its_path_and_a_refused_record_stores_nothing()
    {
        var bad = """
            {"operator":"Coordinator Cora","name":"  ","born":"12.04.1938","phone":"912 34 567","address":{"street":"Storgata 1"},
             "access":{"door_code":"12 34"},"next_of_kin":[{"name":"Kari","relation":"daughter","phone":"+47 1"},"Per"],
             "gp":{"name":"Dr. Lie"},"zone":"North","shoe_size":41}
            """;
        var problem = await ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/residents/{Home}", bad);
        var errors = problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("detail").GetString()!);
        Assert.Equal(
            ["shoe_size", "name", "born", "phone", "address.city", "access.door_code", "next_of_kin[0].phone", "next_of_kin[1]", "gp.phone", "zone"],
            errors.Keys);
        Assert.Equal("'name' is required", errors["name"]);
        Assert.StartsWith("'phone' must be an international number: + and 8 to 15 digits", errors["phone"], StringComparison.Ordinal);
        Assert.StartsWith("'born' must be a date as yyyy-MM-dd", errors["born"], StringComparison.Ordinal);
        Assert.Contains("'North' is not a valid zone", errors["zone"], StringComparison.Ordinal);
        Assert.Equal(("shoe_size", 400), (problem.GetProperty("field").GetString(), problem.GetProperty("status").GetInt32()));

        var future = Ingrid.Replace("1938-04-12", "2999-01-01", StringComparison.Ordinal);
        Assert.Equal("born", (await ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/residents/{Home}", future)).GetProperty("field").GetString());
        var noOperator = Ingrid.Replace("\"operator\":\"Coordinator Cora\",", "", StringComparison.Ordinal);
        Assert.Equal("operator", (await ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/residents/{Home}", noOperator)).GetProperty("field").GetString());
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Put, "api/residents/no-such-home", Ingrid);

        Assert.Null(await _centre!.Archive.ResidentAsync(Home));
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/residents/{Home}?operator=Coordinator%20Cora");
        Assert.DoesNotContain(await AuditAsync(), a => a.StartsWith("resident-save", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_saved_record_is_sealed_in_the_database_file_and_lists_carry_only_its_summary_without_codes()
    {
        var saved = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/residents/{Home}", Ingrid);
        Assert.Equal(("Ingrid Hansen", "Coordinator Cora", "4711"), (saved.GetProperty("name").GetString(), saved.GetProperty("updated_by").GetString(), saved.GetProperty("access").GetProperty("key_safe_code").GetString()));

        // The database file (and its write-ahead log) holds none of it in the clear; the row is the seal alone.
        await _centre!.Archive.EventCountAsync();
        var files = Directory.GetFiles(_dir, "centre.db*");
        var bytes = string.Join("\n", files.Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        foreach (var secret in new[] { "Ingrid", "Storgata", "4711", "1234", "912 34 567", "Kari Hansen", "Hard of hearing" })
        {
            Assert.DoesNotContain(secret, bytes, StringComparison.Ordinal);
        }

        Assert.StartsWith("r1.", (await _centre.Archive.ResidentAsync(Home))!.Sealed, StringComparison.Ordinal);

        var alarm = await RaiseAsync("offline:resident-home:1");
        var listed = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/alarms")).EnumerateArray().Single(a => a.GetProperty("id").GetString() == alarm.ToString("D"));
        var home = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/gateways")).EnumerateArray().Single(g => g.GetProperty("id").GetString() == Home);
        var one = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/alarms/{alarm}");
        foreach (var resident in new[] { listed.GetProperty("resident"), home.GetProperty("resident"), one.GetProperty("resident") })
        {
            Assert.Equal("Ingrid Hansen", resident.GetProperty("name").GetString());
            Assert.Equal("Storgata 1, floor 3, door 3B, 0155 Oslo", resident.GetProperty("address").GetString());
            Assert.Equal("key safe: left of the back door · door code · ring twice", resident.GetProperty("access").GetString());
            Assert.Equal("north", resident.GetProperty("zone").GetString());
            Assert.InRange(resident.GetProperty("age").GetInt32(), 87, 120);
            Assert.DoesNotContain("4711", resident.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("Kari", resident.GetRawText(), StringComparison.Ordinal);
        }

        // Lists are no whole reads: only the save is in the audit log.
        Assert.Equal(["resident-save Coordinator Cora"], await AuditAsync());
    }

    [Fact]
    public async Task Only_the_nurse_who_took_an_open_alarm_sees_the_access_codes_and_each_view_is_audited()
    {
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/residents/{Home}", Ingrid);
        var alarm = await RaiseAsync("offline:resident-home:2");
        var path = $"api/alarms/{alarm}/resident?operator=Nurse%20Berit";

        Assert.EndsWith("nobody has taken it yet", (await ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, path)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/alarms/{alarm}/take", """{"operator":"Nurse Berit"}""");
        Assert.EndsWith("another nurse has taken it", (await ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"api/alarms/{alarm}/resident?operator=Nurse%20Nils")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/alarms/{alarm}/resident");

        var whole = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path);
        Assert.Equal(("4711", "1234"), (whole.GetProperty("access").GetProperty("key_safe_code").GetString(), whole.GetProperty("access").GetProperty("door_code").GetString()));
        Assert.Equal(["Kari Hansen", "Per Olsen"], whole.GetProperty("next_of_kin").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        Assert.Equal("+47 22 00 00 00", whole.GetProperty("gp").GetProperty("phone").GetString());

        var view = (await _centre!.Archive.ActionsAsync(10))[0];
        Assert.Equal(("resident-view", "Nurse Berit", Home, (Guid?)alarm), (view.Action, view.Operator, view.Gateway, view.Alarm));

        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/alarms/{alarm}/clear", """{"operator":"Nurse Berit","reason":"false alarm"}""");
        Assert.EndsWith("it is cleared", (await ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, path)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await _centre.Archive.ActionsAsync(20)).Count(a => a.Action == "resident-view"));
    }

    [Fact]
    public async Task Export_holds_the_record_and_the_homes_alarms_and_erase_removes_the_record_both_audited()
    {
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/residents/{Home}", Ingrid);
        var alarm = await RaiseAsync("offline:resident-home:3");
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/alarms/{alarm}/notes", """{"operator":"Nurse Berit","text":"called her daughter"}""");

        var (status, export, response) = await SendAsync(HttpMethod.Get, $"api/residents/{Home}/export?operator=Coordinator%20Cora");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("attachment; filename=\"resident-resident-home.json\"", response.Content.Headers.ContentDisposition?.ToString());
        }

        Assert.Equal("Ingrid Hansen", export.GetProperty("resident").GetProperty("name").GetString());
        var exported = Assert.Single(export.GetProperty("alarms").EnumerateArray());
        Assert.Equal("called her daughter", exported.GetProperty("notes")[0].GetProperty("text").GetString());

        var erased = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/residents/{Home}/erase", """{"operator":"Coordinator Cora"}""");
        Assert.True(erased.GetProperty("erased").GetBoolean());
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/residents/{Home}/erase", """{"operator":"Coordinator Cora"}""");
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/residents/{Home}?operator=Coordinator%20Cora");
        Assert.Null(await _centre!.Archive.ResidentAsync(Home));
        var home = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/gateways")).EnumerateArray().Single(g => g.GetProperty("id").GetString() == Home);
        Assert.Equal(JsonValueKind.Null, home.GetProperty("resident").ValueKind);

        Assert.Equal(["resident-erase Coordinator Cora", "resident-export Coordinator Cora", "note Nurse Berit", "resident-save Coordinator Cora"], await AuditAsync());
    }
}
