using System.CommandLine;
using EdgeGateway.Composition;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Cli;

/// <summary>Declares and reads the shared options, with errors that name the option.</summary>
internal sealed class UplinkCliOptionSet
{
    public Option<string> Broker { get; } = new("--broker") { Description = "Broker URL, e.g. mqtt://127.0.0.1:1883.", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };

    public Option<string> DataDir { get; } = new("--data-dir") { Description = "Directory of the durable outbox.", DefaultValueFactory = _ => "/var/lib/edgegateway" };

    public Option<string?> GatewayId { get; } = new("--gateway-id") { Description = "Gateway id (default: the one stored in the data dir, else the host name)." };

    public Option<double> KeepAlive { get; } = new("--keep-alive") { Description = "MQTT keep-alive in seconds; a dead link is noticed within it.", DefaultValueFactory = _ => 15 };

    public Option<double> Heartbeat { get; } = new("--heartbeat") { Description = "Heartbeat interval in seconds.", DefaultValueFactory = _ => 60 };

    public Option<double> AckTimeout { get; } = new("--ack-timeout") { Description = "Seconds to wait for the centre's ack before the first retransmission.", DefaultValueFactory = _ => 5 };

    public Option<string?> SecondaryBroker { get; } = new("--secondary-broker") { Description = "Broker URL over the secondary path (e.g. 4G); events fail over to it when the primary is lost." };

    public Option<double> FailBackHold { get; } = new("--fail-back-hold") { Description = "Seconds a returning primary must stay up before events go back to it.", DefaultValueFactory = _ => 10 };

    public Option<string?> CaFile { get; } = new("--ca-file") { Description = "The centre's CA certificate (PEM); the broker's chain is checked against it only." };

    public Option<string?> CertFile { get; } = new("--cert-file") { Description = "This gateway's client certificate (PEM) for mutual TLS." };

    public Option<string?> KeyFile { get; } = new("--key-file") { Description = "The client certificate's private key (PEM, mode 0600)." };

    public Option<string?> Username { get; } = new("--username") { Description = "Optional MQTT username." };

    public Option<string?> PasswordFile { get; } = new("--password-file") { Description = "Optional file with the MQTT password on its first line (mode 0600)." };

    public Option<bool> PlainLoopbackDemo { get; } = new("--plain-loopback-demo") { Description = "Allow plain TCP (mqtt://) to a loopback broker: demos and tests only." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Broker, DataDir, GatewayId, KeepAlive, Heartbeat, AckTimeout, SecondaryBroker, FailBackHold, CaFile, CertFile, KeyFile, Username, PasswordFile, PlainLoopbackDemo })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Reads the options; null and a message on stderr when one is invalid.</summary>
    public UplinkCliOptions? Read(ParseResult result)
    {
        MqttEndpoint broker;
        try
        {
            broker = MqttEndpoint.Parse(result.GetValue(Broker)!);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"--broker: {ex.Message}");
            return null;
        }

        MqttEndpoint? secondary = null;
        if (result.GetValue(SecondaryBroker) is { } secondaryUrl)
        {
            try
            {
                secondary = MqttEndpoint.Parse(secondaryUrl);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"--secondary-broker: {ex.Message}");
                return null;
            }
        }

        var security = new LinkSecurity
        {
            CaFile = result.GetValue(CaFile),
            CertFile = result.GetValue(CertFile),
            KeyFile = result.GetValue(KeyFile),
            Username = result.GetValue(Username),
            PasswordFile = result.GetValue(PasswordFile),
            PlainLoopbackDemo = result.GetValue(PlainLoopbackDemo),
        };
        foreach (var (name, endpoint) in new[] { ("--broker", broker), ("--secondary-broker", secondary) })
        {
            if (endpoint is null)
            {
                continue;
            }

            // Checked here, before anything opens: a refused setting names the option and the file.
            try
            {
                _ = security.Load(endpoint);
            }
            catch (LinkSecurityException ex)
            {
                Console.Error.WriteLine($"{name}: {ex.Message}");
                return null;
            }
        }

        var gatewayId = result.GetValue(GatewayId);
        if (gatewayId is not null)
        {
            try
            {
                CareEventFactory.ValidateGatewayId(gatewayId);
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"--gateway-id: {ex.Message}");
                return null;
            }
        }

        var seconds = new[] { (KeepAlive, 1.0, 3600.0), (Heartbeat, 0.1, 86_400.0), (AckTimeout, 0.05, 3600.0), (FailBackHold, 0.0, 3600.0) };
        foreach (var (option, min, max) in seconds)
        {
            var v = result.GetValue(option);
            if (double.IsNaN(v) || v < min || v > max)
            {
                Console.Error.WriteLine($"{option.Name} {v} is out of range: expected {min} to {max} seconds");
                return null;
            }
        }

        return new UplinkCliOptions(
            broker,
            result.GetValue(DataDir)!,
            gatewayId,
            TimeSpan.FromSeconds(result.GetValue(KeepAlive)),
            TimeSpan.FromSeconds(result.GetValue(Heartbeat)),
            TimeSpan.FromSeconds(result.GetValue(AckTimeout)))
        {
            SecondaryBroker = secondary,
            Security = security,
            FailBackHold = TimeSpan.FromSeconds(result.GetValue(FailBackHold)),
        };
    }

    public static ILoggerFactory Loggers(LogLevel level) => LoggerFactory.Create(b => b
        .SetMinimumLevel(level)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
