using System.CommandLine;
using System.Text;
using EdgeGateway.Uplink.Contract;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway central</c>: the reference centre-side consumer; one JSON line per new event on stdout.</summary>
internal static class CentralCommand
{
    public static Command Create()
    {
        var broker = new Option<string>("--broker") { Description = "Broker URL, e.g. mqtt://127.0.0.1:1883.", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };
        var group = new Option<string?>("--share-group") { Description = "MQTT 5 shared-subscription group: instances in one group split the events.", DefaultValueFactory = _ => "central" };
        var clientId = new Option<string?>("--client-id") { Description = "MQTT client id (default: central-<host>-<pid>)." };
        var command = new Command("central", "Receive every gateway's events, acknowledge each, de-duplicate by id and print each new one as a JSON line.")
        {
            broker,
            group,
            clientId,
        };
        command.SetAction(async (result, ct) =>
        {
            MqttEndpoint endpoint;
            try
            {
                endpoint = MqttEndpoint.Parse(result.GetValue(broker)!);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"--broker: {ex.Message}");
                return 2;
            }

            var share = result.GetValue(group);
            if (share is not null && (share.Length == 0 || share.IndexOfAny(['/', '+', '#']) >= 0))
            {
                Console.Error.WriteLine($"--share-group '{share}' is invalid: expected a non-empty name without '/', '+' or '#'");
                return 2;
            }

            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            var id = result.GetValue(clientId) ?? $"central-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
            await using var central = new CentralConsumer(endpoint, id, share, loggers.CreateLogger("central"));
            var stdout = Console.Out;
            var gate = new Lock();
            central.EventReceived += (evt, isNew) =>
            {
                if (isNew)
                {
                    var line = Encoding.UTF8.GetString(CloudEventCodec.Serialize(evt));
                    lock (gate)
                    {
                        stdout.WriteLine(line);
                        stdout.Flush();
                    }
                }

                return Task.CompletedTask;
            };

            try
            {
                await central.StartAsync(ct).ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException ex)
            {
                Console.Error.WriteLine($"--broker {endpoint}: cannot connect: {ex.Message}");
                return 3;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }
}
