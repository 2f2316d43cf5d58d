using System.Net;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using Microsoft.Extensions.Time.Testing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Chromium;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The nurses' page in a real headless Chromium (Debian's chromium + chromium-driver) over a real centre, mosquitto and
/// a real <c>edgegateway run</c> gateway process: what the nurse sees and clicks is what reaches the resident's buzzer.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class NursesPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private const string Home = "page-home";
    private readonly string _dir = Directory.CreateTempSubdirectory("nurses-page-").FullName;
    private MosquittoBroker? _broker;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();

        // Level 1 a few seconds after arrival, so the test sees (and hears) an escalation before the nurse takes it.
        var escalations = new[] { TimeSpan.FromSeconds(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20) };
        _centre = await CentreFixture.StartAsync(_dir, [_broker.Url], new DutyCentreOptions { CheckInterval = TimeSpan.FromMilliseconds(200), Escalations = escalations }, "nurses-page", "central", loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre, _broker);
        _logs.Dispose();
    }

    private ChromeDriver StartBrowser(int width, int height, bool phone = false) => StartBrowser(_dir, width, height, phone);

    /// <summary>
    /// A headless Chromium with its profile under <paramref name="dir"/> and any further command-line <paramref name="arguments"/>;
    /// fails (never skips) when Debian's chromium or chromium-driver is missing.
    /// </summary>
    internal static ChromeDriver StartBrowser(string dir, int width, int height, bool phone = false, params string[] arguments)
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver),
            $"the browser tests need Debian's chromium and chromium-driver ({Chromium}, {ChromeDriver}): apt-get install chromium chromium-driver (./test.sh installs them)");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", $"--window-size={width},{height}",
            "--autoplay-policy=no-user-gesture-required", $"--user-data-dir={Directory.CreateDirectory(Path.Combine(dir, $"chromium-{Guid.NewGuid():N}")).FullName}",

            // Loopback only: nothing of Chromium's own (updates, sync, safe browsing, metrics) goes out.
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--safebrowsing-disable-auto-update");
        options.AddArguments(arguments);
        if (phone)
        {
            // A window cannot be narrower than 500 px even headless; the phone's screen is emulated as the DevTools do.
            options.EnableMobileEmulation(new ChromiumMobileEmulationDeviceSettings { Width = width, Height = height, PixelRatio = 3, EnableTouchEvents = true, UserAgent = "Mozilla/5.0 (Linux; Android 14; duty phone) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36" });
        }

        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return driver;
    }

    /// <summary>Polls the page until <paramref name="probe"/> gives a value (elements not rendered yet count as not yet).</summary>
    internal static T Until<T>(Func<T?> probe, string what, int seconds = 30)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            try
            {
                if (probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is NoSuchElementException or StaleElementReferenceException)
            {
                // Not rendered yet, or re-rendered under us: look again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the page never showed {what}");
            }

            Thread.Sleep(100);
        }
    }

    [Fact]
    public async Task A_real_gateways_alarm_appears_live_escalates_audibly_and_take_then_clear_reach_the_residents_buzzer()
    {
        using var browser = StartBrowser(1280, 900);
        await browser.Navigate().GoToUrlAsync(_centre!.Web.Url.ToString());
        Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");
        Assert.Equal("0", browser.FindElement(By.Id("alarm-count")).Text);

        // A mark in the page's own JS state: still there at the end means nothing below was a reload.
        browser.ExecuteScript("window.__noReload = 'still the first load';");
        browser.FindElement(By.Id("operator")).SendKeys("Nurse Berit");

        await using var watcher = await TestCentre.ConnectAsync(_broker!.Url, Home);
        await using var gateway = CliProcess.Start("run", "--config", AlarmingGateway.WriteConfig(_dir, _broker.Url, Home));
        await gateway.WaitForLineAsync("Alarm loop armed", TimeSpan.FromSeconds(60));
        var alarmId = await watcher.NextEventAsync("org.edgegateway.alarm.inactivity");

        // The home and its alarm arrive over the live feed.
        var home = Until(() => browser.FindElement(By.Id($"home-{Home}")) is var h && h.GetAttribute("data-state") == "online" && h.FindElement(By.ClassName("home-heartbeat")).Text.EndsWith("ago", StringComparison.Ordinal) ? h : null, "the home online with its heartbeat");
        var recorded = (await _centre!.Archive.GatewayAsync(Home))!;
        Assert.Equal(recorded.ClockSynced == true ? "synced" : "NOT synced", home.FindElement(By.ClassName("home-clock")).Text);
        Assert.Equal("primary", home.FindElement(By.ClassName("home-path")).Text);

        // The home's simulated wearable streams and has reported its (fresh) cell: shown as the heartbeat says.
        var wearable = Until(() => home.FindElement(By.ClassName("home-wearable")) is var w && w.Text == "connected · 100 %" ? w : null, "the wearable connected with its cell");
        Assert.DoesNotContain("bad", wearable.GetAttribute("class") ?? "", StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-z]+$", home.FindElement(By.ClassName("home-version")).Text);
        var card = Until(() => browser.FindElement(By.Id($"alarm-{alarmId}")), "the gateway's alarm");
        Assert.Equal("Inactivity", card.FindElement(By.ClassName("kind")).Text);
        Assert.Equal(Home, card.FindElement(By.ClassName("home")).Text);
        Assert.Equal("delivered", card.GetAttribute("data-state"));
        var firstAge = card.FindElement(By.ClassName("age")).Text;
        Until(() => card.FindElement(By.ClassName("age")).Text != firstAge ? "later" : null, "the age counting up", 5);

        // Not taken within the first escalation time: visible and audible.
        Until(() => card.GetAttribute("data-escalation") == "1" ? "1" : null, "the escalation to level 1");
        Assert.Equal("Escalated · level 1", card.FindElement(By.ClassName("escalation")).Text);
        Assert.Contains("esc-1", card.GetAttribute("class"), StringComparison.Ordinal);
        Until(() => browser.FindElement(By.TagName("body")).GetAttribute("data-last-beep") == "escalation 1" ? "beep" : null, "the escalation beep", 5);

        // The gateway still plays "received", not yet "help is coming".
        var delivered = await watcher.StatusUntilAsync(s => AlarmState(s, alarmId) == "delivered");
        Assert.Equal("AlarmDelivered", Buzzer(delivered));

        card.FindElement(By.ClassName("take")).Click();
        Until(() => card.GetAttribute("data-state") == "taken" ? "taken" : null, "the alarm taken");
        Assert.Equal("taken by Nurse Berit", card.FindElement(By.ClassName("state")).Text);
        Until(() => card.FindElement(By.ClassName("reply")).Text is { Length: > 0 } t ? t : null, "the gateway's reply");
        Assert.Equal("gateway: \"help is coming\" playing", card.FindElement(By.ClassName("reply")).Text);
        Assert.False(card.FindElement(By.ClassName("take")).Displayed);
        var taken = await watcher.StatusUntilAsync(s => AlarmState(s, alarmId) == "taken" && Buzzer(s) != "AlarmDelivered");
        Assert.Equal("AlarmTaken", Buzzer(taken));

        card.FindElement(By.CssSelector("select.reason option[value='help given']")).Click();
        card.FindElement(By.ClassName("clear")).Click();
        Until(() => browser.FindElements(By.Id($"alarm-{alarmId}")).Count == 0 ? "gone" : null, "the cleared alarm leaving the page");
        await watcher.StatusUntilAsync(s => AlarmState(s, alarmId) is null);

        var record = (await _centre!.Archive.AlarmAsync(alarmId))!;
        Assert.Equal((AlarmStates.Cleared, "Nurse Berit", "Nurse Berit", "help given"), (record.State, record.TakenBy, record.ClearedBy, record.ClearReason));
        Assert.Equal(1, record.Escalation);
        Assert.Equal("still the first load", browser.ExecuteScript("return window.__noReload;"));
        gateway.Kill();
    }

    [Fact]
    public async Task On_a_phones_screen_the_take_button_is_visible_without_scrolling_sideways()
    {
        using var browser = StartBrowser(390, 844, phone: true);
        await browser.Navigate().GoToUrlAsync(_centre!.Web.Url.ToString());
        Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");

        // An alarm in a gateway's name straight on the broker: the layout is what this test is about.
        var help = new Core.Events.CareEventFactory("phone-home", TimeProvider.System, new Core.Time.FixedClockSyncStatus(true)).Create(Core.Events.CareEventKind.HelpButton, "pendant", "help button pressed on the pendant, living room");
        using (var client = new MQTTnet.MqttClientFactory().CreateMqttClient())
        {
            await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker!.Port).WithClientId("phone-test").Build());
            await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(Topics.Events("phone-home", help.Class)).WithPayload(CloudEventCodec.Serialize(help)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var card = Until(() => browser.FindElement(By.Id($"alarm-{help.Id}")), "the alarm");
        var take = card.FindElement(By.ClassName("take"));

        // This centre has no push (no VAPID key): the page offers no "Notify this phone" that could only fail.
        Until(() => browser.FindElement(By.Id("phone")).GetDomAttribute("data-state") == "disabled" ? "disabled" : null, "push off at the centre");
        Assert.False(browser.FindElement(By.Id("phone")).Displayed);
        Assert.True(take.Displayed);
        var viewport = Convert.ToInt64(browser.ExecuteScript("return document.documentElement.clientWidth;"), System.Globalization.CultureInfo.InvariantCulture);
        var scrollWidth = Convert.ToInt64(browser.ExecuteScript("return document.documentElement.scrollWidth;"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(viewport <= 390, $"viewport {viewport} px");
        Assert.True(scrollWidth <= viewport, $"the page is {scrollWidth} px wide on a {viewport} px screen: it scrolls sideways");
        Assert.True(take.Location.X >= 0 && take.Location.X + take.Size.Width <= viewport, $"take at x={take.Location.X}, {take.Size.Width} px wide, on a {viewport} px screen");
        Assert.True(take.Location.Y + take.Size.Height <= 844, $"take at y={take.Location.Y}: below the first screen");
        Assert.True(take.Size.Height >= 40, $"take is {take.Size.Height} px high: too small for a thumb");

        // Nobody logs in on loopback: the page asks for the name every action is recorded under before it acts.
        take.Click();
        Until(() => browser.FindElement(By.Id("message")) is { Displayed: true } m && m.Text.Contains("Type your name", StringComparison.Ordinal) ? m : null, "the request for the operator's name");
        Assert.Equal("delivered", card.GetAttribute("data-state"));
        browser.FindElement(By.Id("operator")).SendKeys("Nurse Kari");
        take.Click();
        Until(() => card.GetAttribute("data-state") == "taken" ? "taken" : null, "the alarm taken from the phone", 40);
        Assert.Equal("Nurse Kari", (await _centre!.Archive.AlarmAsync(help.Id))!.TakenBy);
    }

    [Fact]
    public async Task Ages_and_agos_count_on_the_centres_clock_even_when_the_browsers_is_years_off()
    {
        // The centre's clock six years behind the browser's: a duty tablet set wrong, or the demo's scenario clock.
        var time = new FakeTimeProvider(new DateTimeOffset(2020, 3, 1, 2, 0, 0, TimeSpan.Zero));
        await using var skewed = await CentreFixture.StartAsync(_dir, [_broker!.Url], new DutyCentreOptions { Time = time }, "skewed-centre", loggers: _logs, store: "skewed.db");
        var web = skewed.Web;
        using var browser = StartBrowser(1280, 900);
        await browser.Navigate().GoToUrlAsync(web.Url.ToString());
        Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");

        const string home = "skewed-home";
        var help = new Core.Events.CareEventFactory(home, TimeProvider.System, new Core.Time.FixedClockSyncStatus(true)).Create(Core.Events.CareEventKind.HelpButton, "pendant", "help button pressed on the pendant");
        var boot = Guid.NewGuid();
        using (var client = new MQTTnet.MqttClientFactory().CreateMqttClient())
        {
            await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId("skewed-test").Build());
            await PublishAsync(client, Topics.Status(home), $$"""{"state":"online","bootid":"{{boot}}"}""");
            await PublishAsync(client, Topics.Heartbeat(home), $$$"""{"bootid":"{{{boot}}}","time":"2026-01-01T00:00:00Z","uptime_s":5,"outbox_depth":0,"oldest_unacked_s":null,"clocksynced":true,"states":{"path.primary":"up"}}""");
            await PublishAsync(client, Topics.Events(home, help.Class), System.Text.Encoding.UTF8.GetString(CloudEventCodec.Serialize(help)));
        }

        var card = Until(() => browser.FindElement(By.Id($"alarm-{help.Id}")), "the alarm");
        var heartbeat = Until(() => browser.FindElement(By.Id($"home-{home}")).FindElement(By.ClassName("home-heartbeat")) is var h && h.Text.EndsWith("ago", StringComparison.Ordinal) ? h : null, "the home's heartbeat");

        // A minute and a half on the centre's clock; the browser's own clock barely moves meanwhile.
        time.Advance(TimeSpan.FromSeconds(90));
        var age = Until(() => Seconds(card.FindElement(By.ClassName("age")).Text) is >= 90 and var s ? card.FindElement(By.ClassName("age")).Text : null, "the alarm's age past 90 s", 20);
        Assert.InRange(Seconds(age)!.Value, 90, 150);
        Assert.InRange(Seconds(heartbeat.Text.Replace(" ago", "", StringComparison.Ordinal))!.Value, 90, 150);
    }

    private static Task<MQTTnet.MqttClientPublishResult> PublishAsync(MQTTnet.IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>The page's "1 min 30 s" / "45 s" / "2 h 03 min" in seconds, or null for anything else ("—").</summary>
    private static long? Seconds(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d+) h )?(?:(\d+) min)?(?: ?(\d+) s)?$");
        if (!m.Success || text.Length == 0)
        {
            return null;
        }

        long Part(int i) => m.Groups[i].Success ? long.Parse(m.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (Part(1) * 3600) + (Part(2) * 60) + Part(3);
    }

    private static string? AlarmState(JsonElement status, Guid id) =>
        status.GetProperty("alarms").EnumerateArray().Where(a => a.GetProperty("id").GetGuid() == id).Select(a => a.GetProperty("state").GetString()).FirstOrDefault();

    private static string? Buzzer(JsonElement status) => status.GetProperty("states").GetProperty("buzzer").GetString();
}
