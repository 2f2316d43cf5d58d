using System.CommandLine;
using EdgeGateway.Composition;
using EdgeGateway.Contract;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway run</c>: the gateway's uplink — delivers the outbox in the data dir (including what a killed process left) and keeps supervision going.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var shared = new UplinkCliOptionSet();
        var config = new Option<string?>("--config") { Description = "The gateway config (JSON): home, rules, uplink. Without it, run only delivers what the outbox in --data-dir holds." };
        var command = new Command("run", "Run the gateway: arm the local alarm loop, then store and deliver its events to the centre, with status and heartbeats, until stopped.");
        shared.AddTo(command);
        var console = new Option<string?>("--console") { Description = "Offer the technician console on a tty (/dev/ttyS0, /dev/ttyGS0, a pty) or '-' for stdin/stdout; needs --config." };
        command.Options.Add(config);
        command.Options.Add(console);
        command.SetAction(async (result, ct) =>
        {
            if (result.GetValue(config) is { } configPath)
            {
                return await GatewayRunner.RunAsync(configPath, result.GetValue(console), result, shared, ct).ConfigureAwait(false);
            }

            if (shared.Read(result) is not { } options)
            {
                return 2;
            }

            using var loggers = UplinkCliOptionSet.Loggers(LogLevel.Information);
            if (GatewayBuilder.TryBuildDeliveryOnly(options, loggers, out var exitCode) is not { } gateway)
            {
                return exitCode;
            }

            await using (gateway.ConfigureAwait(false))
            {
                await gateway.Uplink.RunAsync(ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
