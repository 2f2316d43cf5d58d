using System.Net;
using System.Text.Json;
using EdgeGateway.TestSupport;
using Xunit.Abstractions;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// The duty phone (issue 30, the page side): the page installed on a phone's home screen (manifest, icon) and its service
/// worker, served as browsers require them.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class DutyPhoneBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("duty-phone-").FullName;
    private readonly StrictLogs _logs = new(output);
    private MosquittoBroker? _broker;
    private CentreFixture? _centre;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _centre = await CentreFixture.StartAsync(_dir, [_broker.Url], new DutyCentreOptions { SilentMargin = TimeSpan.FromHours(1), CommandTimeout = TimeSpan.FromSeconds(1) }, "duty-phone", loggers: _logs);
    }

    public async Task DisposeAsync()
    {
        await CentreFixture.TeardownAsync(_dir, _centre, _broker);
        _logs.Dispose();
    }

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
        }

        // The page links the manifest (with the login: browsers fetch a manifest without it unless told).
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("<link rel=\"manifest\" href=\"manifest.webmanifest\" crossorigin=\"use-credentials\">", page, StringComparison.Ordinal);
    }
}
