using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The reference installation (fiber + 4G): a real <c>edgegateway run</c> gateway with two paths to two real mosquitto
/// brokers, and a centre following both, its API and the nurses' page in a headless Chromium.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class TwoPathSupervisionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "two-path-home";
    // Long, so that after the first heartbeats no heartbeat says "path.primary: down" before the gateway dies: that the
    // primary is no longer up, and so the offline, must come from the centre's own view of broker A.
    private const int HeartbeatSeconds = 60;
    private const int KeepAliveSeconds = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("two-path-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private MosquittoBroker? _primary;
    private MosquittoBroker? _secondary;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _primary = await MosquittoBroker.StartAsync();
        _secondary = await MosquittoBroker.StartAsync();
        _centre = await CentreFixture.StartAsync(_dir, [_primary.Url, _secondary.Url], new DutyCentreOptions { CheckInterval = TimeSpan.FromMilliseconds(200) }, "two-path", loggers: _logs);
        _http.BaseAddress = _centre.Web.Url;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre, _primary, _secondary);
        _logs.Dispose();
    }

    [Fact]
    public async Task With_the_primary_broker_dead_a_killed_gateway_is_offline_by_its_will_on_the_secondary_path_and_the_page_shows_the_lost_path()
    {
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 900);
        await browser.Navigate().GoToUrlAsync(_centre!.Web.Url.ToString());
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");

        await using var gateway = CliProcess.Start(
            "run", "--broker", _primary!.Url, "--secondary-broker", _secondary!.Url, "--plain-loopback-demo", "--gateway-id", Home,
            "--data-dir", Path.Combine(_dir, "gateway"), "--heartbeat", $"{HeartbeatSeconds}", "--keep-alive", $"{KeepAliveSeconds}");

        // Both paths' births read, each from its own broker.
        var home = await UntilAsync(g => Paths(g) == "primary:up secondary:up", "both paths up on the API", gateway);
        Assert.Equal("online", home.GetProperty("state").GetString());
        var card = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"home-{Home}")) is var h && h.FindElement(By.ClassName("home-path")).Text == "primary up · secondary up" ? h : null, "both paths up on the page");
        Assert.DoesNotContain("bad", card.FindElement(By.ClassName("home-path")).GetAttribute("class"), StringComparison.Ordinal);

        // The fiber's broker dies: the gateway stays online over 4G; the centre no longer hears broker A, so the primary's
        // birth there proves nothing (unknown); the gateway's primary-path-lost event (over 4G) is an alarm on the page.
        _primary.Kill();
        var lost = await UntilAlarmAsync("org.edgegateway.technical.primary-path-lost");
        Assert.Equal((AlarmOrigins.Technical, Home, "delivered"), (lost.GetProperty("origin").GetString(), lost.GetProperty("gateway").GetString(), lost.GetProperty("state").GetString()));
        var alarmCard = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"alarm-{lost.GetProperty("id").GetString()}")), "the path-lost alarm on the page");
        Assert.Equal("Primary path lost (technical)", alarmCard.FindElement(By.ClassName("kind")).Text);
        home = await UntilAsync(g => Paths(g) != "primary:up secondary:up", "the primary path no longer up", gateway);
        Assert.Equal(("online", "primary:unknown secondary:up"), (home.GetProperty("state").GetString(), Paths(home)));
        NursesPageBrowserTests.Until(() => card.FindElement(By.ClassName("home-path")) is var p && p.Text == "primary UNKNOWN · secondary up" && (p.GetAttribute("class") ?? "").Contains("bad", StringComparison.Ordinal) ? p : null, "the primary path shown not up");
        Assert.Equal("online", card.GetAttribute("data-state"));

        // Now the gateway dies. Its will on the surviving path is its last word: offline, long before the silence budget
        // (3 heartbeats + 10 s) would call it "silent" — which is all the centre did before it read per-path wills.
        var killed = Stopwatch.StartNew();
        gateway.Kill();
        home = await UntilAsync(g => g.GetProperty("state").GetString() != "online", "the gateway no longer online", null);
        output.WriteLine($"offline {killed.Elapsed.TotalSeconds:F1} s after SIGKILL (keep-alive {KeepAliveSeconds} s: a half-open link's will is due 1.5 × keep-alive after the last packet)");
        Assert.Equal(("offline", "primary:unknown secondary:down"), (home.GetProperty("state").GetString(), Paths(home)));
        Assert.Equal("offline", home.GetProperty("paths")[1].GetProperty("status").GetString());
        NursesPageBrowserTests.Until(() => card.GetAttribute("data-state") == "offline" && card.FindElement(By.ClassName("home-path")).Text == "primary UNKNOWN · secondary DOWN" ? card : null, "the home offline with its secondary path down");
    }

    private static string Paths(JsonElement gateway) =>
        string.Join(' ', gateway.GetProperty("paths").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()}:{p.GetProperty("state").GetString()}"));

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private async Task<JsonElement> UntilAsync(Func<JsonElement, bool> condition, string what, CliProcess? gateway, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await GetAsync("api/gateways")).EnumerateArray().Where(g => g.GetProperty("id").GetString() == Home).Cast<JsonElement?>().FirstOrDefault();
            if (last is { } g && condition(g))
            {
                return g;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} not within {seconds} s; the gateway on the API: {last}; its log: {gateway?.StdErr}");
    }

    private async Task<JsonElement> UntilAlarmAsync(string type)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if ((await GetAsync("api/alarms?state=open")).EnumerateArray().FirstOrDefault(a => a.GetProperty("type").GetString() == type) is { ValueKind: JsonValueKind.Object } alarm)
            {
                return alarm;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no open {type} alarm within 60 s");
    }
}
