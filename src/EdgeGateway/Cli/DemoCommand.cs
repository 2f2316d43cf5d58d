using System.CommandLine;
using System.Net;
using EdgeGateway.Centre.Web;
using EdgeGateway.Demo;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway demo</c>: a simulated home on this machine, end to end over a real MQTT broker.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var headless = new Option<bool>("--headless") { Description = "Print one line per happening and exit when the scenario ends (exit 0 only if every expected event arrived)." };
        var speed = new Option<double>("--speed") { Description = "How many times faster than real time the scenario clock runs.", DefaultValueFactory = _ => 60 };
        var web = new Option<string?>("--web") { Description = "Serve the duty centre's page and API on this loopback ADDRESS:PORT, e.g. 127.0.0.1:8080 (default: a free loopback port; the URL is printed at the start)." };
        var command = new Command("demo", "Run a simulated home with an embedded broker and the duty centre (its page on loopback), playing a scripted scenario.")
        {
            headless,
            speed,
            web,
        };
        command.SetAction(async (result, ct) =>
        {
            var isHeadless = result.GetValue(headless);
            var factor = result.GetValue(speed);
            if (factor is <= 0 or > 10_000)
            {
                Console.Error.WriteLine($"--speed {factor} is out of range: expected a factor above 0 and at most 10000");
                return 2;
            }

            IPEndPoint? webAt = null;
            if (result.GetValue(web) is { } webText)
            {
                try
                {
                    webAt = CentreWeb.ParseAddress(webText);
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"--web: {ex.Message}");
                    return 2;
                }

                // The demo's page has no login; off loopback that would hand the alarms to the network (`central` does TLS and logins).
                if (!IPAddress.IsLoopback(webAt.Address))
                {
                    Console.Error.WriteLine($"--web {webText}: the demo serves its page on loopback only (no login), e.g. 127.0.0.1:{webAt.Port}; use `central --web` with TLS and operator accounts for anything else");
                    return 2;
                }
            }

            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(LogLevel.Warning)
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            IDemoView view = isHeadless ? new HeadlessView(Console.Out) : new SpectreView(AnsiConsole.Console);
            var runner = new DemoRunner(new DemoOptions(isHeadless, factor, TimeSpan.FromSeconds(15), webAt), view, loggers);
            return await runner.RunAsync(ct).ConfigureAwait(false);
        });
        return command;
    }
}
