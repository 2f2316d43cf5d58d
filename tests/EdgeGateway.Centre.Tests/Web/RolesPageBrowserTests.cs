using System.Net;
using System.Text;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>The page over HTTPS with logins in a real headless Chromium: it offers each operator only what their roles allow (issue 29).</summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class RolesPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("roles-page-").FullName;
    private readonly StrictLogs _logs = new(output);
    private CentreFixture? _centre;

    public async Task InitializeAsync() => _centre = await CentreFixture.StartAsync(_dir, [], web: false, loggers: _logs);

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre);
        _logs.Dispose();
    }

    [Fact]
    public async Task A_logged_in_technician_is_not_offered_the_take_button_and_a_nurse_is()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        var path = Path.Combine(_dir, "operators");
        OperatorAccounts.AddOrReplace(path, "Nurse Berit", "correct horse", OperatorRoles.Nurse, 10_000);
        OperatorAccounts.AddOrReplace(path, "Tor", "tech password", OperatorRoles.Technician, 10_000);
        await using var web = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, OperatorAccounts.Load(path)) { Audit = _logs.Logger }, _logs.Logger);
        var alarm = (await _centre.Archive.RaiseSupervisionAlarmAsync(new SupervisionAlarm("offline:page-home:1", "page-home", SupervisionTypes.Offline, 2, "gateway page-home offline", DateTimeOffset.UtcNow)))!;

        using var browser = NursesPageBrowserTests.StartBrowser(_dir, 1280, 900);

        // The test's own self-signed certificate, and the login sent with every request (page, fetches, live feed) as the
        // browser does after its Basic prompt, which headless Chromium cannot show.
        browser.ExecuteCdpCommand("Security.setIgnoreCertificateErrors", new Dictionary<string, object?> { ["ignore"] = true });
        browser.ExecuteCdpCommand("Network.enable", []);
        foreach (var (name, password, roles, offered) in new[] { ("Tor", "tech password", "technician", false), ("Nurse Berit", "correct horse", "nurse", true) })
        {
            var login = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{password}"));
            browser.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?> { ["headers"] = new Dictionary<string, object> { ["Authorization"] = "Basic " + login } });
            await browser.Navigate().GoToUrlAsync(web.Url.ToString());
            NursesPageBrowserTests.Until(() => browser.FindElement(By.TagName("body")).GetDomAttribute("data-roles") == roles ? roles : null, $"{name}'s roles from api/me");
            var take = NursesPageBrowserTests.Until(() => browser.FindElement(By.CssSelector($"#alarm-{alarm.Id} .take")), $"the alarm for {name}");
            Assert.Equal(name, browser.FindElement(By.Id("operator")).GetDomProperty("value"));
            Assert.True(take.Displayed == offered, $"{name} ({roles}) {(offered ? "is not" : "is")} offered the take button");
            Assert.Equal(offered, browser.FindElement(By.CssSelector($"#alarm-{alarm.Id} .clear")).Displayed);
        }
    }
}
