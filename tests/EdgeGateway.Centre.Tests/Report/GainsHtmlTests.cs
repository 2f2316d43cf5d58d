using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Tests.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Centre.Tests.Report;

/// <summary>The HTML gains report from a SQLite archive.</summary>
[Trait("Category", "Integration")]
public sealed class SqliteGainsHtmlTests : GainsHtmlTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("report-html-").FullName;

    protected override string Store => Path.Combine(_dir, "centre.db");

    protected override async Task<IArchive> OpenArchiveAsync() => await SqliteArchive.OpenAsync(Store);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("--from", "2026-13-01", "--from '2026-13-01' must be a date")]
    [InlineData("--to", "2026-03-01", "--to '2026-03-01' must be after 'from'")]
    [InlineData("--minutes-per-visit", "-5", "--minutes-per-visit '-5' must be a number of minutes from 0 to 600")]
    [InlineData("--zone", "Mars/Olympus", "--zone 'Mars/Olympus' is invalid")]
    [InlineData("--gateway", "gw-nobody", "--gateway 'gw-nobody': no such home")]
    [InlineData("--store", "missing.db", "no such archive file")]
    [InlineData("--store", "postgres://", "cannot read the archive")]
    [InlineData("--out", "no/such/dir/report.html", "--out 'no/such/dir/report.html' is invalid: its directory does not exist")]
    public async Task Bad_input_is_refused_with_the_option_named_and_no_report_written(string option, string value, string expected)
    {
        await using (var archive = await OpenArchiveAsync())
        {
            await GainsSeed.SeedAsync(archive);
        }

        var output = Path.Combine(_dir, "report.html");
        var args = new Dictionary<string, string> { ["--store"] = Store, ["--from"] = "2026-03-23", ["--to"] = "2026-03-30", ["--zone"] = "UTC", ["--out"] = output };
        args[option] = option == "--store" && value == "missing.db" ? Path.Combine(_dir, value) : value;
        var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), ["central", "report", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(Path.Combine(_dir, "missing.db")));
    }
}

/// <summary>The HTML gains report from a real PostgreSQL archive.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresGainsHtmlTests(PostgresFixture pg) : GainsHtmlTests, IClassFixture<PostgresFixture>
{
    private string? _database;

    protected override string Store => _database ?? throw new InvalidOperationException("no database yet");

    protected override async Task<IArchive> OpenArchiveAsync()
    {
        _database ??= await pg.Server.CreateDatabaseAsync();
        return await PostgresArchive.OpenAsync(_database);
    }
}

/// <summary>
/// The gains report as HTML, from <c>/report</c> and from <c>edgegateway central report</c>, read back with a real HTML
/// parser: every figure of the hand-worked week (<see cref="GainsSeed"/>) is in its cell, plots are inline SVG, and the
/// document needs nothing from outside.
/// </summary>
public abstract class GainsHtmlTests
{
    /// <summary>The archive as <c>--store</c> names it.</summary>
    protected abstract string Store { get; }

    protected abstract Task<IArchive> OpenArchiveAsync();

    [Fact]
    public async Task The_report_page_shows_every_figure_of_the_seeded_week_in_its_cell()
    {
        var archive = await OpenArchiveAsync();
        await GainsSeed.SeedAsync(archive);
        await using var centre = await CentreFixture.StartAsync(archive, [], new DutyCentreOptions { Zone = TimeZoneInfo.Utc });
        var web = centre.Web;
        using var http = new HttpClient { BaseAddress = web.Url, Timeout = TimeSpan.FromSeconds(30) };

        using var response = await http.GetAsync(new Uri("report?from=2026-03-23&to=2026-03-30&gateway=gw-r&minutes_per_visit=15", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertFigures(await response.Content.ReadAsStringAsync());

        using var bad = await http.GetAsync(new Uri("report?from=2026-03-23&to=yesterday", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"field\":\"to\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Central_report_writes_the_same_figures_to_a_file()
    {
        await using (var archive = await OpenArchiveAsync())
        {
            await GainsSeed.SeedAsync(archive);
        }

        var output = Path.Combine(Directory.CreateTempSubdirectory("report-out-").FullName, "report.html");
        try
        {
            var r = await CliRunner.RunAsync(TimeSpan.FromSeconds(60), "central", "report", "--store", Store, "--from", "2026-03-23", "--to", "2026-03-30", "--zone", "UTC", "--out", output);
            Assert.True(r.ExitCode == 0, r.StdErr);
            AssertFigures(await File.ReadAllTextAsync(output));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    private static void AssertFigures(string html)
    {
        using var doc = new HtmlParser().ParseDocument(html);

        // Self-contained: no script, no stylesheet or image fetched from anywhere.
        Assert.Empty(doc.QuerySelectorAll("script, link, img, iframe"));
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        var home = Assert.Single(doc.QuerySelectorAll("section.home"));
        Assert.Equal(GainsSeed.Gateway, home.GetAttribute("data-gateway"));
        Assert.Equal(["total", "2026-W13"], home.QuerySelectorAll("table.figures thead th[data-span]").Select(th => th.GetAttribute("data-span")!));
        var expected = new Dictionary<string, string>
        {
            ["alarms"] = "4",
            ["alarms_by_kind.alarm.fall"] = "1",
            ["alarms_by_kind.alarm.help-button"] = "2",
            ["alarms_by_kind.alarm.night-exit"] = "1",
            ["time_to_take.taken"] = "3",
            ["time_to_take.p50_s"] = "120",
            ["time_to_take.p90_s"] = "200",
            ["time_to_take.share_within_60s"] = "0.25",
            ["time_to_take.share_within_180s"] = "0.5",
            ["time_to_clear.cleared"] = "3",
            ["time_to_clear.p50_s"] = "400",
            ["time_to_clear.p90_s"] = "600",
            ["cleared_false_alarm"] = "1",
            ["cleared_no_help_needed"] = "1",
            ["fall_prealarms_cancelled"] = "1",
            ["night_exits"] = "1",
            ["nights"] = "6",
            ["nights_without_alarm"] = "4",
            ["hours_saved"] = "1",
            ["availability"] = GainsSeed.Availability.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["supervision_alarms.supervision.gateway-offline"] = "1",
        };
        foreach (var (figure, value) in expected)
        {
            var row = home.QuerySelector($"table.figures tr[data-figure='{figure}']");
            Assert.True(row is not null, $"no row for {figure}");
            foreach (var span in new[] { "total", "2026-W13" })
            {
                Assert.Equal((figure, span, value), (figure, span, Cell(row, span).GetAttribute("data-value")));
            }
        }

        // Read as a person reads it: the shares against the benchmark, marked as missed.
        var share60 = Cell(home.QuerySelector("tr[data-figure='time_to_take.share_within_60s']")!, "total");
        Assert.Equal(("25 %", "miss"), (share60.TextContent, share60.ClassName));
        Assert.Equal("1 h", Cell(home.QuerySelector("tr[data-figure='hours_saved']")!, "total").TextContent);

        // One overview row per home, and the plots are drawn inline: a bar per alarm kind, the benchmark lines.
        Assert.Equal("4", doc.QuerySelector($"table.overview tr[data-gateway='{GainsSeed.Gateway}'] td[data-figure='alarms']")?.GetAttribute("data-value"));
        var plots = home.QuerySelectorAll("svg").ToList();
        Assert.Equal(5, plots.Count);
        Assert.Equal(3, plots[0].QuerySelectorAll("rect").Length);
        Assert.Contains(plots, p => p.QuerySelectorAll("line.ref").Length == 2 && p.TextContent.Contains("97.5 %", StringComparison.Ordinal));
    }

    private static IElement Cell(IElement row, string span) =>
        row.QuerySelector($"td[data-span='{span}']") ?? throw new Xunit.Sdk.XunitException($"no {span} cell in {row.OuterHtml}");
}
