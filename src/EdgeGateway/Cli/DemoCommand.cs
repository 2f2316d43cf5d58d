using System.CommandLine;
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
        var command = new Command("demo", "Run a simulated home with an embedded broker and a central viewer, playing a scripted scenario.")
        {
            headless,
            speed,
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

            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(LogLevel.Warning)
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            IDemoView view = isHeadless ? new HeadlessView(Console.Out) : new SpectreView(AnsiConsole.Console);
            var runner = new DemoRunner(new DemoOptions(isHeadless, factor, TimeSpan.FromSeconds(15)), view, loggers);
            return await runner.RunAsync(ct).ConfigureAwait(false);
        });
        return command;
    }
}
