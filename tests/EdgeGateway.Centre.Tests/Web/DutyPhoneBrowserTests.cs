using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeGateway.Centre.Push;
using EdgeGateway.Centre.Tests.Push;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The duty phone (issue 30, the page side) in a real headless Chromium the size of a phone, over HTTPS with logins, a real
/// centre, SQLite archive and mosquitto: the nurse taps "Notify this phone", the centre pushes the next alarm to the phone's
/// push service (a loopback stand-in: headless Chromium reaches no real one), the tap on the notification opens the page at
/// that alarm's card and she takes it from there; "Stop notifications" ends it. Also: the page installed on a phone's home
/// screen (manifest, icon) and its service worker, served as browsers require them.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class DutyPhoneBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "phone-home";
    private const string Nurse = "Nurse Berit";
    private const string Auditor = "Aud";
    private const int FastIterations = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("duty-phone-").FullName;
    private readonly StrictLogs _logs = new(output);
    private MosquittoBroker? _broker;
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _centre = await CentreFixture.StartAsync(_dir, [_broker.Url], new DutyCentreOptions
        {
            // The home sends no heartbeat here; take goes to a gateway that is not there, so its command gives up quickly.
            SilentMargin = TimeSpan.FromHours(1),
            CommandTimeout = TimeSpan.FromSeconds(1),
            Push = new PushOptions(VapidKey.Generate(), "mailto:duty@example.org"),
        }, "duty-phone", loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre, _broker);
        _logs.Dispose();
    }

    [Fact]
    public async Task A_nurse_notifies_her_phone_the_alarm_is_pushed_to_it_and_its_link_opens_the_page_at_the_card_she_takes()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var accounts = Path.Combine(_dir, "operators");
        var logins = new Dictionary<string, string> { [Nurse] = "correct horse", [Auditor] = "audit password" };
        OperatorAccounts.AddOrReplace(accounts, Nurse, logins[Nurse], OperatorRoles.Nurse, FastIterations);
        OperatorAccounts.AddOrReplace(accounts, Auditor, logins[Auditor], OperatorRoles.Auditor, FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
        Task<(HttpStatusCode Status, JsonElement Body)> Api(HttpMethod method, string path, string who, string? body = null) => ResidentPageBrowserTests.SendAsync(http, method, path, who, logins[who], body);

        // The phone's side of Web Push: its key pair and auth secret (RFC 8291), which the browser would make, and the push
        // service its subscription names.
        await using var pushService = await PushEndpoint.StartAsync();
        var phone = new TestPhone(pushService.PhoneUrl("phone-1"));

        // The phone: 390 x 844, trusting the centre's certificate alone (a service worker is refused on a page whose
        // certificate is in error), notifications allowed, and the stand-in push subscription in place before any script.
        var spki = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 390, 844, phone: true, $"--ignore-certificate-errors-spki-list={spki}");
        var origin = web.Url.GetLeftPart(UriPartial.Authority);
        browser.ExecuteCdpCommand("Browser.grantPermissions", new Dictionary<string, object?> { ["origin"] = origin, ["permissions"] = new[] { "notifications" } });
        browser.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = PushManagerStandIn(phone) });

        await _centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), DateTimeOffset.UtcNow);
        // Logged in as the browser does after its Basic prompt: the credentials go into its HTTP auth cache, which every
        // request of the origin then uses, the service worker's script too (extra DevTools headers would reach only the page's).
        await browser.Navigate().GoToUrlAsync(new UriBuilder(web.Url) { UserName = Uri.EscapeDataString(Nurse), Password = Uri.EscapeDataString(logins[Nurse]) }.Uri.ToString());
        await browser.Navigate().GoToUrlAsync(web.Url.ToString()); // a page whose address holds a password may not fetch()
        NursesPageBrowserTests.Until(() => browser.FindElement(By.TagName("body")).GetDomAttribute("data-roles") == "nurse" ? "nurse" : null, "her roles from api/me");
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");

        // Not yet: the button, a thumb's size, within the screen.
        string? PhoneState() => browser.FindElement(By.Id("phone")).GetDomAttribute("data-state");
        NursesPageBrowserTests.Until(() => PhoneState() == "off" ? "off" : null, "the phone's state (no alarms yet)");
        Assert.Equal("This phone gets no alarms", browser.FindElement(By.Id("phone-status")).Text);
        var notify = browser.FindElement(By.Id("notify"));
        Assert.True(notify.Displayed);
        Assert.False(browser.FindElement(By.Id("notify-stop")).Displayed);
        var viewport = Convert.ToInt64(browser.ExecuteScript("return document.documentElement.clientWidth;"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(viewport <= 390, $"viewport {viewport} px");
        Assert.True(notify.Location.X >= 0 && notify.Location.X + notify.Size.Width <= viewport, $"Notify at x={notify.Location.X}, {notify.Size.Width} px wide, on a {viewport} px screen");
        Assert.True(notify.Size.Height >= 44, $"Notify is {notify.Size.Height} px high: too small for a thumb");

        notify.Click();
        NursesPageBrowserTests.Until(() => PhoneState() is "on" or "failed" ? "settled" : null, "the phone subscribed");
        Assert.Equal("This phone gets alarms", browser.FindElement(By.Id("phone-status")).Text);
        Assert.True(browser.FindElement(By.Id("notify-stop")).Displayed);
        Assert.False(notify.Displayed);

        // Subscribed with the centre's key, and the service worker is registered for the whole page and running.
        var key = await Api(HttpMethod.Get, "api/push/key", Nurse);
        Assert.Equal(HttpStatusCode.OK, key.Status);
        Assert.Equal(key.Body.GetProperty("public_key").GetString(), browser.ExecuteScript("return localStorage.getItem('stand-in-push-key');"));
        var worker = NursesPageBrowserTests.Until(() => browser.ExecuteAsyncScript("const done = arguments[arguments.length - 1]; navigator.serviceWorker.getRegistration().then(r => done(r && r.active ? r.scope + ' ' + r.active.state : null), e => done(null));") as string, "the service worker active");
        Assert.Equal(origin + "/ activated", worker);

        // The centre has her subscription, with the phone's keys (the audit log names her, without them).
        var stored = Assert.Single(await _centre.Archive.PushSubscriptionsAsync());
        Assert.Equal((phone.Endpoint, Nurse, phone.P256dh, phone.Auth), (stored.Endpoint, stored.Operator, stored.P256dh, stored.Auth));
        var subscribed = await AuditAsync(Api, "push-subscribe");
        Assert.Equal(Nurse, subscribed.GetProperty("operator").GetString());
        Assert.DoesNotContain(phone.Auth, subscribed.GetRawText(), StringComparison.Ordinal);

        // Three alarms of other homes come first, so the one the notification is about is well below the first screen.
        var factory = new Core.Events.CareEventFactory(Home, TimeProvider.System, new Core.Time.FixedClockSyncStatus(true));
        for (var i = 1; i <= 3; i++)
        {
            await PublishAsync(new Core.Events.CareEventFactory($"{Home}-{i}", TimeProvider.System, new Core.Time.FixedClockSyncStatus(true)).Create(Core.Events.CareEventKind.HelpButton, "pendant", "help button pressed on the pendant"));
        }

        var help = factory.Create(Core.Events.CareEventKind.HelpButton, "pendant", "help button pressed on the pendant, living room");
        await PublishAsync(help);
        var id = help.Id.ToString("D");
        var card = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"alarm-{id}")), "the alarm, live");
        NursesPageBrowserTests.Until(() => browser.FindElements(By.CssSelector("#alarms > li")).Count == 4 ? "4" : null, "all four alarms");
        browser.ExecuteScript("window.scrollTo(0, 0);");
        Assert.False(InView(browser, card), "the alarm's card should start below the first screen, or the test shows nothing");
        Assert.Empty(browser.FindElements(By.CssSelector(".alarm.focused")));

        // The push the centre sends for it, to the endpoint her subscription named: encrypted for this phone alone.
        var push = NursesPageBrowserTests.Until(() => pushService.To("phone-1").FirstOrDefault(r => r.Header("Topic") == help.Id.ToString("N")), "the alarm's push at the push service");
        Assert.Equal(("POST", "/push/phone-1"), (push.Method, push.Path));
        Assert.Equal(("aes128gcm", "3600", "high"), (push.Header("Content-Encoding"), push.Header("TTL"), push.Header("Urgency")));
        Assert.StartsWith("vapid t=", push.Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("k=" + key.Body.GetProperty("public_key").GetString(), push.Header("Authorization"), StringComparison.Ordinal);
        var payload = await phone.DecryptAsync(push);
        Assert.Equal((id, Home), (payload.GetProperty("alarm").GetString(), payload.GetProperty("gateway").GetString()));
        var url = payload.GetProperty("url").GetString()!;
        Assert.Equal($"/#alarm-{id}", url);

        // The tap on the notification, with no page open (sw.js opens one at the payload's url): the card is scrolled to
        // and marked once the lists are in.
        await browser.Navigate().GoToUrlAsync("about:blank");
        await browser.Navigate().GoToUrlAsync(new Uri(web.Url, url).ToString());
        card = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"alarm-{id}")) is var c && (c.GetDomAttribute("class") ?? "").Split(' ').Contains("focused") ? c : null, "the notification's alarm marked");
        NursesPageBrowserTests.Until(() => InView(browser, card) ? "in view" : null, "the notification's alarm in view");
        Assert.Single(browser.FindElements(By.CssSelector(".alarm.focused")));

        // And it stays at the top while the cards above it grow with their timelines.
        NursesPageBrowserTests.Until(() => browser.FindElements(By.CssSelector("#alarms .timeline li")).Count >= 8 ? "timelines" : null, "every card's timeline");
        Thread.Sleep(300);
        Assert.True(AtTop(browser, card), "the notification's alarm should be at the top of the screen once the page has settled");

        // She takes it from there.
        var take = card.FindElement(By.ClassName("take"));
        Assert.True(InView(browser, take), "Take on the focused card should be on the screen");
        take.Click();
        NursesPageBrowserTests.Until(() => card.GetDomAttribute("data-state") == "taken" ? "taken" : null, "the alarm taken from the phone", 40);
        var taken = await Api(HttpMethod.Get, $"api/alarms/{id}", Nurse);
        Assert.Equal(("taken", Nurse), (taken.Body.GetProperty("state").GetString(), taken.Body.GetProperty("taken_by").GetString()));
        Assert.Equal(Nurse, (await _centre.Archive.AlarmAsync(help.Id))!.TakenBy);

        // Documents her call-back and clears it, all on the phone: the card's own controls at 390 px.
        var steps = card.FindElement(By.ClassName("steps"));
        NursesPageBrowserTests.Until(() => steps.Displayed ? "steps" : null, "the step controls once taken");
        card.FindElement(By.CssSelector("select.callback-outcome option[value='answered']")).Click();
        card.FindElement(By.ClassName("callback")).Click();
        NursesPageBrowserTests.Until(() => card.FindElements(By.CssSelector(".timeline li[data-kind='callback']")).Count == 1 ? "callback" : null, "the call-back on the phone's timeline");
        card.FindElement(By.CssSelector("select.reason option[value='help given']")).Click();
        card.FindElement(By.ClassName("clear")).Click();
        NursesPageBrowserTests.Until(() => browser.FindElements(By.Id($"alarm-{id}")).Count == 0 ? "cleared" : null, "the alarm cleared from the phone", 40);
        var cleared = (await _centre.Archive.AlarmAsync(help.Id))!;
        Assert.Equal((global::EdgeGateway.Centre.Archive.AlarmStates.Cleared, Nurse, "help given"), (cleared.State, cleared.ClearedBy, cleared.ClearReason));
        Assert.Equal(["callback"], (await _centre.Archive.StepsAsync(help.Id)).Select(st => st.Kind));

        // A link opened a moment before its alarm arrives (the page was quicker than the broker): marked when it comes.
        var later = factory.Create(Core.Events.CareEventKind.HelpButton, "pendant", "help button pressed again, bedroom");
        await browser.Navigate().GoToUrlAsync(new Uri(web.Url, $"/#alarm-{later.Id:D}").ToString());
        browser.ExecuteScript("window.scrollTo(0, 0);");
        Assert.Empty(browser.FindElements(By.CssSelector(".alarm.focused")));
        await PublishAsync(later);
        var laterCard = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"alarm-{later.Id:D}")) is var c && (c.GetDomAttribute("class") ?? "").Split(' ').Contains("focused") ? c : null, "the later alarm marked when it arrived");
        NursesPageBrowserTests.Until(() => AtTop(browser, laterCard) ? "at the top" : null, "the later alarm at the top of the screen");
        Assert.Single(browser.FindElements(By.CssSelector(".alarm.focused")));

        // A notification tapped after the alarm was cleared finds no card, and says why.
        await browser.Navigate().GoToUrlAsync(new Uri(web.Url, url).ToString());
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("message")) is { Displayed: true } m && m.Text == $"That alarm is already cleared by {Nurse} (help given)." ? m : null, "why the cleared alarm has no card");
        Assert.Empty(browser.FindElements(By.Id($"alarm-{id}")));

        // Stop notifications: the centre forgets the phone, and the phone its subscription.
        var stop = browser.FindElement(By.Id("notify-stop"));
        browser.ExecuteScript("arguments[0].scrollIntoView();", stop);
        stop.Click();
        NursesPageBrowserTests.Until(() => PhoneState() is "off" or "failed" ? "settled" : null, "the phone unsubscribed");
        Assert.Equal("This phone gets no alarms", browser.FindElement(By.Id("phone-status")).Text);
        Assert.Null(browser.ExecuteScript("return localStorage.getItem('stand-in-push-subscription');"));
        Assert.Empty(await _centre.Archive.PushSubscriptionsAsync());
        var unsubscribed = await AuditAsync(Api, "push-unsubscribe");
        Assert.Equal(Nurse, unsubscribed.GetProperty("operator").GetString());
        var removedAgain = await Api(HttpMethod.Post, "api/push/subscriptions/remove", Nurse, JsonSerializer.Serialize(new { endpoint = phone.Endpoint }));
        Assert.Equal((HttpStatusCode.OK, false), (removedAgain.Status, removedAgain.Body.GetProperty("removed").GetBoolean()));
    }

    /// <summary>The newest audit row of <paramref name="action"/>.</summary>
    private static async Task<JsonElement> AuditAsync(Func<HttpMethod, string, string, string?, Task<(HttpStatusCode Status, JsonElement Body)>> api, string action)
    {
        var audit = await api(HttpMethod.Get, "api/audit?limit=50", Auditor, null);
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        return audit.Body.EnumerateArray().First(a => a.GetProperty("action").GetString() == action);
    }

    private async Task PublishAsync(Core.Events.CareEvent care)
    {
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker!.Port).WithClientId("duty-phone-test").Build());
        await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(Topics.Events(care.GatewayId, care.Class)).WithPayload(CloudEventCodec.Serialize(care)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    /// <summary>Whether <paramref name="element"/>'s top is on the screen as it is scrolled now.</summary>
    private static bool InView(ChromeDriver browser, IWebElement element) =>
        browser.ExecuteScript("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0;", element) is true;

    /// <summary>Whether <paramref name="element"/>'s top is in the top quarter of the screen: where a link to it should bring it.</summary>
    private static bool AtTop(ChromeDriver browser, IWebElement element) =>
        browser.ExecuteScript("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight / 4;", element) is true;

    /// <summary>
    /// What the phone's browser would give the page, which headless Chromium cannot (it reaches no push service): a
    /// PushSubscription's shape with the test's endpoint and keys, kept in localStorage as the browser keeps its own; the
    /// key the page subscribed with is kept too, for the test to compare with the centre's.
    /// </summary>
    private static string PushManagerStandIn(TestPhone phone) => $$"""
        (() => {
          const stored = 'stand-in-push-subscription';
          const bytes = key => key instanceof ArrayBuffer ? new Uint8Array(key) : new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
          const base64Url = b => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
          const fromBase64Url = t => Uint8Array.from(atob(t.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)).buffer;
          const subscription = json => ({
            endpoint: json.endpoint, expirationTime: null,
            options: { userVisibleOnly: true, applicationServerKey: fromBase64Url(localStorage.getItem('stand-in-push-key')) },
            toJSON: () => json,
            unsubscribe: async () => { localStorage.removeItem(stored); return true; },
          });
          PushManager.prototype.subscribe = async function (options) {
            localStorage.setItem('stand-in-push-key', base64Url(bytes(options.applicationServerKey)));
            const json = { endpoint: '{{phone.Endpoint}}', expirationTime: null, keys: { p256dh: '{{phone.P256dh}}', auth: '{{phone.Auth}}' } };
            localStorage.setItem(stored, JSON.stringify(json));
            return subscription(json);
          };
          PushManager.prototype.getSubscription = async function () {
            const json = localStorage.getItem(stored);
            return json ? subscription(JSON.parse(json)) : null;
          };
        })();
        """;

    [Fact]
    public async Task The_phone_gets_its_service_worker_manifest_and_icon_with_the_content_types_browsers_require()
    {
        using var http = new HttpClient { BaseAddress = _centre!.Web.Url, Timeout = TimeSpan.FromSeconds(30) };

        // A service worker script must be JavaScript (browsers refuse any other type); its scope is the whole page.
        using var worker = await http.GetAsync(new Uri("sw.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
        Assert.Equal("text/javascript", worker.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/", Assert.Single(worker.Headers.GetValues("Service-Worker-Allowed")));
        Assert.Contains("default-src 'self'", Assert.Single(worker.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var script = await worker.Content.ReadAsStringAsync();
        Assert.Contains("addEventListener('push'", script, StringComparison.Ordinal);
        Assert.Contains("addEventListener('notificationclick'", script, StringComparison.Ordinal);

        using var manifest = await http.GetAsync(new Uri("manifest.webmanifest", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal("application/manifest+json", manifest.Content.Headers.ContentType?.MediaType);
        using var parsed = JsonDocument.Parse(await manifest.Content.ReadAsStringAsync());
        var root = parsed.RootElement;
        Assert.Equal("EdgeGateway duty centre", root.GetProperty("name").GetString());
        Assert.Equal("standalone", root.GetProperty("display").GetString());
        Assert.Equal("/", root.GetProperty("start_url").GetString());

        // Every icon the manifest names is served, as the type it says.
        var icons = root.GetProperty("icons").EnumerateArray().ToList();
        Assert.NotEmpty(icons);
        foreach (var icon in icons)
        {
            using var served = await http.GetAsync(new Uri(icon.GetProperty("src").GetString()!, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(icon.GetProperty("type").GetString(), served.Content.Headers.ContentType?.MediaType);
            if (icon.GetProperty("type").GetString() == "image/png")
            {
                var (w, h) = PngSize(await served.Content.ReadAsByteArrayAsync());
                Assert.Equal(icon.GetProperty("sizes").GetString(), $"{w}x{h}");
            }
        }

        // Android installs only with a PNG of at least 192 px; the iPhone's home screen takes the apple-touch-icon.
        Assert.Contains(icons, i => i.GetProperty("sizes").GetString() == "192x192");
        Assert.Contains(icons, i => i.GetProperty("sizes").GetString() == "512x512");
        using var apple = await http.GetAsync(new Uri("apple-touch-icon.png", UriKind.Relative));
        Assert.Equal("image/png", apple.Content.Headers.ContentType?.MediaType);
        Assert.Equal((180, 180), PngSize(await apple.Content.ReadAsByteArrayAsync()));

        // The page links the manifest (with the login: browsers fetch a manifest without it unless told).
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("<link rel=\"manifest\" href=\"manifest.webmanifest\" crossorigin=\"use-credentials\">", page, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"apple-touch-icon\" href=\"apple-touch-icon.png\">", page, StringComparison.Ordinal);
    }

    // A PNG's size from its IHDR chunk, after the 8-byte signature: width and height, big-endian.
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
