using System.Net;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.NextOfKin;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The resident record on the duty centre's page, the whole flow (issue 29) in a real headless Chromium over HTTPS with
/// logins, a real centre, SQLite archive and mosquitto: the coordinator writes the record (a refused save shows each
/// complaint next to its field and stores nothing), the home's alarm arrives from the broker, the nurse sees who and where
/// but no code until she has taken it and asks, documents every step and clears; the audit log names what she read.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class ResidentPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Home = "resident-home";
    private const string SouthHome = "south-home";
    private const int FastIterations = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("resident-page-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Number, string Text)> _sms = new();
    private MosquittoBroker? _broker;
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();

        // The home sends no heartbeat in this test: silence is not what it is about. Take and clear go to a gateway that
        // is not there, so their command gives up quickly.
        // The centre's modem keeps what it is given: the family's SMS is checked as text.
        var sms = new KinSmsOptions((number, text, _) =>
        {
            _sms.Enqueue((number, text));
            return Task.FromResult((true, "/org/freedesktop/ModemManager1/SMS/1"));
        });
        var options = new DutyCentreOptions { SilentMargin = TimeSpan.FromHours(1), CommandTimeout = TimeSpan.FromSeconds(1), ResidentKey = ResidentKey.Generate(), Sms = sms };
        _centre = await CentreFixture.StartAsync(_dir, [_broker.Url], options, "resident-page", web: false, loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre, _broker);
        _logs.Dispose();
    }

    private static string[] Kinds(IWebElement timeline) => [.. timeline.FindElements(By.TagName("li")).Select(li => li.GetDomAttribute("data-kind") ?? "")];

    [Fact]
    public async Task A_coordinator_writes_the_record_and_the_nurse_who_took_the_alarm_alone_reads_the_codes_and_documents_every_step()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var accounts = Path.Combine(_dir, "operators");
        var logins = new Dictionary<string, string>
        {
            ["Coord Cora"] = "coordinator password", ["Nurse Berit"] = "correct horse", ["Nurse Nils"] = "battery staple", ["Aud"] = "audit password",
        };
        OperatorAccounts.AddOrReplace(accounts, "Coord Cora", logins["Coord Cora"], OperatorRoles.Coordinator, FastIterations);
        OperatorAccounts.AddOrReplace(accounts, "Nurse Berit", logins["Nurse Berit"], OperatorRoles.Nurse, new HashSet<string> { "north" }, FastIterations);
        OperatorAccounts.AddOrReplace(accounts, "Nurse Nils", logins["Nurse Nils"], OperatorRoles.Nurse, new HashSet<string> { "south" }, FastIterations);
        OperatorAccounts.AddOrReplace(accounts, "Aud", logins["Aud"], OperatorRoles.Auditor, FastIterations);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };
        Task<(HttpStatusCode Status, JsonElement Body)> Api(HttpMethod method, string path, string who, string? body = null) => SendAsync(http, method, path, who, logins[who], body);

        await _centre.Archive.RecordStatusAsync(Home, "online", Guid.NewGuid(), DateTimeOffset.UtcNow);
        await _centre.Archive.RecordStatusAsync(SouthHome, "online", Guid.NewGuid(), DateTimeOffset.UtcNow);

        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1000);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);

        // The coordinator: no record yet; a save with an empty name and a bad phone is refused field by field.
        await LogInAsync(browser, web.Url, "Coord Cora", logins["Coord Cora"], "coordinator");
        var home = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"home-{Home}")), "the home's card");
        Assert.Equal("No resident record", home.FindElement(By.ClassName("home-no-resident")).Text);
        home.FindElement(By.ClassName("record-open")).Click();
        var dialog = browser.FindElement(By.Id("resident-dialog"));
        NursesPageBrowserTests.Until(() => dialog.Displayed && dialog.GetDomAttribute("data-state") == "ready" ? "ready" : null, "the empty record form");
        IWebElement Field(string path) => dialog.FindElement(By.CssSelector($"[data-field='{path}']"));
        string ErrorOf(string path) => dialog.FindElement(By.CssSelector($"[data-error-for='{path}']")).Text;
        Field("phone").SendKeys("12345");
        Field("address.street").SendKeys("Storgata 1");
        Field("address.city").SendKeys("Oslo");
        dialog.FindElement(By.ClassName("kin-add")).Click();
        Field("next_of_kin[0].name").SendKeys("Ola Hansen");
        Field("next_of_kin[0].relation").SendKeys("son");
        Field("next_of_kin[0].phone").SendKeys("914");
        dialog.FindElement(By.ClassName("record-save")).Click();
        NursesPageBrowserTests.Until(() => dialog.GetDomAttribute("data-state") == "refused" ? "refused" : null, "the refused save");
        var refused = await Api(HttpMethod.Put, $"api/residents/{Home}", "Coord Cora", """{"name":"","phone":"12345","address":{"street":"Storgata 1","city":"Oslo"},"next_of_kin":[{"name":"Ola Hansen","relation":"son","phone":"914"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        var expected = refused.Body.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("detail").GetString()!);
        Assert.Equal(["name", "next_of_kin[0].phone", "phone"], expected.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected["name"], ErrorOf("name"));
        Assert.Equal(expected["phone"], ErrorOf("phone"));
        Assert.Equal(expected["next_of_kin[0].phone"], ErrorOf("next_of_kin[0].phone"));
        Assert.Equal("", ErrorOf("address.street"));
        Assert.Equal("true", Field("phone").GetDomAttribute("aria-invalid"));
        Assert.Equal("12345", Field("phone").GetDomProperty("value")); // what was typed stays
        Assert.Equal("Storgata 1", Field("address.street").GetDomProperty("value"));
        Assert.Equal(HttpStatusCode.NotFound, (await Api(HttpMethod.Get, $"api/residents/{Home}", "Coord Cora")).Status);

        // Fixed, with the codes and a second next of kin who is to be called first: moved up, since the order is the calling order.
        Field("phone").Clear();
        Field("phone").SendKeys("+47 912 34 567");
        Field("next_of_kin[0].phone").Clear();
        Field("next_of_kin[0].phone").SendKeys("+47 914 00 000");
        Field("name").SendKeys("Ingrid Hansen");
        Field("language").SendKeys("Norwegian");
        Field("zone").SendKeys("north");
        Field("address.postcode").SendKeys("0155");
        Field("address.floor").SendKeys("3");
        Field("address.door").SendKeys("3B");
        Field("access.key_safe").SendKeys("left of the back door");
        Field("access.key_safe_code").SendKeys("4711");
        Field("access.door_code").SendKeys("8520");
        Field("access.notes").SendKeys("ring twice");
        Field("gp.name").SendKeys("Dr. Lie");
        Field("gp.phone").SendKeys("+47 22 00 00 00");
        Field("care_notes").SendKeys("Hard of hearing.");
        dialog.FindElement(By.ClassName("kin-add")).Click();
        Field("next_of_kin[1].name").SendKeys("Kari Hansen");
        Field("next_of_kin[1].relation").SendKeys("daughter");
        Field("next_of_kin[1].phone").SendKeys("+47 913 00 000");
        dialog.FindElements(By.ClassName("kin-row"))[1].FindElement(By.ClassName("kin-up")).Click();
        Assert.Equal("Kari Hansen", Field("next_of_kin[0].name").GetDomProperty("value"));

        // Kari is to hear by SMS when no nurse has taken an alarm within the minutes given, or it ends in hospital; a
        // wait of 0 minutes is refused at its field.
        Field("next_of_kin[0].sms").Click();
        var minutes = dialog.FindElement(By.ClassName("sms-minutes"));
        minutes.SendKeys("0");
        dialog.FindElement(By.CssSelector(".sms-on-clear input[value='taken to hospital']")).Click();
        dialog.FindElement(By.ClassName("record-save")).Click();
        NursesPageBrowserTests.Until(() => ErrorOf("sms.untaken_minutes").Length > 0 ? "refused" : null, "the refused wait");
        Assert.Equal("'sms.untaken_minutes' must be a whole number of minutes from 1 to 240, or null; got 0", ErrorOf("sms.untaken_minutes"));
        minutes.Clear();
        minutes.SendKeys("10");
        dialog.FindElement(By.ClassName("record-save")).Click();
        NursesPageBrowserTests.Until(() => !dialog.Displayed ? "closed" : null, "the form closed after the save");
        NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector($"#home-{Home} .home-resident-name")).Text == "Ingrid Hansen" ? "name" : null, "the resident on the home's card");
        home = browser.FindElement(By.Id($"home-{Home}"));
        Assert.Equal("Storgata 1, floor 3, door 3B, 0155 Oslo", home.FindElement(By.ClassName("home-resident-address")).Text);
        Assert.Equal("Zone north", home.FindElement(By.ClassName("home-resident-zone")).Text);
        Assert.False(home.FindElement(By.ClassName("home-no-resident")).Displayed);
        var stored = await Api(HttpMethod.Get, $"api/residents/{Home}", "Coord Cora");
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal(["Kari Hansen", "Ola Hansen"], stored.Body.GetProperty("next_of_kin").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        Assert.Equal(("4711", "8520"), (stored.Body.GetProperty("access").GetProperty("key_safe_code").GetString(), stored.Body.GetProperty("access").GetProperty("door_code").GetString()));
        Assert.Equal("Coord Cora", stored.Body.GetProperty("updated_by").GetString());
        Assert.Equal([true, false], stored.Body.GetProperty("next_of_kin").EnumerateArray().Select(k => k.GetProperty("sms").GetBoolean()));
        Assert.Equal(10, stored.Body.GetProperty("sms").GetProperty("untaken_minutes").GetInt32());
        Assert.Equal(["taken to hospital"], stored.Body.GetProperty("sms").GetProperty("on_clear").EnumerateArray().Select(r => r.GetString()));

        // Opened again, the form holds the stored record.
        home.FindElement(By.ClassName("record-open")).Click();
        NursesPageBrowserTests.Until(() => dialog.Displayed && dialog.GetDomAttribute("data-state") == "ready" ? "ready" : null, "the record loaded into the form");
        Assert.Equal(("Ingrid Hansen", "8520", "Ola Hansen"), (Field("name").GetDomProperty("value"), Field("access.door_code").GetDomProperty("value"), Field("next_of_kin[1].name").GetDomProperty("value")));
        Assert.Equal((true, false, "10"), (Field("next_of_kin[0].sms").Selected, Field("next_of_kin[1].sms").Selected, minutes.GetDomProperty("value")));
        Assert.Equal(["taken to hospital"], dialog.FindElements(By.CssSelector(".sms-on-clear input")).Where(b => b.Selected).Select(b => b.GetDomAttribute("value")));
        dialog.FindElement(By.ClassName("record-cancel")).Click();

        // The help button at the home, over the broker as the gateway sends it: received, so delivered.
        var help = new Core.Events.CareEventFactory(Home, TimeProvider.System, new Core.Time.FixedClockSyncStatus(true)).Create(Core.Events.CareEventKind.HelpButton, "pendant", "help button pressed on the pendant, living room");
        using (var client = new MQTTnet.MqttClientFactory().CreateMqttClient())
        {
            await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker!.Port).WithClientId("resident-test").Build());
            await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(Topics.Events(Home, help.Class)).WithPayload(CloudEventCodec.Serialize(help)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var id = help.Id;
        NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector($"#alarm-{id} .resident-name")).Text == "Ingrid Hansen" ? "card" : null, "the alarm with its resident, live, on the coordinator's page");

        // Nurse Nils works the south: the home (zone north) and its open alarm are not his to see, on the page or the API;
        // the south's home is (so his lists have loaded when the north's is found missing).
        var south = await Api(HttpMethod.Put, $"api/residents/{SouthHome}", "Coord Cora", """{"name":"Sven Berg","address":{"street":"Sørveien 2","city":"Oslo"},"zone":"south"}""");
        Assert.Equal(HttpStatusCode.OK, south.Status);
        await LogInAsync(browser, web.Url, "Nurse Nils", logins["Nurse Nils"], "nurse");
        Assert.Equal("south", browser.FindElement(By.TagName("body")).GetDomAttribute("data-zones"));
        NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector($"#home-{SouthHome} .home-resident-name")).Text == "Sven Berg" ? "south" : null, "the south's home on Nils's page");
        Assert.Empty(browser.FindElements(By.Id($"home-{Home}")));
        Assert.Empty(browser.FindElements(By.Id($"alarm-{id}")));
        Assert.Equal(("0", "1"), (browser.FindElement(By.Id("alarm-count")).Text, browser.FindElement(By.Id("home-count")).Text));
        Assert.Equal(HttpStatusCode.NotFound, (await Api(HttpMethod.Get, $"api/alarms/{id}", "Nurse Nils")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api(HttpMethod.Get, $"api/gateways/{Home}/alarms", "Nurse Nils")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api(HttpMethod.Post, $"api/alarms/{id}/take", "Nurse Nils", "{}")).Status);
        var notHis = await Api(HttpMethod.Get, $"api/alarms/{id}/resident", "Nurse Nils");
        Assert.Equal((HttpStatusCode.NotFound, $"no alarm {id:D}"), (notHis.Status, notHis.Body.GetProperty("detail").GetString()));
        Assert.DoesNotContain((await Api(HttpMethod.Get, "api/gateways", "Nurse Nils")).Body.EnumerateArray(), g => g.GetProperty("id").GetString() == Home);
        Assert.DoesNotContain((await Api(HttpMethod.Get, "api/alarms?state=open", "Nurse Nils")).Body.EnumerateArray(), a => a.GetProperty("id").GetString() == id.ToString("D"));

        // A nurse reads no record through /api/residents at all: the role answers first, for every home alike.
        Assert.Equal(HttpStatusCode.Forbidden, (await Api(HttpMethod.Get, $"api/residents/{Home}", "Nurse Nils")).Status);

        // Nurse Berit: who and where and how to get in, but no code, and no record button.
        await LogInAsync(browser, web.Url, "Nurse Berit", logins["Nurse Berit"], "nurse");
        var card = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"alarm-{id}")) is var c && c.FindElement(By.ClassName("resident-name")).Text.Length > 0 ? c : null, "the alarm with its resident");
        Assert.Equal("Ingrid Hansen", card.FindElement(By.ClassName("resident-name")).Text);
        Assert.Contains("Norwegian", card.FindElement(By.ClassName("resident-facts")).Text, StringComparison.Ordinal);
        Assert.Equal("Storgata 1, floor 3, door 3B, 0155 Oslo", card.FindElement(By.ClassName("resident-address")).Text);
        Assert.Equal("Access: key safe: left of the back door · door code · ring twice", card.FindElement(By.ClassName("resident-access")).Text);
        Assert.Equal("Hard of hearing.", card.FindElement(By.ClassName("resident-care")).Text);
        Assert.Equal("tel:+4791234567", card.FindElement(By.ClassName("resident-phone")).GetDomAttribute("href"));
        Assert.False(card.FindElement(By.ClassName("resident-details-open")).Displayed); // not before she has taken it
        var text = (string?)browser.ExecuteScript("return document.body.textContent;") ?? "";
        Assert.DoesNotContain("4711", text, StringComparison.Ordinal); // not even hidden
        Assert.DoesNotContain("8520", text, StringComparison.Ordinal);
        Assert.False(browser.FindElement(By.CssSelector($"#home-{Home} .record-open")).Displayed);
        Assert.Equal("Ingrid Hansen", browser.FindElement(By.CssSelector($"#home-{Home} .home-resident-name")).Text);

        card.FindElement(By.ClassName("take")).Click();
        NursesPageBrowserTests.Until(() => card.GetDomAttribute("data-state") == "taken" ? "taken" : null, "the alarm taken");
        var open = NursesPageBrowserTests.Until(() => card.FindElement(By.ClassName("resident-details-open")) is { Displayed: true } b ? b : null, "the resident details button once taken");
        open.Click();
        var details = NursesPageBrowserTests.Until(() => card.FindElement(By.ClassName("resident-details")) is { Displayed: true } d ? d : null, "the resident's details");
        Assert.Equal("Hide resident details", open.Text);
        Assert.Equal("left of the back door", details.FindElement(By.ClassName("rd-key-safe")).Text);
        Assert.Equal("4711", details.FindElement(By.ClassName("rd-key-safe-code")).Text);
        Assert.Equal("8520", details.FindElement(By.ClassName("rd-door-code")).Text);
        Assert.Equal("ring twice", details.FindElement(By.ClassName("rd-entry-notes")).Text);
        var kin = details.FindElements(By.CssSelector(".rd-kin li"));
        Assert.Equal(["Kari Hansen (daughter) +47 913 00 000", "Ola Hansen (son) +47 914 00 000"], kin.Select(li => li.Text));
        Assert.Equal(["tel:+4791300000", "tel:+4791400000"], kin.Select(li => li.FindElement(By.TagName("a")).GetDomAttribute("href")));
        Assert.Equal("Dr. Lie +47 22 00 00 00", details.FindElement(By.ClassName("rd-gp")).Text);

        // The audit log names her reading the record for that alarm.
        var audit = await Api(HttpMethod.Get, "api/audit?limit=50", "Aud");
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        Assert.Contains(audit.Body.EnumerateArray(), a => a.GetProperty("action").GetString() == "resident-view" && a.GetProperty("operator").GetString() == "Nurse Berit"
            && a.GetProperty("alarm").GetString() == id.ToString("D") && a.GetProperty("gateway").GetString() == Home);

        // She may not write the record: no button, and the API says 403.
        var forbidden = await Api(HttpMethod.Put, $"api/residents/{Home}", "Nurse Berit", """{"name":"Someone Else","address":{"street":"Storgata 1","city":"Oslo"}}""");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);

        // The coordinator changes the record meanwhile (GET's answer sent back, one field changed): the nurse's open page
        // shows the new summary at once, from the live feed, without a reload.
        browser.ExecuteScript("window.__noReload = 'still the first load';");
        var changed = System.Text.Json.Nodes.JsonNode.Parse(stored.Body.GetRawText())!;
        changed["care_notes"] = "Hard of hearing. Uses a walker.";
        Assert.Equal(HttpStatusCode.OK, (await Api(HttpMethod.Put, $"api/residents/{Home}", "Coord Cora", changed.ToJsonString())).Status);
        NursesPageBrowserTests.Until(() => card.FindElement(By.ClassName("resident-care")).Text == "Hard of hearing. Uses a walker." ? "live" : null, "the changed care notes, live");
        Assert.Equal("still the first load", browser.ExecuteScript("return window.__noReload;"));
        Assert.True(details.Displayed); // what she opened stays open

        // Every step, then the clear.
        var timeline = card.FindElement(By.ClassName("timeline"));
        card.FindElement(By.CssSelector("select.callback-outcome option[value='answered']")).Click();
        card.FindElement(By.ClassName("callback")).Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline).Contains("callback") ? "callback" : null, "the call-back on the timeline");
        card.FindElement(By.ClassName("note-text")).SendKeys("she fell in the hall; key safe used");
        card.FindElement(By.ClassName("note")).Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline).Contains("note") ? "note" : null, "the note on the timeline");
        card.FindElement(By.ClassName("help-text")).SendKeys("night patrol, car 2");
        card.FindElement(By.ClassName("help")).Click();
        NursesPageBrowserTests.Until(() => card.FindElement(By.ClassName("arrived")) is { Displayed: true } a ? a : null, "the arrived button once help is on the way").Click();
        NursesPageBrowserTests.Until(() => Kinds(timeline).Contains("arrived") ? "arrived" : null, "the arrival on the timeline");
        card.FindElement(By.CssSelector("select.reason option[value='taken to hospital']")).Click();
        card.FindElement(By.ClassName("clear")).Click();
        NursesPageBrowserTests.Until(() => browser.FindElements(By.Id($"alarm-{id}")).Count == 0 ? "gone" : null, "the cleared alarm leaving the open list");
        var past = NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector($"#home-{Home} .home-alarms li[data-id='{id}']")) is var li && li.GetDomAttribute("data-state") == "cleared" ? li : null, "the alarm among the home's past alarms, cleared");
        past.FindElement(By.TagName("summary")).Click();
        var story = past.FindElement(By.ClassName("timeline"));
        // Cleared as "taken to hospital", which the coordinator chose: Kari's SMS follows the clear on the timeline.
        NursesPageBrowserTests.Until(() => Kinds(story).Length == 9 ? "9" : null, "the whole timeline of the cleared alarm, with the SMS");
        Assert.Equal(["raised", "delivered", "taken", "callback", "note", "help", "arrived", "cleared", "sms"], Kinds(story));
        Assert.Equal("cleared: taken to hospital · Nurse Berit", story.FindElements(By.ClassName("step-text"))[^2].Text);
        var (number, smsText) = Assert.Single(_sms);
        Assert.Equal("+47 913 00 000", number);
        Assert.Matches(@"^Ingrid Hansen's alarm \(help button, \d\d:\d\d\) was closed by the duty centre at \d\d:\d\d: taken to hospital\.$", smsText);
        Assert.Equal($"SMS: sent — to next of kin 1 (daughter): {smsText} · centre", story.FindElements(By.ClassName("step-text"))[^1].Text);

        // The coordinator again: the record and the home's alarms as one file (a resident's request for her data), then erased.
        await LogInAsync(browser, web.Url, "Coord Cora", logins["Coord Cora"], "coordinator");
        var downloads = Directory.CreateDirectory(Path.Combine(_dir, "downloads")).FullName;
        browser.ExecuteCdpCommand("Browser.setDownloadBehavior", new Dictionary<string, object?> { ["behavior"] = "allow", ["downloadPath"] = downloads });
        home = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id($"home-{Home}")) is var h && h.FindElement(By.ClassName("home-resident-name")).Text.Length > 0 ? h : null, "the home with its resident");
        home.FindElement(By.ClassName("record-export")).Click();
        var file = Path.Combine(downloads, $"resident-{Home}.json");
        NursesPageBrowserTests.Until(() => File.Exists(file) ? file : null, "the export downloaded");
        using (var export = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            Assert.Equal("Ingrid Hansen", export.RootElement.GetProperty("resident").GetProperty("name").GetString());
            var exported = Assert.Single(export.RootElement.GetProperty("alarms").EnumerateArray());
            Assert.Equal(id.ToString("D"), exported.GetProperty("id").GetString());
            Assert.Equal(["raised", "delivered", "taken", "callback", "note", "help", "arrived", "cleared", "sms"], exported.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        }

        home.FindElement(By.ClassName("record-erase")).Click();
        var confirm = browser.SwitchTo().Alert();
        Assert.Equal($"Erase the record of Ingrid Hansen ({Home})? This cannot be undone.", confirm.Text);
        confirm.Accept();
        NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector($"#home-{Home} .home-no-resident")) is { Displayed: true } n ? n : null, "the home without its record");
        Assert.Equal(HttpStatusCode.NotFound, (await Api(HttpMethod.Get, $"api/residents/{Home}", "Coord Cora")).Status);

        // Oldest first: saved by her, viewed by the nurse, saved again, exported and erased by her (reads besides, in between).
        var actions = (await Api(HttpMethod.Get, "api/audit?limit=100", "Aud")).Body.EnumerateArray().Reverse()
            .Where(a => a.GetProperty("gateway").ValueKind == JsonValueKind.String && a.GetProperty("gateway").GetString() == Home)
            .Select(a => (a.GetProperty("action").GetString(), a.GetProperty("operator").GetString()))
            .Where(a => a.Item1 is "resident-save" or "resident-view" or "resident-export" or "resident-erase").ToList();
        Assert.Equal([("resident-save", "Coord Cora"), ("resident-view", "Nurse Berit"), ("resident-save", "Coord Cora"), ("resident-export", "Coord Cora"), ("resident-erase", "Coord Cora")], actions);
    }

    /// <summary>Logs <paramref name="name"/> in as the browser does after its Basic prompt (which headless Chromium cannot show) and waits for the page to know their roles.</summary>
    internal static async Task LogInAsync(ChromeDriver browser, Uri url, string name, string password, string roles)
    {
        var login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}"));
        browser.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?> { ["headers"] = new Dictionary<string, object> { ["Authorization"] = "Basic " + login } });
        await browser.Navigate().GoToUrlAsync(url.ToString());
        NursesPageBrowserTests.Until(() => browser.FindElement(By.TagName("body")).GetDomAttribute("data-roles") == roles ? roles : null, $"{name}'s roles from api/me");
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");
    }

    /// <summary>Sends <paramref name="body"/> (JSON, or none) as <paramref name="name"/>'s Basic login and reads the answer's JSON (null when empty).</summary>
    internal static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpMethod method, string path, string name, string password, string? body)
    {
        using var request = LoginRequests.Create(method, path, name, password, body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response.StatusCode, doc.RootElement.Clone());
    }
}
