using System.Net;
using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Rollouts;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The page's Software section (issue 32) in a real headless Chromium over HTTPS with logins, on a real centre and archive:
/// a technician sees the fleet by version and the rollout in waves, halts it from the page, and sees a halt made elsewhere
/// live; a nurse is not shown the section.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class SoftwarePageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Target = "0.2.0";
    private const string FailedReason = "update failed at gate: no test alarm acknowledged within 300 s";
    private const string DeferredReason = "an alarm is open: sent when it is cleared";
    private readonly string _dir = Directory.CreateTempSubdirectory("software-page-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = CentreWebSecurityTests.SelfSigned();
    private CentreFixture? _centre;
    private string _releases = "";
    private string _privatePem = "";

    // The centre on UTC, so that the rollout's window can be put hours away from now: the centre's own driver then sends
    // nothing while the test runs and the stored homes keep the states the test gave them. It trusts one release key, so
    // that a rollout can be started from the page.
    public async Task InitializeAsync()
    {
        _releases = Directory.CreateDirectory(Path.Combine(_dir, "releases")).FullName;
        var (trusted, privatePem) = Rollouts.SignedRelease.NewKey();
        _privatePem = privatePem;
        var starter = new EdgeGateway.Releases.ReleaseRolloutStarter(_releases, [trusted], new Uri("https://centre.example.org"), TimeProvider.System);
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { Zone = TimeZoneInfo.Utc, ReleasesDirectory = _releases, RolloutStarter = starter }, web: false, loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _certificate.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task A_technician_sees_the_fleet_and_the_rollouts_waves_and_halts_it_from_the_page_and_a_nurse_is_not_shown_it()
    {
        var now = DateTimeOffset.UtcNow;
        await StoreRunningRolloutAsync("r-page", now);
        await using var web = await StartWebAsync();
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1400);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);

        // A nurse gets the page without the section.
        await OpenAsAsync(browser, web, "Nurse Berit", "correct horse", "nurse");
        Assert.False(browser.FindElement(By.Id("software")).Displayed, "a nurse is shown the Software section");

        await OpenAsAsync(browser, web, "Tor", "tech password", "technician");
        var section = browser.FindElement(By.Id("software"));
        Assert.True(section.Displayed, "a technician is not shown the Software section");

        // The fleet by version, the rollout's target marked.
        NursesPageBrowserTests.Until(() => browser.FindElements(By.CssSelector("#fleet tbody tr")).Count == 2 ? "rows" : null, "the fleet by version");
        Assert.Equal(
            [("0.1.0", "5", false), ($"{Target} (rollout target)", "1", true)],
            browser.FindElements(By.CssSelector("#fleet tbody tr")).Select(r => (r.FindElement(By.TagName("th")).Text, r.FindElement(By.TagName("td")).Text, r.GetDomAttribute("class") == "target")));

        // The rollout: what, by whom, running, wave 1 of 2 with its counts per state.
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "running" ? "running" : null, "the running rollout");
        Assert.Equal("r-page", browser.FindElement(By.Id("rollout-id")).Text);
        Assert.Equal("release " + Target, browser.FindElement(By.Id("rollout-what")).Text);
        Assert.StartsWith("by Tor, ", browser.FindElement(By.Id("rollout-started")).Text, StringComparison.Ordinal);
        Assert.Equal("Running", browser.FindElement(By.Id("rollout-state")).Text);
        Assert.Equal("1 of 2 (40 % of the homes)", browser.FindElement(By.Id("rollout-wave")).Text);
        Assert.Equal("30 min 00 s after a wave has passed", browser.FindElement(By.Id("rollout-soak")).Text);
        Assert.Equal("1", browser.FindElement(By.Id("rollout-max-failures")).Text);
        Assert.Equal(
            new Dictionary<string, string[]> { ["0"] = ["1", "0", "0", "0", "0"], ["1"] = ["1", "1", "0", "1", "1"], ["2"] = ["0", "0", "1", "0", "0"] },
            WaveCounts(browser));
        Assert.Equal("current", browser.FindElement(By.CssSelector("#rollout-waves tr[data-wave='1']")).GetDomAttribute("class"));
        Assert.Equal($"home-2 (none), wave 1, 1 try: {FailedReason}", browser.FindElement(By.CssSelector("#rollout-failed li")).Text);
        Assert.Equal($"home-4 (none), wave 1, 0 tries: {DeferredReason}", browser.FindElement(By.CssSelector("#rollout-deferred li")).Text);

        // Halt: the button asks for a reason, the archive says halted, and the page shows it loud with the reason.
        browser.FindElement(By.Id("rollout-halt-open")).Click();
        var reason = browser.FindElement(By.Id("rollout-halt-reason"));
        Assert.True(reason.Displayed, "the halt asks for no reason");
        reason.SendKeys("home-2 <b>reboots</b> in a loop");
        browser.FindElement(By.Id("rollout-halt-confirm")).Click();
        const string HaltedReason = "halted by Tor: home-2 <b>reboots</b> in a loop";
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "halted" ? "halted" : null, "the halted rollout on the page");
        var stored = (await _centre!.Archive.LatestRolloutAsync())!;
        Assert.Equal(RolloutStates.Halted, stored.State);
        Assert.Equal(HaltedReason, stored.HaltReason);
        Assert.Equal("HALTED (no further home is updated): " + HaltedReason, browser.FindElement(By.Id("rollout-state")).Text);
        Assert.Equal("The centre halted it: " + HaltedReason, browser.FindElement(By.Id("rollout-reply")).Text);
        Assert.Empty(browser.FindElements(By.CssSelector("#rollout b")));
        Assert.False(browser.FindElement(By.Id("rollout-halt-open")).Displayed, "a halted rollout still offers its halt");
        Assert.Contains(await _centre.Archive.ActionsAsync(5), a => a.Action == "rollout-halt" && a.Operator == "Tor");
    }

    /// <summary>Also for a technician given zones: a rollout's change names no home, and the feed must not drop it as another zone's.</summary>
    [Fact]
    public async Task A_halt_made_elsewhere_shows_on_the_open_page_with_its_reason()
    {
        var now = DateTimeOffset.UtcNow;
        await StoreRunningRolloutAsync("r-live", now);
        await using var web = await StartWebAsync(new HashSet<string> { "north" });
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1400);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);
        await OpenAsAsync(browser, web, "Tor", "tech password", "technician");
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "running" ? "running" : null, "the running rollout");
        Assert.True(browser.FindElement(By.Id("rollout-halt-open")).Displayed, "a running rollout offers no halt");
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed");

        // Halted by another technician (the same halt the API and the driver write), announced on the feed as they do.
        var halted = await RolloutDriver.HaltAsync(_centre!.Archive, "Kari", "canary home-2 lost its primary path", now.AddMinutes(1));
        Assert.NotNull(halted);
        _centre.Centre.Changes.Publish(new CentreChange("rollout", null, null));

        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "halted" ? "halted" : null, "the halt on the open page");
        Assert.Equal("HALTED (no further home is updated): " + halted.HaltReason, browser.FindElement(By.Id("rollout-state")).Text);
        Assert.Contains("canary home-2 lost its primary path", browser.FindElement(By.Id("rollout-state")).Text, StringComparison.Ordinal);
        Assert.False(browser.FindElement(By.Id("rollout-halt-open")).Displayed, "a halted rollout still offers its halt");
    }

    /// <summary>The command line halts in its own process, so this centre's feed never hears of it: the page's halt then gets the centre's 409 and shows it.</summary>
    [Fact]
    public async Task A_halt_the_centre_refuses_shows_its_answer_and_the_page_then_shows_the_halt_made_before()
    {
        var now = DateTimeOffset.UtcNow;
        await StoreRunningRolloutAsync("r-cli", now);
        await using var web = await StartWebAsync();
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1400);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);
        await OpenAsAsync(browser, web, "Tor", "tech password", "technician");
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "running" ? "running" : null, "the running rollout");
        browser.FindElement(By.Id("rollout-halt-open")).Click();
        browser.FindElement(By.Id("rollout-halt-reason")).SendKeys("canary looks wrong");

        Assert.NotNull(await RolloutDriver.HaltAsync(_centre!.Archive, "Kari", "halted on the command line", now.AddMinutes(1)));
        browser.FindElement(By.Id("rollout-halt-confirm")).Click();

        var reply = NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout-reply")) is { Displayed: true } e ? e : null, "the centre's answer");
        Assert.Equal("Not halted: no rollout is running", reply.Text);
        Assert.Contains("error", reply.GetDomAttribute("class"), StringComparison.Ordinal);
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "halted" ? "halted" : null, "the halt read again after the answer");
        Assert.Equal("HALTED (no further home is updated): halted by Kari: halted on the command line", browser.FindElement(By.Id("rollout-state")).Text);
    }

    [Fact]
    public async Task A_config_change_in_waves_is_named_with_its_reason_and_no_version_is_marked_as_its_target()
    {
        var now = DateTimeOffset.UtcNow;
        var archive = _centre!.Archive;
        await archive.RecordHeartbeatAsync("home-1", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.2.0"}}"""), now);
        await archive.RecordHeartbeatAsync("home-2", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.2.0"}}"""), now);
        var spec = new RolloutSpec("c-page", "Tor", now, null, [100], null, 0, TimeSpan.FromMinutes(30), 300, RolloutSpec.DefaultReportTimeout(300), [])
        {
            Config = new RolloutConfig("""{"fall.sensitivity":"high"}""", "fewer missed falls at night"),
        };
        RolloutHome[] homes = [new("home-1", RolloutPlanner.NoZone, 1, RolloutHomeStates.Passed, 1, now, now, null), new("home-2", RolloutPlanner.NoZone, 1, RolloutHomeStates.Passed, 1, now, now, null)];
        Assert.True(await archive.StartRolloutAsync(new RolloutRecord(spec, RolloutStates.Completed, 1, now, null, now), homes, new OperatorAction(now, "Tor", "rollout-start", null, null, null, "ok", null)));
        await using var web = await StartWebAsync();
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1400);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);
        await OpenAsAsync(browser, web, "Tor", "tech password", "technician");

        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "completed" ? "completed" : null, "the completed config change");
        Assert.Equal("configuration change: fewer missed falls at night", browser.FindElement(By.Id("rollout-what")).Text);
        Assert.Equal("Completed", browser.FindElement(By.Id("rollout-state")).Text);
        Assert.Equal("all 1 done", browser.FindElement(By.Id("rollout-wave")).Text);
        Assert.Equal("any time", browser.FindElement(By.Id("rollout-window")).Text);
        Assert.Equal(new Dictionary<string, string[]> { ["1"] = ["2", "0", "0", "0", "0"] }, WaveCounts(browser));
        Assert.Equal(["0.2.0"], browser.FindElements(By.CssSelector("#fleet tbody th")).Select(th => th.Text));
        Assert.Empty(browser.FindElements(By.CssSelector("#fleet tr.target")));
        Assert.False(browser.FindElement(By.Id("rollout-halt-open")).Displayed, "a completed rollout offers a halt");
    }

    [Fact]
    public async Task A_technician_starts_a_rollout_from_the_form_and_the_page_shows_it()
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 4; i++)
        {
            await _centre!.Archive.RecordHeartbeatAsync($"home-{i}", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, """{"states":{"version":"0.1.0"}}"""), now);
        }

        var file = Rollouts.SignedRelease.Write(_releases, Target, _privatePem);
        await using var web = await StartWebAsync();
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1400);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);
        await OpenAsAsync(browser, web, "Tor", "tech password", "technician");

        // No rollout yet: the form, with the signed archive offered by version and file.
        var option = NursesPageBrowserTests.Until(() => browser.FindElements(By.CssSelector("#rollout-start-archive option")).FirstOrDefault(), "the releases in the form");
        Assert.True(browser.FindElement(By.Id("rollout-start-form")).Displayed, "no rollout runs, yet the start form is not shown");
        Assert.Equal($"{Target} ({file})", option.Text);
        Assert.Equal(file, option.GetDomProperty("value"));

        // Its window six hours away, so that the centre's driver sends nothing while the test runs.
        var start = (now.Hour + 6) % 24;
        var window = $"{start:00}:00-{(start + 1) % 24:00}:00";
        var waves = browser.FindElement(By.Id("rollout-start-waves"));
        waves.Clear();
        waves.SendKeys("50,100");
        browser.FindElement(By.Id("rollout-start-window")).SendKeys(window);
        browser.FindElement(By.Id("rollout-start-canaries")).SendKeys(" home-2 ");
        browser.FindElement(By.Id("rollout-start-submit")).Click();

        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout")).GetDomAttribute("data-state") == "running" ? "running" : null, "the started rollout on the page");
        var stored = await _centre!.Archive.LatestRolloutAsync();
        Assert.NotNull(stored);
        Assert.Equal(RolloutStates.Running, stored.State);
        Assert.Equal([50, 100], stored.Spec.Waves);
        Assert.Equal(["home-2"], stored.Spec.Canaries);
        Assert.Equal(RolloutWindow.Parse(window), stored.Spec.Window);
        Assert.Equal("Tor", stored.Spec.CreatedBy);
        Assert.Equal(stored.Id, browser.FindElement(By.Id("rollout-id")).Text);
        Assert.StartsWith($"Started {stored.Id}: 4 home(s) in 2 wave(s)", browser.FindElement(By.Id("rollout-reply")).Text, StringComparison.Ordinal);
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("rollout-start-form")).Displayed ? null : "hidden", "the start form hidden while it runs");
        Assert.True(browser.FindElement(By.Id("rollout-halt-open")).Displayed, "the started rollout offers no halt");
    }

    private async Task<CentreWeb> StartWebAsync(IReadOnlySet<string>? technicianZones = null)
    {
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Nurse Berit", "correct horse", OperatorRoles.Nurse, 10_000);
        OperatorAccounts.AddOrReplace(accounts, "Tor", "tech password", OperatorRoles.Technician, 10_000);
        if (technicianZones is not null)
        {
            OperatorAccounts.SetZones(accounts, "Tor", technicianZones);
        }

        return await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(_certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
    }

    // The login sent with every request (page, fetches, live feed) as the browser does after its Basic prompt, which
    // headless Chromium cannot show; the page is ready once api/me has given it the roles.
    private static async Task OpenAsAsync(ChromeDriver browser, CentreWeb web, string name, string password, string roles)
    {
        var login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}"));
        browser.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?> { ["headers"] = new Dictionary<string, object> { ["Authorization"] = "Basic " + login } });
        await browser.Navigate().GoToUrlAsync(web.Url.ToString());
        NursesPageBrowserTests.Until(() => browser.FindElement(By.TagName("body")).GetDomAttribute("data-roles") == roles ? roles : null, $"{name}'s roles from api/me");
    }

    private static Dictionary<string, string[]> WaveCounts(ChromeDriver browser) =>
        browser.FindElements(By.CssSelector("#rollout-waves tbody tr")).ToDictionary(
            r => r.GetDomAttribute("data-wave")!,
            r => new[] { "passed", "sent", "waiting", "deferred", "failed" }.Select(s => r.FindElement(By.CssSelector($"td[data-state='{s}']")).Text).ToArray());

    /// <summary>
    /// Six homes, five on 0.1.0 and one already on the target; a rollout of the target in waves of 40 % and 100 %, in
    /// wave 1 with one home passed, one sent, one deferred and one failed (one failure tolerated), one home waiting in
    /// wave 2. Its window is six hours from now, so the centre's driver leaves it as stored.
    /// </summary>
    private async Task StoreRunningRolloutAsync(string id, DateTimeOffset now)
    {
        var archive = _centre!.Archive;
        for (var i = 1; i <= 6; i++)
        {
            var version = i == 6 ? Target : "0.1.0";
            await archive.RecordHeartbeatAsync($"home-{i}", new HeartbeatInfo(Guid.NewGuid(), now, 0, true, null, $$$"""{"states":{"version":"{{{version}}}"}}"""), now);
        }

        var start = (now.Hour + 6) % 24;
        var window = RolloutWindow.Parse($"{start:00}:00-{(start + 1) % 24:00}:00");
        var spec = new RolloutSpec(id, "Tor", now.AddMinutes(-20), new RolloutRelease(Target, "edgegateway-0.2.0.tar.gz", 5000, new string('b', 64), """{"manifest":"bQ==","key_id":"00","signature":"cw=="}""", "https://centre.example/releases/edgegateway-0.2.0.tar.gz"),
            [40, 100], window, 1, TimeSpan.FromMinutes(30), 300, RolloutSpec.DefaultReportTimeout(300), ["home-2"]);
        RolloutHome Home(string gateway, int wave, string state, int tries, string? reason) =>
            new(gateway, RolloutPlanner.NoZone, wave, state, tries, tries > 0 ? now.AddMinutes(-1) : null, state is RolloutHomeStates.Passed or RolloutHomeStates.Failed ? now : null, reason);
        RolloutHome[] homes =
        [
            Home("home-6", 0, RolloutHomeStates.Passed, 0, $"already runs {Target}"),
            Home("home-2", 1, RolloutHomeStates.Failed, 1, FailedReason),
            Home("home-1", 1, RolloutHomeStates.Passed, 1, null),
            Home("home-3", 1, RolloutHomeStates.Sent, 1, null),
            Home("home-4", 1, RolloutHomeStates.Deferred, 0, DeferredReason),
            Home("home-5", 2, RolloutHomeStates.Waiting, 0, null),
        ];
        Assert.True(await archive.StartRolloutAsync(new RolloutRecord(spec, RolloutStates.Running, 1, null, null, now), homes, new OperatorAction(now, "Tor", "rollout-start", null, null, null, "ok", null)));
    }
}
