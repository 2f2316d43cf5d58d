using System.CommandLine;
using System.Text;
using System.Globalization;
using System.Net;
using EdgeGateway.Centre;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Cli;

/// <summary><c>edgegateway central</c>: the reference duty centre (archive, supervision, escalation, JSON API); one JSON line per new event on stdout.</summary>
internal static class CentralCommand
{
    public static Command Create()
    {
        var broker = new Option<string>("--broker") { Description = "Broker URL, e.g. mqtt://127.0.0.1:1883.", DefaultValueFactory = _ => "mqtt://127.0.0.1:1883" };
        var group = new Option<string?>("--share-group") { Description = "MQTT 5 shared-subscription group: instances in one group split the events.", DefaultValueFactory = _ => "central" };
        var clientId = new Option<string?>("--client-id") { Description = "MQTT client id (default: central-<host>-<pid>)." };
        var secondary = new Option<string?>("--secondary-broker") { Description = "A second broker (the gateways' secondary path); events arriving over both are de-duplicated by id." };
        var ca = new Option<string?>("--ca-file") { Description = "CA certificate (PEM) the broker's chain is checked against (only this CA)." };
        var cert = new Option<string?>("--cert-file") { Description = "The centre's client certificate (PEM) for mutual TLS." };
        var key = new Option<string?>("--key-file") { Description = "The client certificate's private key (PEM, mode 0600)." };
        var username = new Option<string?>("--username") { Description = "Optional MQTT username." };
        var passwordFile = new Option<string?>("--password-file") { Description = "Optional file with the MQTT password on its first line (mode 0600)." };
        var ackBatch = new Option<int>("--ack-batch") { Description = $"Most event ids per ack message, 1 to {EventAck.MaxBatch} (default 256); 1 sends one ack per event, for gateways older than batched acks.", DefaultValueFactory = _ => new CentralAckOptions().MaxBatch };
        var takeAs = new Option<string?>("--take-as") { Description = "After acking each new alarm (= delivered), take it on as this operator: send alarm.acknowledge with by=NAME (= taken, \"help is coming\"). For demos and tests; a duty centre has a person do it." };
        var demo = new Option<bool>("--plain-loopback-demo") { Description = "Allow plain TCP (mqtt://) to a loopback broker: demos and tests only." };
        var store = new Option<string>("--store") { Description = "The archive: a SQLite file (default centre.db), or postgres://user:password@host:port/db or an Npgsql connection string (several instances share one).", DefaultValueFactory = _ => "centre.db" };
        var web = new Option<string?>("--web") { Description = "Serve the nurses' page and the JSON API on ADDRESS:PORT, e.g. 127.0.0.1:8080; an address other than loopback needs --web-cert, --web-key and --web-accounts." };
        var webCert = new Option<string?>("--web-cert") { Description = "The page's TLS certificate (PEM, with its chain); serves HTTPS." };
        var webKey = new Option<string?>("--web-key") { Description = "The TLS certificate's private key (PEM, mode 0600)." };
        var webAccounts = new Option<string?>("--web-accounts") { Description = "Operator accounts (password hashes, made with `central add-operator`): the page and API ask for a login and record every action under it." };
        var webHosts = new Option<string[]>("--web-host") { Description = "A host name the page is served under (repeat for several), e.g. centre.example.org; a request naming another host is refused (DNS rebinding). IP literals are always served (on loopback: loopback literals and localhost).", AllowMultipleArgumentsPerToken = false };
        var heartbeatMax = new Option<int>("--heartbeat-max") { Description = $"The longest heartbeat interval in seconds a gateway's claim is believed up to ({HeartbeatLimits.MinSeconds}–{HeartbeatLimits.MaxSeconds}, not below 60; default {HeartbeatLimits.MaxSeconds}); a home claiming more is supervised at 60 s.", DefaultValueFactory = _ => HeartbeatLimits.MaxSeconds };
        var webhook = new Option<string?>("--escalation-webhook") { Description = "POST each escalation as JSON to this http(s) URL." };
        var offlineGrace = new Option<int>("--offline-grace") { Description = "Seconds a gateway may be offline (last will) before the gateway-offline alarm (default 60).", DefaultValueFactory = _ => 60 };
        var dailyTest = new Option<string?>("--daily-test-by") { Description = "Local HH:MM by which each gateway's daily test must have arrived; flagged when it has not (default: not checked)." };
        var command = new Command("central", "The duty centre: store every event once and acknowledge it, supervise every gateway, escalate untaken alarms, serve the JSON API; print each new event as a JSON line.")
        {
            store,
            web,
            webCert,
            webKey,
            webAccounts,
            webHosts,
            webhook,
            offlineGrace,
            heartbeatMax,
            dailyTest,
            broker,
            group,
            clientId,
            secondary,
            ca,
            cert,
            key,
            username,
            passwordFile,
            ackBatch,
            takeAs,
            demo,
        };
        command.Subcommands.Add(AddOperatorCommand());
        command.Subcommands.Add(CentralReportCommand.Create());
        command.SetAction(async (result, ct) =>
        {
            var endpoints = new List<MqttEndpoint>();
            foreach (var (option, url) in new (Option, string?)[] { (broker, result.GetValue(broker)), (secondary, result.GetValue(secondary)) })
            {
                if (url is null)
                {
                    continue;
                }

                try
                {
                    endpoints.Add(MqttEndpoint.Parse(url));
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"{option.Name}: {ex.Message}");
                    return 2;
                }
            }

            var security = new LinkSecurity
            {
                CaFile = result.GetValue(ca),
                CertFile = result.GetValue(cert),
                KeyFile = result.GetValue(key),
                Username = result.GetValue(username),
                PasswordFile = result.GetValue(passwordFile),
                PlainLoopbackDemo = result.GetValue(demo),
            };

            var share = result.GetValue(group);
            if (share is not null && (share.Length == 0 || share.IndexOfAny(['/', '+', '#']) >= 0))
            {
                Console.Error.WriteLine($"--share-group '{share}' is invalid: expected a non-empty name without '/', '+' or '#'");
                return 2;
            }

            var batch = result.GetValue(ackBatch);
            if (batch is < 1 or > EventAck.MaxBatch)
            {
                Console.Error.WriteLine($"--ack-batch {batch} is invalid: expected 1 to {EventAck.MaxBatch} ids per ack");
                return 2;
            }

            IPEndPoint? webAt = null;
            if (result.GetValue(web) is { } webAddress)
            {
                try
                {
                    webAt = CentreWeb.ParseAddress(webAddress);
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"--web: {ex.Message}");
                    return 2;
                }
            }

            if (LoadWebSecurity(webAt, result.GetValue(webCert), result.GetValue(webKey), result.GetValue(webAccounts)) is not { } webSecurity)
            {
                return 2;
            }

            var hostNames = result.GetValue(webHosts) ?? [];
            if (hostNames.FirstOrDefault(h => Uri.CheckHostName(h) != UriHostNameType.Dns) is { } badHost)
            {
                Console.Error.WriteLine($"--web-host '{badHost}' is invalid: expected a DNS name such as centre.example.org (IP literals are always served)");
                return 2;
            }

            if (hostNames.Length > 0 && webAt is null)
            {
                Console.Error.WriteLine("--web-host needs --web ADDRESS:PORT");
                return 2;
            }

            webSecurity = webSecurity with { Hosts = hostNames };
            var beatMax = result.GetValue(heartbeatMax);
            if (beatMax is < 60 or > HeartbeatLimits.MaxSeconds)
            {
                Console.Error.WriteLine($"--heartbeat-max {beatMax} is invalid: expected 60 to {HeartbeatLimits.MaxSeconds} seconds (60 s is what a home claiming more is held to)");
                return 2;
            }

            Uri? hook = null;
            if (result.GetValue(webhook) is { } hookText && (!Uri.TryCreate(hookText, UriKind.Absolute, out hook) || hook.Scheme is not ("http" or "https")))
            {
                Console.Error.WriteLine($"--escalation-webhook '{hookText}' is invalid: expected an http:// or https:// URL");
                return 2;
            }

            TimeOnly? dailyBy = null;
            if (result.GetValue(dailyTest) is { } dailyText)
            {
                if (!TimeOnly.TryParseExact(dailyText, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var by))
                {
                    Console.Error.WriteLine($"--daily-test-by '{dailyText}' is invalid: expected a local time HH:MM, e.g. 11:00");
                    return 2;
                }

                dailyBy = by;
            }

            var grace = result.GetValue(offlineGrace);
            if (grace < 0)
            {
                Console.Error.WriteLine($"--offline-grace {grace} is invalid: expected 0 or more seconds");
                return 2;
            }

            var operatorName = result.GetValue(takeAs);
            if (operatorName is not null && (operatorName.Trim().Length == 0 || operatorName.Length > 128 || operatorName.Any(char.IsControl)))
            {
                Console.Error.WriteLine($"--take-as '{operatorName}' is invalid: expected the operator's name, 1 to 128 printable characters");
                return 2;
            }

            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            var id = result.GetValue(clientId) ?? $"central-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
            var dedup = new CentralDedup();
            var centrals = new List<CentralConsumer>();
            try
            {
                foreach (var endpoint in endpoints)
                {
                    centrals.Add(new CentralConsumer(endpoint, centrals.Count == 0 ? id : $"{id}-2", share, loggers.CreateLogger("central"), security, dedup, new CentralAckOptions { MaxBatch = batch }) { FollowGateways = true });
                }
            }
            catch (LinkSecurityException ex)
            {
                Console.Error.WriteLine($"--broker: {ex.Message}");
                return 2;
            }

            // Opened once every option is known good, so a refused option leaves no archive file behind.
            var storeText = result.GetValue(store)!;
            IArchive archive;
            try
            {
                archive = await ArchiveStore.OpenAsync(storeText, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FormatException or System.Data.Common.DbException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                foreach (var c in centrals)
                {
                    await c.DisposeAsync().ConfigureAwait(false);
                }

                Console.Error.WriteLine($"--store {ArchiveStore.Redact(storeText)}: cannot open the archive: {ex.Message}");
                return 2;
            }

            // --take-as goes through the centre's own take (not the consumer's), so the archive records who took each alarm.
            var options = new DutyCentreOptions { OfflineGrace = TimeSpan.FromSeconds(grace), EscalationWebhook = hook, DailyTestBy = dailyBy, TakeAs = operatorName?.Trim(), MaxHeartbeatInterval = TimeSpan.FromSeconds(beatMax) };
            await using (archive.ConfigureAwait(false))
            {
                var centre = new DutyCentre(archive, centrals, options, loggers.CreateLogger("centre"));
                await using (centre.ConfigureAwait(false))
                {
                    return await RunAsync(centre, webAt, webSecurity with { Audit = loggers.CreateLogger("web") }, loggers.CreateLogger("web"), ct).ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(DutyCentre centre, IPEndPoint? webAt, CentreWebSecurity webSecurity, ILogger webLogger, CancellationToken ct)
    {
        var stdout = Console.Out;
        var gate = new Lock();
        centre.EventRecorded += evt =>
        {
            var line = Encoding.UTF8.GetString(CloudEventCodec.Serialize(evt));
            lock (gate)
            {
                stdout.WriteLine(line);
                stdout.Flush();
            }

            return Task.CompletedTask;
        };

        try
        {
            await centre.StartAsync(ct).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException ex)
        {
            Console.Error.WriteLine($"--broker: cannot connect: {ex.Message}");
            return 3;
        }

        CentreWeb? webHost = null;
        try
        {
            if (webAt is not null)
            {
                try
                {
                    webHost = await CentreWeb.StartAsync(centre, webAt, webSecurity, webLogger, ct).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    Console.Error.WriteLine($"--web {webAt}: cannot listen: {ex.Message}");
                    return 3;
                }

                Console.Error.WriteLine($"central: JSON API on {webHost.Url}api/ (live feed: {webHost.Url}api/events/stream), the nurses' page on {webHost.Url}{(webSecurity.Accounts is null ? "" : " (operator login required)")}");
            }

            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (webHost is not null)
            {
                await webHost.DisposeAsync().ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>
    /// The page's TLS and login from --web-cert/--web-key/--web-accounts, checked against the address (anything but
    /// loopback needs both); prints what is wrong and returns null.
    /// </summary>
    private static CentreWebSecurity? LoadWebSecurity(IPEndPoint? webAt, string? certPath, string? keyPath, string? accountsPath)
    {
        if (webAt is null)
        {
            if (certPath is not null || keyPath is not null || accountsPath is not null)
            {
                Console.Error.WriteLine("--web-cert, --web-key and --web-accounts need --web ADDRESS:PORT");
                return null;
            }

            return CentreWebSecurity.None;
        }

        if ((certPath is null) != (keyPath is null))
        {
            Console.Error.WriteLine(certPath is null ? "--web-key needs --web-cert (the certificate it belongs to)" : "--web-cert needs --web-key (its private key, PEM)");
            return null;
        }

        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        OperatorAccounts? accounts = null;
        try
        {
            if (certPath is not null && keyPath is not null)
            {
                LinkSecurity.CheckPrivate(keyPath, "--web-key");
                if (!File.Exists(certPath))
                {
                    Console.Error.WriteLine($"--web-cert '{certPath}' does not exist");
                    return null;
                }

                certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certPath, keyPath);
            }

            if (accountsPath is not null)
            {
                LinkSecurity.CheckPrivate(accountsPath, "--web-accounts");
                accounts = OperatorAccounts.Load(accountsPath);
            }

            var security = new CentreWebSecurity(certificate, accounts);
            security.CheckFor(webAt);
            return security;
        }
        catch (LinkSecurityException ex)
        {
            Console.Error.WriteLine(ex.Message);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            Console.Error.WriteLine($"--web-cert '{certPath}' / --web-key '{keyPath}': not a PEM certificate with its private key: {ex.Message}");
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"--web-accounts '{accountsPath}': {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"--web: {ex.Message}");
        }

        certificate?.Dispose();
        return null;
    }

    /// <summary><c>central add-operator --accounts FILE --name NAME</c>: adds an operator (or sets a new password), reading the password from stdin.</summary>
    private static Command AddOperatorCommand()
    {
        var accounts = new Option<string>("--accounts") { Description = "The accounts file (--web-accounts); created with mode 0600 when missing.", Required = true };
        var name = new Option<string>("--name") { Description = "The operator's name, as it is recorded with each action, e.g. \"Nurse Berit\".", Required = true };
        var passwordFile = new Option<string?>("--password-file") { Description = "Read the password from the first line of this file instead of stdin." };
        var iterations = new Option<int>("--iterations") { Description = $"PBKDF2-SHA256 iterations (default {OperatorAccounts.DefaultIterations}).", DefaultValueFactory = _ => OperatorAccounts.DefaultIterations };
        var command = new Command("add-operator", "Add an operator account for the page (or give one a new password): reads the password from stdin, stores only its PBKDF2 hash.")
        {
            accounts,
            name,
            passwordFile,
            iterations,
        };
        command.SetAction(result =>
        {
            var path = result.GetValue(accounts)!;
            var who = result.GetValue(name)!;
            if (OperatorAccounts.ValidateName(who) is { } bad)
            {
                Console.Error.WriteLine($"--name: {bad}");
                return 2;
            }

            var rounds = result.GetValue(iterations);
            if (rounds < 10_000)
            {
                Console.Error.WriteLine($"--iterations {rounds} is invalid: expected at least 10000");
                return 2;
            }

            string? password;
            if (result.GetValue(passwordFile) is { } file)
            {
                if (!File.Exists(file))
                {
                    Console.Error.WriteLine($"--password-file '{file}' does not exist");
                    return 2;
                }

                password = File.ReadLines(file).FirstOrDefault();
            }
            else
            {
                if (!Console.IsInputRedirected)
                {
                    Console.Error.Write($"Password for {who}: ");
                }

                try
                {
                    password = ReadPassword();
                }
                catch (InvalidOperationException)
                {
                    Console.Error.WriteLine("no terminal to type the password on: pipe it on stdin or give --password-file");
                    return 2;
                }
            }

            if (password is null || password.Length < 8)
            {
                Console.Error.WriteLine("the password must have at least 8 characters (the first line of stdin or --password-file)");
                return 2;
            }

            try
            {
                var added = OperatorAccounts.AddOrReplace(path, who, password, rounds);
                Console.Error.WriteLine(added ? $"added operator '{who}' to {path}" : $"new password for operator '{who}' in {path}");
                return 0;
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"--accounts '{path}': {ex.Message}; the file is unchanged");
                return 2;
            }
        });
        return command;
    }

    // Typed at a terminal: not echoed. Piped: the first line.
    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return typed.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }
}
