using System.Globalization;
using System.Net;
using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The page's Outages band (issue 33) in a real headless Chromium over HTTPS with logins, on a real centre and archive:
/// nothing while there is no incident; one card with the centre's line, the count and how many are back, moving on the
/// feed's outage change; the closing line once it closes; not shown to a coordinator.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class OutagePageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("outage-page-").FullName;
    private readonly StrictLogs _logs = new(output);
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = CentreWebSecurityTests.SelfSigned();
    private CentreFixture? _centre;

    // The centre on UTC: the lines' HH:MM are then the UTC hour the test computes.
    public async Task InitializeAsync() =>
        _centre = await CentreFixture.StartAsync(_dir, [], new DutyCentreOptions { Zone = TimeZoneInfo.Utc }, web: false, loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _certificate.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task A_nurse_sees_one_card_for_the_zones_outage_its_returns_live_and_how_it_closed_and_a_coordinator_sees_no_band()
    {
        var accounts = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(accounts, "Nurse Berit", "correct horse", OperatorRoles.Nurse, 10_000);
        OperatorAccounts.AddOrReplace(accounts, "Cora", "coordinator pw", OperatorRoles.Coordinator, 10_000);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(_certificate, OperatorAccounts.Load(accounts)) { Audit = _logs.Logger }, _logs.Logger);
        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 1000);
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);
        await OpenAsAsync(browser, web, "Nurse Berit", "correct horse", "nurse");

        // No incident: no band, and the live feed is up before anything happens.
        NursesPageBrowserTests.Until(() => browser.FindElement(By.Id("live")).Text == "live" ? "live" : null, "the live feed connected");
        Assert.False(browser.FindElement(By.Id("outages")).Displayed, "an Outages band with no outage");

        // Forty homes of the north out since a quarter of an hour ago: one card, not forty.
        var archive = _centre.Archive;
        var now = DateTimeOffset.UtcNow;
        var since = now.AddMinutes(-15);
        var outage = await archive.OpenOutageAsync("north", now);
        var homes = Enumerable.Range(1, 40).Select(i => new OutageHome(outage.Id, $"gw-{i:00}", "offline", since.AddSeconds(i), null)).ToList();
        Assert.Equal(40, await archive.JoinOutageAsync(outage.Id, homes));
        _centre.Centre.Changes.Publish(new CentreChange("outage", null, null));

        var card = NursesPageBrowserTests.Until(() => browser.FindElements(By.CssSelector("#outage-list li.outage")).SingleOrDefault(), "the outage card");
        Assert.True(browser.FindElement(By.Id("outages")).Displayed, "the Outages band is hidden with an open outage");
        Assert.Equal($"40 homes in zone north offline since {Clock(since.AddSeconds(1))}", card.FindElement(By.ClassName("outage-text")).Text);
        Assert.Equal("open", card.GetDomAttribute("data-state"));
        Assert.Equal("40 homes", card.FindElement(By.ClassName("outage-homes")).Text);
        Assert.Equal("0 back", card.FindElement(By.ClassName("outage-back")).Text);
        Assert.Equal("1", browser.FindElement(By.Id("outage-count")).Text);

        // Homes come back: the count moves on the next change, without a reload.
        foreach (var h in homes.Take(39))
        {
            Assert.True(await archive.OutageReturnAsync(h.Gateway, now.AddMinutes(1)));
        }

        _centre.Centre.Changes.Publish(new CentreChange("outage", null, null));
        NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector("#outage-list li.outage .outage-back")).Text == "39 back" ? "39" : null, "39 back on the card");

        // It closes: the card says so with the summary, and is no longer an open one.
        var closedAt = now.AddMinutes(3);
        Assert.NotNull(await archive.CloseOutageAsync(outage.Id, "39 of 40 homes back; 1 not: gw-40 (each now its own alarm)", closedAt));
        _centre.Centre.Changes.Publish(new CentreChange("outage", null, null));
        var closed = NursesPageBrowserTests.Until(() => browser.FindElements(By.CssSelector("#outage-list li.outage.closed")).SingleOrDefault(), "the closed outage");
        Assert.Equal($"Outage of zone north closed {Clock(closedAt)}: 39 of 40 homes back; 1 not: gw-40 (each now its own alarm)", closed.FindElement(By.ClassName("outage-text")).Text);
        Assert.Empty(closed.FindElements(By.ClassName("outage-back")));
        Assert.Equal("0", browser.FindElement(By.Id("outage-count")).Text);

        // A coordinator (no nurse, no technician) is not shown the band.
        await OpenAsAsync(browser, web, "Cora", "coordinator pw", "coordinator");
        Assert.False(browser.FindElement(By.Id("outages")).Displayed, "a coordinator is shown the Outages band");
    }

    private static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    // The login sent with every request (page, fetches, live feed) as the browser does after its Basic prompt, which
    // headless Chromium cannot show; the page is ready once api/me has given it the roles.
    private static async Task OpenAsAsync(ChromeDriver browser, CentreWeb web, string name, string password, string roles)
    {
        var login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}"));
        browser.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?> { ["headers"] = new Dictionary<string, object> { ["Authorization"] = "Basic " + login } });
        await browser.Navigate().GoToUrlAsync(web.Url.ToString());
        NursesPageBrowserTests.Until(() => browser.FindElement(By.TagName("body")).GetDomAttribute("data-roles") == roles ? roles : null, $"{name}'s roles from api/me");
    }
}
