using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Push;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Tests.Web;
using EdgeGateway.Demo;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Push;

/// <summary>
/// The demo's duty phone (issue 30) against the real centre's <see cref="PushNotifier"/> over real HTTP: it decrypts what
/// the centre sends with its own keys (RFC 8291, a decryption of its own, not the sender's library), and refuses a push
/// whose VAPID key is not the one it subscribed with.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class DemoPhoneTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "push-home";

    private readonly string _dir = Directory.CreateTempSubdirectory("demo-phone-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly StrictLogs _logs = new(output);
    private readonly VapidKey _key = VapidKey.Generate();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CentreFixture? _centre;

    private CentreFixture Centre => _centre!;

    public async Task InitializeAsync()
    {
        var options = new DutyCentreOptions { Time = _time, ResidentKey = ResidentKey.Generate(), Push = new PushOptions(_key, "mailto:duty@demo.invalid") };
        _centre = await CentreFixture.StartAsync(_dir, [], options, loggers: _logs);
        _http.BaseAddress = Centre.Web.Url;
        await Centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), _time.GetUtcNow());
        await PostAsync($"api/residents/{Home}", ResidentApiTests.Ingrid, HttpMethod.Put);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public async Task The_phone_decrypts_the_centres_push_to_the_notification_its_lock_screen_shows()
    {
        Assert.True(DemoPhone.CanRun, "this host has OpenSSL (the test's centre signs with it too)");
        await using var phone = await DemoPhone.StartAsync(_key.PublicKey, TimeProvider.System, CancellationToken.None);
        var got = new TaskCompletionSource<PhoneNotification>(TaskCreationOptions.RunContinuationsAsynchronously);
        var problems = new ConcurrentQueue<string>();
        phone.Notified += n => got.TrySetResult(n);
        phone.Problem += problems.Enqueue;
        await SubscribeAsync(phone);

        var alarm = await RaiseAsync("offline:push-home:1");
        var n = await got.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Empty(problems);
        Assert.Equal((alarm.Id, Home, SupervisionTypes.Offline, 0), (n.Alarm, n.Gateway, n.Type, n.Escalation));
        Assert.Equal("Gateway offline · Ingrid Hansen", n.Title);
        Assert.Equal($"Storgata 1, floor 3, door 3B, 0155 Oslo · gateway {Home} offline", n.Body);
        Assert.Equal($"/#alarm-{alarm.Id:D}", n.Url);
        Assert.Equal(alarm.Id, n.Opens);
    }

    [Fact]
    public async Task A_push_signed_with_another_key_than_the_one_subscribed_with_is_refused_and_not_shown()
    {
        await using var phone = await DemoPhone.StartAsync(VapidKey.Generate().PublicKey, TimeProvider.System, CancellationToken.None);
        var problem = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shown = 0;
        phone.Notified += _ => Interlocked.Increment(ref shown);
        phone.Problem += p => problem.TrySetResult(p);
        await SubscribeAsync(phone);

        await RaiseAsync("offline:push-home:2");
        Assert.Contains("VAPID: the header's key is not the centre's public key", await problem.Task.WaitAsync(TimeSpan.FromSeconds(20)), StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref shown));
    }

    private async Task SubscribeAsync(DemoPhone phone)
    {
        using var doc = JsonDocument.Parse(phone.SubscriptionJson);
        var subscription = doc.RootElement;
        Assert.Equal(phone.Endpoint.ToString(), subscription.GetProperty("endpoint").GetString());
        Assert.Equal(65, TestPhone.FromBase64Url(subscription.GetProperty("keys").GetProperty("p256dh").GetString()!).Length);
        Assert.Equal(16, TestPhone.FromBase64Url(subscription.GetProperty("keys").GetProperty("auth").GetString()!).Length);
        await PostAsync("api/push/subscriptions", $$"""{"operator":"Nurse Berit","subscription":{{phone.SubscriptionJson}}}""");
    }

    private async Task<AlarmRecord> RaiseAsync(string key)
    {
        // As SupervisionAlarms raises one: stored once, then on the live feed.
        var alarm = (await Centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm(key, Home, SupervisionTypes.Offline, 2, $"gateway {Home} offline", _time.GetUtcNow())))!;
        Centre.Centre.Changes.Publish(new CentreChange("alarm", alarm, null));
        return alarm;
    }

    private async Task PostAsync(string path, string body, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{request.Method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
