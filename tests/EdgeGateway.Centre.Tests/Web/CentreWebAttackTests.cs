using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenQA.Selenium;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using OpenQA.Selenium.Chrome;

namespace EdgeGateway.Centre.Tests.Web;

/// <summary>
/// What an attacker on the web could do to the real centre's Kestrel host (issue 27, items 5–9): cross-site writes
/// (also from a page at another origin in a real headless Chromium), DNS rebinding, an endless chunked body over a raw
/// socket, input that made silent 500s, and the headers every answer carries.
/// </summary>
[Trait("Category", "Integration")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class CentreWebAttackTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private readonly string _dir = Directory.CreateTempSubdirectory("centre-attack-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly EventLog _log = new();
    private CentreFixture? _centre;
    private Guid _alarm;

    public async Task InitializeAsync()
    {
        // No broker: these attacks are on the web side, and a note needs none.
        _centre = await CentreFixture.StartAsync(_dir, [], webLog: _log);
        _http.BaseAddress = _centre.Web.Url;
        var help = new CareEventFactory("web-home", TimeProvider.System, new FixedClockSyncStatus(true)).Create(CareEventKind.HelpButton, "pendant", "help");
        _alarm = (await _centre.Archive.RecordEventAsync(help, Encoding.UTF8.GetString(CloudEventCodec.Serialize(help)), false, DateTimeOffset.UtcNow)).Alarm!.Id;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await CentreFixture.TeardownAsync(_dir, _centre);
    }

    private string Own => $"http://127.0.0.1:{_centre!.Web.Url.Port}";

    private async Task<(HttpStatusCode Status, string? Field, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? field = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var doc = JsonDocument.Parse(text);
            field = doc.RootElement.GetProperty("field").GetString();
            Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("detail").GetString()));
        }

        return (response.StatusCode, field, response);
    }

    [Fact]
    public async Task State_changing_requests_must_be_json_from_the_centres_own_origin()
    {
        var note = $"api/alarms/{_alarm}/notes";
        var clear = $"api/alarms/{_alarm}/clear";
        const string Body = """{"operator":"Mallory","text":"written from elsewhere","reason":"false alarm"}""";
        var cases = new (string Path, string ContentType, (string, string)[] Headers, HttpStatusCode Status, string Field)[]
        {
            (note, "text/plain", [("Origin", "https://evil.example")], HttpStatusCode.UnsupportedMediaType, "Content-Type"),
            (note, "application/x-www-form-urlencoded", [], HttpStatusCode.UnsupportedMediaType, "Content-Type"),
            (clear, "text/plain;charset=UTF-8", [("Origin", "https://evil.example")], HttpStatusCode.UnsupportedMediaType, "Content-Type"),
            (clear, "multipart/form-data; boundary=x", [], HttpStatusCode.UnsupportedMediaType, "Content-Type"),
            (note, "application/json", [("Origin", "https://evil.example")], HttpStatusCode.Forbidden, "Origin"),
            (clear, "application/json", [("Origin", "http://localhost:" + _centre!.Web.Url.Port)], HttpStatusCode.Forbidden, "Origin"),
            (note, "application/json", [("Sec-Fetch-Site", "cross-site")], HttpStatusCode.Forbidden, "Sec-Fetch-Site"),
            (clear, "application/json", [("Sec-Fetch-Site", "same-site"), ("Origin", Own)], HttpStatusCode.Forbidden, "Sec-Fetch-Site"),
        };
        foreach (var (path, type, headers, status, field) in cases)
        {
            var (actual, actualField, response) = await SendAsync(HttpMethod.Post, path, Body, type, headers);
            using (response)
            {
                Assert.True(actual == status && actualField == field, $"{path} {type} {string.Join(",", headers)}: {actual} {actualField}");
            }
        }

        Assert.Empty(await _centre!.Archive.NotesAsync(_alarm));
        Assert.True((await _centre!.Archive.AlarmAsync(_alarm))!.IsOpen);

        // The page's own request (same origin, JSON) and a client without a browser's headers (curl, the CLI) still act.
        using (var ok = (await SendAsync(HttpMethod.Post, note, Body, "application/json; charset=utf-8", ("Origin", Own), ("Sec-Fetch-Site", "same-origin"))).Response)
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var curl = (await SendAsync(HttpMethod.Post, note, Body)).Response)
        {
            Assert.Equal(HttpStatusCode.OK, curl.StatusCode);
        }

        Assert.Equal(2, (await _centre!.Archive.NotesAsync(_alarm)).Count);
        Assert.Contains(_log.Entries, e => e.Id == 3261 && e.Message.Contains("evil.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_page_at_another_origin_in_Chromium_can_neither_write_a_note_nor_clear_an_alarm()
    {
        // The attacker's page: same machine, another port, so another origin (and Sec-Fetch-Site: same-site, not same-origin).
        var centre = _centre!.Web.Url.ToString();
        var html = $$"""
            <!doctype html><html><body>
            <iframe name="sink" id="sink"></iframe>
            <form id="f" method="post" enctype="text/plain" target="sink" action="{{centre}}api/alarms/{{_alarm}}/clear">
              <input name='{"operator":"Mallory","reason":"false alarm","x":"' value='"}'>
            </form>
            <script>
              (async () => {
                const body = JSON.stringify({ operator: 'Mallory', text: 'written from elsewhere' });
                await fetch('{{centre}}api/alarms/{{_alarm}}/notes', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body }).catch(() => {});
                await fetch('{{centre}}api/alarms/{{_alarm}}/clear', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ operator: 'Mallory', reason: 'false alarm' }) }).catch(() => {});
                await fetch('{{centre}}api/alarms/{{_alarm}}/notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).catch(() => {});
                document.getElementById('sink').onload = () => { document.title = 'done'; };
                document.getElementById('f').submit();
              })();
            </script></body></html>
            """;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var evil = builder.Build();
        evil.MapGet("/", ctx =>
        {
            ctx.Response.ContentType = "text/html; charset=utf-8";
            return ctx.Response.WriteAsync(html);
        });
        await evil.StartAsync();
        var evilUrl = evil.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using (var browser = StartBrowser())
        {
            await browser.Navigate().GoToUrlAsync(evilUrl);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (browser.Title != "done")
            {
                Assert.True(DateTime.UtcNow < deadline, "the attacker's page never finished sending");
                await Task.Delay(100);
            }
        }

        // The requests did arrive (each refusal is logged), and changed nothing.
        Assert.True(_log.Entries.Count(e => e.Id == 3261) >= 3, string.Join("\n", _log.Entries.Select(e => e.Message)));
        Assert.Empty(await _centre!.Archive.NotesAsync(_alarm));
        Assert.True((await _centre!.Archive.AlarmAsync(_alarm))!.IsOpen);
    }

    [Fact]
    public async Task A_request_naming_another_host_is_refused_so_a_rebinding_name_reads_nothing()
    {
        var port = _centre!.Web.Url.Port;
        foreach (var host in new[] { "attacker.example", $"attacker.example:{port}", "10.0.0.7" })
        {
            var (status, field, response) = await SendAsync(HttpMethod.Get, "api/alarms?state=all", null, "application/json", ("Host", host));
            using (response)
            {
                Assert.True(status == HttpStatusCode.MisdirectedRequest && field == "Host", $"Host '{host}': {status} {field}");
                Assert.DoesNotContain("web-home", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        foreach (var host in new[] { $"127.0.0.1:{port}", $"localhost:{port}", "LOCALHOST", $"127.0.0.2:{port}" })
        {
            var (status, _, response) = await SendAsync(HttpMethod.Get, "api/alarms", null, "application/json", ("Host", host));
            response.Dispose();
            Assert.True(status == HttpStatusCode.OK, $"Host '{host}': {status}");
        }

        // Off loopback: the configured names and IP literals (a rebinding attack needs a name the attacker owns).
        var lan = new IPEndPoint(IPAddress.Any, 8443);
        string[] names = ["centre.example.org"];
        Assert.True(CentreWeb.HostAllowed("Centre.Example.org", lan, names));
        Assert.True(CentreWeb.HostAllowed("192.168.1.20", lan, names));
        Assert.True(CentreWeb.HostAllowed("[fe80::1]", lan, names));
        Assert.False(CentreWeb.HostAllowed("attacker.example", lan, names));
        Assert.False(CentreWeb.HostAllowed("localhost", lan, names));
        Assert.False(CentreWeb.HostAllowed("centre.example.org", new IPEndPoint(IPAddress.Loopback, 80), []));
    }

    [Fact]
    public async Task A_chunked_body_past_the_limit_is_refused_while_it_is_still_arriving()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _centre!.Web.Url.Port);
        var stream = tcp.GetStream();
        stream.ReadTimeout = 30_000;
        var head = $"POST /api/alarms/{_alarm}/notes HTTP/1.1\r\nHost: 127.0.0.1:{_centre!.Web.Url.Port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var chunk = new byte[8 * 1024];
        Array.Fill(chunk, (byte)' ');
        var framed = Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n").Concat(chunk).Concat("\r\n"u8.ToArray()).ToArray();

        // 64 KiB of a body that never ends (no last chunk): an answer can only come from a limit counted while reading.
        for (var i = 0; i < 8; i++)
        {
            await stream.WriteAsync(framed);
        }

        await stream.FlushAsync();
        using var answer = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        var read = 0;
        try
        {
            while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), answer.Token);
                Assert.True(n > 0, "the centre closed the connection without an answer");
                read += n;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("no answer within 30 s while the body was still open: the centre is buffering the body");
        }

        var text = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", text, StringComparison.Ordinal);
        Assert.Empty(await _centre!.Archive.NotesAsync(_alarm));
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_a_failure_is_logged_with_an_event_id_and_a_problem_body()
    {
        var note = $"api/alarms/{_alarm}/notes";
        var cases = new (string Path, string Body, string Field)[]
        {
            (note, """{"operator":"\ud800","text":"x"}""", "operator"),
            (note, """{"operator":"Nurse\u001b[2J","text":"x"}""", "operator"),
            (note, """{"operator":"Nurse Berit","text":"a\udc00b"}""", "text"),
            (note, """{"operator":"Nurse Berit","text":"bell\u0007"}""", "text"),
        };
        foreach (var (path, body, field) in cases)
        {
            var (status, actual, response) = await SendAsync(HttpMethod.Post, path, body);
            response.Dispose();
            Assert.True(status == HttpStatusCode.BadRequest && actual == field, $"{body}: {status} {actual}");
        }

        // A note may break lines.
        using (var lines = (await SendAsync(HttpMethod.Post, note, """{"operator":"Nurse Berit","text":"first\nsecond"}""")).Response)
        {
            Assert.Equal(HttpStatusCode.OK, lines.StatusCode);
        }

        foreach (var (query, field) in new[] { ("from=0001-01-01&to=9999-12-31", "from"), ("from=1900-01-01&to=2100-01-01", "from"), ("from=2026-01-01&to=2028-01-01", "to"), ("from=2026-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", "to") })
        {
            foreach (var path in new[] { "api/report", "report" })
            {
                var (status, actual, response) = await SendAsync(HttpMethod.Get, $"{path}?{query}", null);
                response.Dispose();
                Assert.True(status == HttpStatusCode.BadRequest && actual == field, $"{path}?{query}: {status} {actual}");
            }
        }

        using (var year = (await SendAsync(HttpMethod.Get, "api/report?from=2026-01-01&to=2027-01-01", null)).Response)
        {
            Assert.Equal(HttpStatusCode.OK, year.StatusCode);
            Assert.Equal("nosniff", year.Headers.GetValues("X-Content-Type-Options").Single());
        }

        // A real failure: the archive's table is gone under the API.
        await using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "centre.db")};Pooling=false"))
        {
            await conn.OpenAsync();
            await using var drop = conn.CreateCommand();
            drop.CommandText = "DROP TABLE alarms";
            await drop.ExecuteNonQueryAsync();
        }

        var (failed, failedField, failure) = await SendAsync(HttpMethod.Get, "api/alarms", null);
        using (failure)
        {
            Assert.Equal((HttpStatusCode.InternalServerError, "$"), (failed, failedField));
            Assert.Equal("nosniff", failure.Headers.GetValues("X-Content-Type-Options").Single());
            var logged = Assert.Single(_log.Entries, e => e.Id == 3260);
            Assert.NotNull(logged.Exception);
            var detail = JsonDocument.Parse(await failure.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("3260", detail, StringComparison.Ordinal);
            Assert.Contains(logged.Message.Split(' ')[2], detail, StringComparison.Ordinal); // the trace id, as logged
        }
    }

    [Fact]
    public async Task Every_answer_says_nosniff_and_over_tls_strict_transport_security()
    {
        using var certificate = CentreWebSecurityTests.SelfSigned();
        await using var tls = await CentreWeb.StartAsync(_centre!.Centre, new IPEndPoint(IPAddress.Loopback, 0), new CentreWebSecurity(certificate, null), _log);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == certificate.Thumbprint };
        using var https = new HttpClient(handler) { BaseAddress = tls.Url, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var path in new[] { "api/alarms", "api/gateways", "api/alarms/not-a-uuid", "" })
        {
            using var response = await https.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        }

        using var plain = await _http.GetAsync(new Uri("api/alarms", UriKind.Relative));
        Assert.Equal("nosniff", plain.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    private ChromeDriver StartBrowser()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver), $"the browser tests need Debian's chromium and chromium-driver ({Chromium}, {ChromeDriver})");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=800,600",
            $"--user-data-dir={Directory.CreateDirectory(Path.Combine(_dir, $"chromium-{Guid.NewGuid():N}")).FullName}",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--safebrowsing-disable-auto-update");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return driver;
    }

    /// <summary>Keeps each entry with its event id: a failure must be findable by the id the operations guide lists.</summary>
    private sealed class EventLog : ILogger
    {
        private readonly ConcurrentQueue<(int Id, string Message, Exception? Exception)> _entries = new();

        public IReadOnlyCollection<(int Id, string Message, Exception? Exception)> Entries => _entries;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue((eventId.Id, formatter(state, exception), exception));
    }
}
