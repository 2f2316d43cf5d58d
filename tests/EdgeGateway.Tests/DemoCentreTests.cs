using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Tests;

/// <summary>`edgegateway demo` runs the real duty centre: its page and API on loopback, the alarms in its archive.</summary>
[Trait("Category", "Integration")]
public class DemoCentreTests
{
    [Fact]
    public async Task Demo_serves_the_nurses_page_on_the_given_port_and_its_archive_records_the_nurses_actions()
    {
        var port = FreeLoopbackPort();
        await using var demo = CliProcess.Start("demo", "--headless", "--speed", "120", "--web", $"127.0.0.1:{port}");
        var line = await demo.WaitForLineAsync("the nurses' page:", TimeSpan.FromSeconds(60));
        Assert.Contains($"http://127.0.0.1:{port}/", line, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        var html = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);

        // While the demo plays, the API a browser would poll shows the night exit taken by the nurse and then cleared by her.
        JsonElement? nightExit = null;
        for (var polls = 0; nightExit is null; polls++)
        {
            Assert.True(polls < 1200 && !demo.HasExited, $"no cleared night-exit alarm on the page\n{demo.StdOut}\n{demo.StdErr}");
            await Task.Delay(100);
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/alarms?state=all", UriKind.Relative)));
            var found = doc.RootElement.EnumerateArray().FirstOrDefault(a => a.GetProperty("type").GetString() == "org.edgegateway.alarm.night-exit");
            nightExit = found.ValueKind == JsonValueKind.Object && found.GetProperty("state").GetString() == "cleared" ? found.Clone() : null;
        }

        var alarm = nightExit!.Value;
        Assert.Equal("Nurse Berit", alarm.GetProperty("taken_by").GetString());
        Assert.Equal("Nurse Berit", alarm.GetProperty("cleared_by").GetString());
        Assert.Equal("help given", alarm.GetProperty("clear_reason").GetString());
        Assert.True(alarm.GetProperty("delivered_at").GetDateTimeOffset() <= alarm.GetProperty("taken_at").GetDateTimeOffset());
        Assert.True(alarm.GetProperty("taken_at").GetDateTimeOffset() <= alarm.GetProperty("cleared_at").GetDateTimeOffset());

        await demo.WaitForExitAsync(TimeSpan.FromSeconds(150));
        Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.StdOut}\n{demo.StdErr}");
    }

    [Fact]
    public async Task Demo_refuses_a_page_address_off_loopback()
    {
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(30), "demo", "--headless", "--web", "0.0.0.0:8080");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--web 0.0.0.0:8080: the demo serves its page on loopback only", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("the nurses' page:", result.StdOut, StringComparison.Ordinal);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
