using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Push;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Tests.Web;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Push;

/// <summary>
/// Web Push to the duty phones (issue 30) on a real centre and SQLite archive, sending over real HTTP to a push service on
/// a loopback port: each phone decrypts what it got with http_ece (another implementation than the centre's), the VAPID
/// token is checked against the centre's public key, a gone phone is deleted, a nurse of another zone gets nothing, an
/// escalation replaces the first notification (same Topic), bad subscriptions are refused by field, and without a key
/// the routes answer 503.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class PushNotifierTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "push-home";
    private const string Subject = "mailto:duty@example.org";

    private readonly string _dir = Directory.CreateTempSubdirectory("push-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly StrictLogs _logs = new(output);
    private readonly VapidKey _key = VapidKey.Generate();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private PushEndpoint? _service;
    private CentreFixture? _centre;

    private CentreFixture Centre => _centre!;

    private PushEndpoint Service => _service!;

    public async Task InitializeAsync()
    {
        _service = await PushEndpoint.StartAsync();
        var options = new DutyCentreOptions { Time = _time, ResidentKey = ResidentKey.Generate(), Push = new PushOptions(_key, Subject) };
        _centre = await CentreFixture.StartAsync(_dir, [], options, loggers: _logs);
        _http.BaseAddress = Centre.Web.Url;
        await Centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), _time.GetUtcNow());
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/residents/{Home}", ResidentApiTests.Ingrid);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre, _service);
        _logs.Dispose();
    }

    [Fact]
    public async Task An_alarm_reaches_the_phone_encrypted_for_it_alone_with_the_residents_name_and_a_vapid_token_signed_by_the_centre()
    {
        var key = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/push/key");
        Assert.Equal(_key.PublicKey, key.GetProperty("public_key").GetString());
        Assert.Equal(65, TestPhone.FromBase64Url(_key.PublicKey).Length);

        var phone = new TestPhone(Service.PhoneUrl("berit"));
        var stored = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", phone.SubscribeBody("Nurse Berit"));
        Assert.Equal((phone.Endpoint, "Nurse Berit"), (stored.GetProperty("endpoint").GetString(), stored.GetProperty("operator").GetString()));

        var alarm = await RaiseAsync("offline:push-home:1");
        var request = await OneAsync("berit");
        Assert.Equal("POST", request.Method);
        Assert.Equal("3600", request.Header("TTL"));
        Assert.Equal("high", request.Header("Urgency"));
        Assert.Equal(alarm.Id.ToString("N"), request.Header("Topic"));
        Assert.Equal("aes128gcm", request.Header("Content-Encoding"));

        var payload = await phone.DecryptAsync(request);
        Assert.Equal(alarm.Id.ToString("D"), payload.GetProperty("alarm").GetString());
        Assert.Equal(Home, payload.GetProperty("gateway").GetString());
        Assert.Equal(SupervisionTypes.Offline, payload.GetProperty("type").GetString());
        Assert.Equal("Gateway offline · Ingrid Hansen", payload.GetProperty("title").GetString());
        Assert.Equal($"Storgata 1, floor 3, door 3B, 0155 Oslo · gateway {Home} offline", payload.GetProperty("body").GetString());
        Assert.Equal(0, payload.GetProperty("escalation").GetInt32());
        Assert.Equal($"/#alarm-{alarm.Id:D}", payload.GetProperty("url").GetString());
        foreach (var secret in new[] { "4711", "1234", "Kari", "Per Olsen", "Dr. Lie", "Hard of hearing" })
        {
            Assert.DoesNotContain(secret, payload.GetRawText(), StringComparison.Ordinal);
        }

        // Another phone's keys do not open it: it was encrypted for this subscription.
        var other = new TestPhone(phone.Endpoint);
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => other.DecryptAsync(request));

        AssertVapid(request, phone.Endpoint);
    }

    [Fact]
    public async Task An_escalation_sends_a_second_push_with_the_same_topic_so_it_replaces_the_first()
    {
        var phone = new TestPhone(Service.PhoneUrl("berit"));
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", phone.SubscribeBody("Nurse Berit"));
        var alarm = await RaiseAsync("offline:push-home:2");
        var first = await OneAsync("berit");

        _time.Advance(TimeSpan.FromSeconds(61));
        await Centre.Centre.CheckAsync();
        await Eventually.UntilAsync(() => Service.To("berit").Count >= 2, TimeSpan.FromSeconds(20));
        var second = Service.To("berit")[1];
        Assert.Equal(first.Header("Topic"), second.Header("Topic"));
        var payload = await phone.DecryptAsync(second);
        Assert.Equal((alarm.Id.ToString("D"), 1), (payload.GetProperty("alarm").GetString(), payload.GetProperty("escalation").GetInt32()));
        Assert.Equal("Gateway offline · Ingrid Hansen", payload.GetProperty("title").GetString());
        Assert.Equal("Storgata 1, floor 3, door 3B, 0155 Oslo · not taken for 1 min", payload.GetProperty("body").GetString());

        // The same level again (another pass, another instance) sends nothing more; a taken alarm no further level.
        await Centre.Centre.CheckAsync();
        await Centre.Centre.TakeAsync(alarm.Id, "Nurse Berit");
        _time.Advance(TimeSpan.FromMinutes(3));
        await Centre.Centre.CheckAsync();
        await Task.Delay(300);

        // (The home has gone silent by now, a new alarm with a topic of its own.)
        Assert.Equal(2, Service.To("berit").Count(r => r.Header("Topic") == first.Header("Topic")));
    }

    [Fact]
    public async Task A_phone_whose_push_service_answers_410_is_deleted_and_the_next_alarm_does_not_go_there()
    {
        var gone = new TestPhone(Service.PhoneUrl("gone"));
        var kept = new TestPhone(Service.PhoneUrl("kept"));
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", gone.SubscribeBody("Nurse Berit"));
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", kept.SubscribeBody("Nurse Berit"));
        Service.Answer("gone", 410);

        await RaiseAsync("offline:push-home:3");
        await OneAsync("gone");
        await Eventually.UntilAsync(() => Centre.Archive.PushSubscriptionsAsync().Result.Count == 1, TimeSpan.FromSeconds(20));
        Assert.Equal(kept.Endpoint, (await Centre.Archive.PushSubscriptionsAsync()).Single().Endpoint);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3290 && e.Message.Contains("410", StringComparison.Ordinal));

        var second = await RaiseAsync("offline:push-home:4");
        await Eventually.UntilAsync(() => Service.To("kept").Count == 2, TimeSpan.FromSeconds(20));
        Assert.Equal(second.Id.ToString("D"), (await kept.DecryptAsync(Service.To("kept")[1])).GetProperty("alarm").GetString());
        await WaitSentAsync(second.Id);
        Assert.Single(Service.To("gone"));
    }

    [Fact]
    public async Task With_accounts_only_a_nurse_whose_zones_cover_the_home_gets_it_never_another_zones_nurse_a_non_nurse_or_a_name_not_in_the_file()
    {
        var path = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", OperatorRoles.Nurse, ZoneNames.ParseList("north"), 10_000);
        OperatorAccounts.AddOrReplace(path, "Nurse Sol", "correct horse", OperatorRoles.Nurse, ZoneNames.ParseList("south"), 10_000);
        OperatorAccounts.AddOrReplace(path, "Tor", "long enough", OperatorRoles.Technician, null, 10_000);
        OperatorAccounts.AddOrReplace(path, "Nurse Anywhere", "correct horse", OperatorRoles.Nurse, null, 10_000);
        var accounts = OperatorAccounts.Load(path);
        Centre.Centre.Push.Accounts = () => accounts;

        foreach (var (name, who) in new[] { ("berit", "Nurse Berit"), ("sol", "Nurse Sol"), ("tor", "Tor"), ("anywhere", "Nurse Anywhere"), ("ghost", "Nurse Ghost") })
        {
            await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", new TestPhone(Service.PhoneUrl(name)).SubscribeBody(who));
        }

        var alarm = await RaiseAsync("offline:push-home:5");
        await WaitSentAsync(alarm.Id);
        Assert.Equal(["/push/anywhere", "/push/berit"], Service.Received.Select(r => r.Path).Order(StringComparer.Ordinal));

        // Sol's zone gets the home (the coordinator moves it): from the next alarm on, she gets it and Berit no longer.
        var south = ResidentApiTests.Ingrid.Replace("\"north\"", "\"south\"", StringComparison.Ordinal);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/residents/{Home}", south);
        var moved = await RaiseAsync("offline:push-home:6");
        await WaitSentAsync(moved.Id);
        Assert.Equal(["/push/anywhere", "/push/sol"], Service.Received.Skip(2).Select(r => r.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_logins_a_nurse_subscribes_as_herself_a_technician_is_refused_and_the_page_hands_its_accounts_to_the_notifier()
    {
        using var certificate = Web.CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators-web");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", OperatorRoles.Nurse, ZoneNames.ParseList("north"), 10_000);
        OperatorAccounts.AddOrReplace(path, "Nurse Sol", "correct horse", OperatorRoles.Nurse, ZoneNames.ParseList("south"), 10_000);
        OperatorAccounts.AddOrReplace(path, "Tor", "long enough", OperatorRoles.Technician, null, 10_000);
        var security = new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger };
        await using var web = await CentreWeb.StartAsync(Centre.Centre, new IPEndPoint(IPAddress.Loopback, 0), security, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        var berit = new TestPhone(Service.PhoneUrl("berit"));
        var sol = new TestPhone(Service.PhoneUrl("sol"));
        var tor = new TestPhone(Service.PhoneUrl("tor"));
        Assert.Equal(_key.PublicKey, (await LoginRequests.JsonAsync(http, HttpMethod.Get, "api/push/key", "Tor", "long enough", HttpStatusCode.OK)).GetProperty("public_key").GetString());
        var refused = await LoginRequests.JsonAsync(http, HttpMethod.Post, "api/push/subscriptions", "Tor", "long enough", HttpStatusCode.Forbidden, WithoutOperator(tor.SubscribeBody("Tor")));
        Assert.Equal("role", refused.GetProperty("field").GetString());
        await LoginRequests.JsonAsync(http, HttpMethod.Post, "api/push/subscriptions", "Nurse Berit", "correct horse", HttpStatusCode.Forbidden, berit.SubscribeBody("Nurse Sol"));
        var stored = await LoginRequests.JsonAsync(http, HttpMethod.Post, "api/push/subscriptions", "Nurse Berit", "correct horse", HttpStatusCode.OK, WithoutOperator(berit.SubscribeBody("x")));
        Assert.Equal("Nurse Berit", stored.GetProperty("operator").GetString());
        await LoginRequests.JsonAsync(http, HttpMethod.Post, "api/push/subscriptions", "Nurse Sol", "correct horse", HttpStatusCode.OK, WithoutOperator(sol.SubscribeBody("x")));

        // The home is north: Berit's phone gets it, Sol's (south) does not, by the accounts the page runs with.
        var alarm = await RaiseAsync("offline:push-home:7");
        await WaitSentAsync(alarm.Id);
        Assert.Equal(["/push/berit"], Service.Received.Select(r => r.Path));

        var remove = JsonSerializer.Serialize(new { endpoint = berit.Endpoint });
        Assert.True((await LoginRequests.JsonAsync(http, HttpMethod.Post, "api/push/subscriptions/remove", "Nurse Berit", "correct horse", HttpStatusCode.OK, remove)).GetProperty("removed").GetBoolean());
        await LoginRequests.JsonAsync(http, HttpMethod.Post, "api/push/subscriptions/remove", "Tor", "long enough", HttpStatusCode.Forbidden, remove);
    }

    private static string WithoutOperator(string body)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node.Remove("operator");
        return node.ToJsonString();
    }

    [Fact]
    public async Task Bad_subscription_bodies_get_400_naming_the_field_and_subscribe_and_remove_are_audited_without_keys()
    {
        var phone = new TestPhone(Service.PhoneUrl("berit"));
        var good = JsonDocument.Parse(phone.SubscribeBody("Nurse Berit")).RootElement;
        string With(string path, object? value)
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(good.GetRawText())!;
            var parts = path.Split('.');
            var parent = parts[..^1].Aggregate(node, (n, p) => n[p]!);
            if (value is null)
            {
                parent.AsObject().Remove(parts[^1]);
            }
            else
            {
                parent[parts[^1]] = System.Text.Json.Nodes.JsonValue.Create(value);
            }

            return node.ToJsonString();
        }

        var offCurve = TestPhone.Base64Url([0x04, .. new byte[64]]);
        var cases = new (string Body, string Field)[]
        {
            (With("operator", null), "operator"),
            (With("subscription", null), "subscription"),
            (With("subscription.endpoint", null), "subscription.endpoint"),
            (With("subscription.endpoint", "push/berit"), "subscription.endpoint"),
            (With("subscription.endpoint", "http://push.example/p/1"), "subscription.endpoint"),
            (With("subscription.endpoint", "ftp://127.0.0.1/p/1"), "subscription.endpoint"),
            (With("subscription.endpoint", "https://push.example/" + new string('a', 2100)), "subscription.endpoint"),
            (With("subscription.keys", null), "subscription.keys.p256dh"),
            (With("subscription.keys.p256dh", TestPhone.Base64Url(new byte[64])), "subscription.keys.p256dh"),
            (With("subscription.keys.p256dh", TestPhone.Base64Url([0x03, .. new byte[64]])), "subscription.keys.p256dh"),
            (With("subscription.keys.p256dh", offCurve), "subscription.keys.p256dh"),
            (With("subscription.keys.p256dh", "not base64url!"), "subscription.keys.p256dh"),
            (With("subscription.keys.auth", TestPhone.Base64Url(new byte[15])), "subscription.keys.auth"),
            (With("subscription.keys.auth", 16), "subscription.keys.auth"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = await ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/push/subscriptions", body);
            Assert.True(field == problem.GetProperty("field").GetString(), $"{body}: {problem}");
        }

        Assert.Empty(await Centre.Archive.PushSubscriptionsAsync());

        // A secure endpoint elsewhere, and the same phone again, are one row each.
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", With("subscription.endpoint", "https://push.example/p/1"));
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", good.GetRawText());
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions", good.GetRawText());
        Assert.Equal(2, (await Centre.Archive.PushSubscriptionsAsync()).Count);

        Assert.Equal("endpoint", (await ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/push/subscriptions/remove", """{"operator":"Nurse Berit"}""")).GetProperty("field").GetString());
        var remove = JsonSerializer.Serialize(new { @operator = "Nurse Berit", endpoint = phone.Endpoint });
        Assert.True((await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions/remove", remove)).GetProperty("removed").GetBoolean());
        Assert.False((await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/push/subscriptions/remove", remove)).GetProperty("removed").GetBoolean());

        var audit = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/audit");
        var push = audit.EnumerateArray().Where(a => a.GetProperty("action").GetString()!.StartsWith("push-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["push-unsubscribe", "push-subscribe", "push-subscribe", "push-subscribe"], push.Select(a => a.GetProperty("action").GetString()));
        Assert.All(push, a => Assert.Equal("Nurse Berit", a.GetProperty("operator").GetString()));
        var text = audit.GetRawText();
        Assert.DoesNotContain(phone.P256dh, text, StringComparison.Ordinal);
        Assert.DoesNotContain(phone.Auth, text, StringComparison.Ordinal);
        Assert.DoesNotContain("/push/berit", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_vapid_key_the_push_routes_answer_503_naming_push()
    {
        var dir = Directory.CreateTempSubdirectory("push-off-").FullName;
        var off = await CentreFixture.StartAsync(dir, [], new DutyCentreOptions(), loggers: _logs);
        try
        {
            using var http = new HttpClient { BaseAddress = off.Web.Url };
            Assert.False(off.Centre.Push.Enabled);
            var phone = new TestPhone(Service.PhoneUrl("berit"));
            foreach (var (method, path, body) in new[] { (HttpMethod.Get, "api/push/key", null), (HttpMethod.Post, "api/push/subscriptions", phone.SubscribeBody("Nurse Berit")), (HttpMethod.Post, "api/push/subscriptions/remove", """{"operator":"Nurse Berit","endpoint":"https://push.example/p/1"}""") })
            {
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await http.SendAsync(request);
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal((HttpStatusCode.ServiceUnavailable, "push"), (response.StatusCode, problem.RootElement.GetProperty("field").GetString()));
            }
        }
        finally
        {
            await off.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Subscribing_a_phone_is_a_nurses_and_the_key_is_open_to_every_operator()
    {
        Assert.Equal(OperatorRoles.Nurse, CentreWeb.RoleNeeded("POST", "/api/push/subscriptions")?.Role);
        Assert.Equal(OperatorRoles.Nurse, CentreWeb.RoleNeeded("POST", "/api/push/subscriptions/remove")?.Role);
        Assert.Null(CentreWeb.RoleNeeded("GET", "/api/push/key"));
    }

    /// <summary>
    /// The VAPID header (RFC 8292 §3): <c>vapid t=JWT, k=KEY</c> with the centre's public key, the JWT signed ES256 by it,
    /// its audience the push service's origin, its expiry within 24 hours, its subject the centre's contact.
    /// </summary>
    private void AssertVapid(PushRequest request, string endpoint)
    {
        var authorization = request.Header("Authorization")!;
        var match = System.Text.RegularExpressions.Regex.Match(authorization, @"^vapid t=([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+), k=([A-Za-z0-9_\-]+)$");
        Assert.True(match.Success, authorization);
        Assert.Equal(_key.PublicKey, match.Groups[2].Value);

        var parts = match.Groups[1].Value.Split('.');
        using (var header = JsonDocument.Parse(TestPhone.FromBase64Url(parts[0])))
        {
            Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        }

        var point = TestPhone.FromBase64Url(match.Groups[2].Value);
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = TestPhone.FromBase64Url(parts[2]);
        Assert.True(ecdsa.VerifyData(signed, signature, HashAlgorithmName.SHA256), "the VAPID JWT's signature does not verify with the centre's public key");
        signature[7] ^= 1;
        Assert.False(ecdsa.VerifyData(signed, signature, HashAlgorithmName.SHA256));

        using var claims = JsonDocument.Parse(TestPhone.FromBase64Url(parts[1]));
        var url = new Uri(endpoint);
        Assert.Equal(url.GetLeftPart(UriPartial.Authority), claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(Subject, claims.RootElement.GetProperty("sub").GetString());
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(24));
    }

    private async Task<AlarmRecord> RaiseAsync(string key)
    {
        // As SupervisionAlarms raises one: stored once, then on the live feed.
        var alarm = (await Centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm(key, Home, SupervisionTypes.Offline, 2, $"gateway {Home} offline", _time.GetUtcNow())))!;
        Centre.Centre.Changes.Publish(new CentreChange("alarm", alarm, null));
        return alarm;
    }

    private async Task<PushRequest> OneAsync(string phone)
    {
        await Eventually.UntilAsync(() => Service.To(phone).Count >= 1, TimeSpan.FromSeconds(20), () => $"{Service.Received.Count} requests, none to {phone}");
        return Service.To(phone)[0];
    }

    /// <summary>Waits for the notifier's "sent" line of <paramref name="alarm"/>: every request for it has been answered.</summary>
    private Task WaitSentAsync(Guid alarm) =>
        Eventually.UntilAsync(() => _logs.Entries.Any(e => e.EventId.Id == 3293 && e.Message.Contains(alarm.ToString(), StringComparison.Ordinal)), TimeSpan.FromSeconds(20));

    private async Task<JsonElement> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {doc.RootElement}");
        return doc.RootElement.Clone();
    }
}
