using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// Handling an alarm step by step over the JSON API (issue 29): call-back, help on the way, arrived, the alarm's
/// timeline and the home's past alarms, on a real centre and SQLite archive. The alarms are the centre's own
/// (supervision), so take and clear need no gateway and no broker.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class AlarmTimelineApiTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "timeline-home";
    private readonly string _dir = Directory.CreateTempSubdirectory("alarm-timeline-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _centre = await CentreFixture.StartAsync(_dir, [], loggers: _logs);
        _http.BaseAddress = _centre.Web.Url;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    private async Task<Guid> RaiseAsync(string key) =>
        (await _centre!.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm(key, Home, SupervisionTypes.Offline, 2, $"gateway {Home} offline", _centre.Centre.Time.GetUtcNow())))!.Id;

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    private async Task<JsonElement> OkAsync(string path, string body)
    {
        var (status, result) = await PostAsync(path, body);
        Assert.True(status == HttpStatusCode.OK, $"{path} {body}: {status} {result}");
        return result;
    }

    [Fact]
    public async Task Each_step_is_recorded_under_its_operator_published_live_and_the_timeline_lists_every_step_in_order()
    {
        var id = await RaiseAsync("offline:timeline-home:1");
        using var feed = _centre!.Centre.Changes.Subscribe();
        await OkAsync($"api/alarms/{id}/take", """{"operator":"Nurse Berit"}""");

        var callback = await OkAsync($"api/alarms/{id}/callbacks", """{"operator":"Nurse Berit","outcome":"no-answer"}""");
        Assert.Equal(("callback", "no-answer", JsonValueKind.Null, "Nurse Berit"),
            (callback.GetProperty("step").GetProperty("kind").GetString(), callback.GetProperty("step").GetProperty("outcome").GetString(), callback.GetProperty("step").GetProperty("text").ValueKind, callback.GetProperty("step").GetProperty("operator").GetString()));
        Assert.Equal("callback", callback.GetProperty("alarm").GetProperty("timeline").EnumerateArray().Last().GetProperty("kind").GetString());
        await OkAsync($"api/alarms/{id}/notes", """{"operator":"Nurse Berit","text":"no answer on her landline; trying her daughter"}""");
        await OkAsync($"api/alarms/{id}/callbacks", """{"operator":"Nurse Kari","outcome":"answered","text":"the daughter: she was fine at 20:00"}""");
        await OkAsync($"api/alarms/{id}/help", """{"operator":"Nurse Kari","text":"night patrol, car 2"}""");
        var arrived = await OkAsync($"api/alarms/{id}/arrived", """{"operator":"Nurse Kari"}""");
        Assert.Equal("arrived", arrived.GetProperty("step").GetProperty("kind").GetString());
        await OkAsync($"api/alarms/{id}/clear", """{"operator":"Nurse Kari","reason":"help given"}""");

        // Every line, in order, with who did it and what they wrote.
        var timeline = (await GetAsync($"api/alarms/{id}")).GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["raised", "taken", "callback", "note", "callback", "help", "arrived", "cleared"], timeline.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([null, "Nurse Berit", "Nurse Berit", "Nurse Berit", "Nurse Kari", "Nurse Kari", "Nurse Kari", "Nurse Kari"], timeline.Select(e => e.GetProperty("operator").GetString()));
        Assert.Equal(("no-answer", "answered"), (timeline[2].GetProperty("outcome").GetString(), timeline[4].GetProperty("outcome").GetString()));
        Assert.Equal(("night patrol, car 2", "help given"), (timeline[5].GetProperty("text").GetString(), timeline[7].GetProperty("text").GetString()));
        var times = timeline.Skip(1).Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);

        // Each step is an operator action too; the list stays light (no timeline per alarm).
        var actions = await _centre.Archive.ActionsAsync(10);
        Assert.Equal(["clear", "arrived", "help", "callback", "note", "callback", "take"], actions.Select(a => a.Action));
        Assert.Equal((Home, id, "answered: the daughter: she was fine at 20:00"), (actions[3].Gateway, actions[3].Alarm, actions[3].Detail));
        Assert.All((await GetAsync("api/alarms?state=all")).EnumerateArray(), a => Assert.False(a.TryGetProperty("timeline", out _)));

        // Open pages heard of every step: one alarm change per take, step, note and clear, already published when each answer came.
        var published = new List<CentreChange>();
        while (feed.Reader.TryRead(out var change))
        {
            published.Add(change);
        }

        Assert.Equal(7, published.Count(c => c.Kind == "alarm" && c.Alarm!.Id == id));

        // The home's card: its past alarms and how each ended.
        var history = (await GetAsync($"api/gateways/{Home}/alarms?days=30")).EnumerateArray().ToList();
        var ended = Assert.Single(history);
        Assert.Equal((id.ToString(), "cleared", "help given", "Nurse Kari"),
            (ended.GetProperty("id").GetString(), ended.GetProperty("state").GetString(), ended.GetProperty("clear_reason").GetString(), ended.GetProperty("cleared_by").GetString()));
        Assert.Equal(history.Count, (await GetAsync($"api/gateways/{Home}/alarms")).GetArrayLength());
    }

    [Fact]
    public async Task Bad_steps_are_refused_naming_the_problem_and_store_nothing()
    {
        var id = await RaiseAsync("offline:timeline-home:2");
        var cases = new (string Path, string Body, HttpStatusCode Status, string Field, string Detail)[]
        {
            ($"api/alarms/{id}/callbacks", """{"operator":"Nurse Berit","outcome":"maybe"}""", HttpStatusCode.BadRequest, "outcome", "answered, no-answer, busy, wrong-number"),
            ($"api/alarms/{id}/callbacks", """{"operator":"Nurse Berit"}""", HttpStatusCode.BadRequest, "outcome", "required"),
            ($"api/alarms/{id}/callbacks", """{"operator":"Nurse Berit","outcome":"busy","text":"  "}""", HttpStatusCode.BadRequest, "text", "required"),
            ($"api/alarms/{id}/callbacks", $$"""{"operator":"Nurse Berit","outcome":"busy","text":"{{new string('x', 257)}}"}""", HttpStatusCode.BadRequest, "text", "256"),
            ($"api/alarms/{id}/help", """{"operator":"Nurse Berit"}""", HttpStatusCode.BadRequest, "text", "required"),
            ($"api/alarms/{id}/help", """{"text":"car 2"}""", HttpStatusCode.BadRequest, "operator", "required"),
            ($"api/alarms/{id}/arrived", """{"operator":"Nurse Berit","text":7}""", HttpStatusCode.BadRequest, "text", "required"),
            ($"api/alarms/{id}/arrived", """{"operator":"Nurse Berit"}""", HttpStatusCode.Conflict, "id", "help on the way"),
            ($"api/alarms/{Guid.NewGuid()}/help", """{"operator":"Nurse Berit","text":"car 2"}""", HttpStatusCode.NotFound, "id", "no alarm"),
            ("api/alarms/not-a-uuid/arrived", """{"operator":"Nurse Berit"}""", HttpStatusCode.BadRequest, "id", "UUID"),
        };
        foreach (var (path, body, status, field, detail) in cases)
        {
            var (actual, problem) = await PostAsync(path, body);
            Assert.True(status == actual, $"{path} {body}: {actual} {problem}");
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await _centre!.Archive.StepsAsync(id));
        Assert.Empty(await _centre.Archive.ActionsAsync(10));

        // Cleared: no step of any kind is added any more.
        await OkAsync($"api/alarms/{id}/help", """{"operator":"Nurse Berit","text":"car 2"}""");
        await OkAsync($"api/alarms/{id}/clear", """{"operator":"Nurse Berit","reason":"false alarm"}""");
        foreach (var (path, body) in new[] { ("callbacks", """{"operator":"Nurse Berit","outcome":"busy"}"""), ("help", """{"operator":"Nurse Berit","text":"car 3"}"""), ("arrived", """{"operator":"Nurse Berit"}""") })
        {
            var (actual, problem) = await PostAsync($"api/alarms/{id}/{path}", body);
            Assert.Equal(HttpStatusCode.Conflict, actual);
            Assert.Contains("already cleared", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Single(await _centre.Archive.StepsAsync(id));

        foreach (var (query, status, field) in new[] { ("days=0", HttpStatusCode.BadRequest, "days"), ("days=91", HttpStatusCode.BadRequest, "days"), ("days=week", HttpStatusCode.BadRequest, "days"), ("days=-3", HttpStatusCode.BadRequest, "days") })
        {
            using var response = await _http.GetAsync(new Uri($"api/gateways/{Home}/alarms?{query}", UriKind.Relative));
            Assert.Equal(status, response.StatusCode);
            Assert.Contains($"\"field\":\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var nobody = await _http.GetAsync(new Uri("api/gateways/nobody/alarms", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Equal(1, (await GetAsync($"api/gateways/{Home}/alarms?days=90")).GetArrayLength());
    }

    [Fact]
    public async Task With_logins_a_step_is_recorded_under_the_login_and_another_nurses_name_is_refused()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "accounts");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", 10_000);
        OperatorAccounts.AddOrReplace(path, "Nurse Kari", "battery staple", 10_000);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)));
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
        var id = await RaiseAsync("offline:timeline-home:3");

        async Task<HttpStatusCode> SendAsync(string step, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"api/alarms/{id}/{step}", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("Nurse Berit:correct horse")));
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync("help", """{"operator":"Nurse Kari","text":"car 2"}"""));
        Assert.Empty(await _centre.Archive.StepsAsync(id));
        Assert.Equal(HttpStatusCode.OK, await SendAsync("help", """{"text":"car 2"}"""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync("callbacks", """{"operator":"Nurse Berit","outcome":"busy"}"""));
        Assert.Equal(["Nurse Berit", "Nurse Berit"], (await _centre.Archive.StepsAsync(id)).Select(s => s.Operator));
    }
}
