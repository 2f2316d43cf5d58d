using System.CommandLine;
using System.Text;
using System.Globalization;
using System.Net;
using EdgeGateway.Centre;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.NextOfKin;
using EdgeGateway.Centre.Push;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Web;
using EdgeGateway.Composition;
using EdgeGateway.Contract;
using EdgeGateway.Devices.Modem;
using EdgeGateway.Releases;
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
        var ackBatch = new Option<int>("--ack-batch") { Description = $"Most event ids per ack message, 1 to {EventAck.MaxBatch} (default 256); 1 sends one ack per event, for gateways older than batched acks.", DefaultValueFactory = _ => new CentreAckOptions().MaxBatch };
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
        var massOutageHomes = new Option<int>("--mass-outage-homes") { Description = "Homes of one zone quiet at once (offline or silent) from which their alarms become one mass-outage incident with a count (default 10); 0 turns grouping off: every home its own alarm.", DefaultValueFactory = _ => new DutyCentreOptions().MassOutageHomes };
        var residentKey = new Option<string?>("--resident-key") { Description = "The key file resident records are sealed with at rest (32 random bytes, base64; created with mode 0600 when missing). Keep it outside the archive and back it up apart from it: without it the records cannot be read. Without this option resident records are off." };
        var vapidKey = new Option<string?>("--vapid-key") { Description = "The centre's VAPID key file for Web Push to the duty phones (PEM P-256 private key; created with mode 0600 when missing, its public key printed). Back it up: a new key makes every phone subscribe again. Without this option push is off." };
        var vapidSubject = new Option<string?>("--vapid-subject") { Description = "Who runs this centre, for the push services (mailto:ADDRESS or an https:// URL); required with --vapid-key." };
        var smsModem = new Option<bool>("--sms-modem") { Description = "Send next of kin the SMS their home's coordinator asked for through this host's 4G modem, with ModemManager's mmcli (docs/operations.md). Without it such an SMS is recorded as not sent." };
        var smsSignoff = new Option<string?>("--sms-signoff") { Description = $"Ends every SMS to next of kin, e.g. \"Oslo duty centre, +47 21 00 00 00\" (one line, at most {KinSmsOptions.MaxSignoff} characters): whom the family can call back." };
        var releasesDir = new Option<string?>("--releases-dir") { Description = "Serve the signed release archives in this directory at /releases/FILE (with Range, no login: they are signed and hold no secret) for the gateways a rollout updates; `central rollout start` copies them here." };
        var releaseKeys = new Option<string[]>("--release-key") { Description = "A public key the gateways trust for releases (PEM; repeat for several): with --releases-dir and --base-url a technician can start a rollout from the page, verified against these.", AllowMultipleArgumentsPerToken = false };
        var baseUrl = new Option<string?>("--base-url") { Description = "The centre's URL as the gateways reach it, e.g. https://centre.example.org: a rollout started from the page has them download BASE/releases/FILE." };
        var dailyTest = new Option<string?>("--daily-test-by") { Description = "Local HH:MM by which each gateway's daily test must have arrived; flagged when it has not (default: not checked)." };
        var command = new Command("central", "The duty centre: store every event once and acknowledge it, supervise every gateway, escalate untaken alarms, serve the JSON API; print each new event as a JSON line.")
        {
            store,
            web,
            webCert,
            webKey,
            webAccounts,
            webHosts,
            releasesDir,
            releaseKeys,
            baseUrl,
            webhook,
            offlineGrace,
            massOutageHomes,
            heartbeatMax,
            dailyTest,
            residentKey,
            vapidKey,
            vapidSubject,
            smsModem,
            smsSignoff,
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
        command.Subcommands.Add(AddOperatorCommand.Create());
        command.Subcommands.Add(CentralReportCommand.Create());
        command.Subcommands.Add(CentralRolloutCommand.Create());
        command.SetAction(async (result, ct) =>
        {
            var security = new LinkSecurity
            {
                CaFile = result.GetValue(ca),
                CertFile = result.GetValue(cert),
                KeyFile = result.GetValue(key),
                Username = result.GetValue(username),
                PasswordFile = result.GetValue(passwordFile),
                PlainLoopbackDemo = result.GetValue(demo),
            };

            var brokers = new List<CentreBroker>();
            foreach (var (option, url) in new (Option, string?)[] { (broker, result.GetValue(broker)), (secondary, result.GetValue(secondary)) })
            {
                if (url is null)
                {
                    continue;
                }

                try
                {
                    brokers.Add(new CentreBroker(MqttEndpoint.Parse(url), security));
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"{option.Name}: {ex.Message}");
                    return 2;
                }
            }

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

            if (CentralWebSecurity.Load(webAt, result.GetValue(webCert), result.GetValue(webKey), result.GetValue(webAccounts)) is not { } webSecurity)
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

            var massHomes = result.GetValue(massOutageHomes);
            if (massHomes < 0)
            {
                Console.Error.WriteLine($"--mass-outage-homes {massHomes} is invalid: expected 0 (no grouping) or more homes");
                return 2;
            }

            var operatorName = result.GetValue(takeAs);
            if (operatorName is not null && (operatorName.Trim().Length == 0 || operatorName.Length > 128 || operatorName.Any(char.IsControl)))
            {
                Console.Error.WriteLine($"--take-as '{operatorName}' is invalid: expected the operator's name, 1 to 128 printable characters");
                return 2;
            }

            var releases = result.GetValue(releasesDir) is { } dir ? Path.GetFullPath(dir) : null;
            if (releases is not null && !Directory.Exists(releases))
            {
                Console.Error.WriteLine($"--releases-dir '{result.GetValue(releasesDir)}' is invalid: no such directory");
                return 2;
            }

            ReleaseRolloutStarter? starter = null;
            if (result.GetValue(releaseKeys) is { Length: > 0 } keyFiles)
            {
                if (releases is null)
                {
                    Console.Error.WriteLine("--release-key needs --releases-dir: the directory the signed archives are in");
                    return 2;
                }

                if (!Uri.TryCreate(result.GetValue(baseUrl), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(baseUri.Query))
                {
                    Console.Error.WriteLine($"--base-url '{result.GetValue(baseUrl)}' is invalid: expected the centre's http(s) URL as the gateways reach it, e.g. https://centre.example.org (required with --release-key)");
                    return 2;
                }

                var trusted = new List<NSec.Cryptography.PublicKey>();
                try
                {
                    foreach (var file in keyFiles)
                    {
                        trusted.Add(ReleaseSigning.ImportPublicKey(File.ReadAllText(file), file));
                    }
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"--release-key: {ex.Message}");
                    return 2;
                }

                starter = new ReleaseRolloutStarter(releases, trusted, baseUri, TimeProvider.System);
            }

            ResidentKey? sealing = null;
            if (result.GetValue(residentKey) is { } keyPath)
            {
                try
                {
                    sealing = ResidentKey.LoadOrCreate(keyPath, out var created);
                    if (created)
                    {
                        Console.Error.WriteLine($"--resident-key: created {keyPath} (mode 0600) with a new key, fingerprint {sealing.Id}; back it up apart from the archive");
                    }
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"--resident-key '{keyPath}': {ex.Message}");
                    return 2;
                }
            }

            PushOptions? push = null;
            if (result.GetValue(vapidKey) is { } vapidPath)
            {
                try
                {
                    var subject = PushOptions.CheckSubject(result.GetValue(vapidSubject) ?? throw new ArgumentException("--vapid-subject is required with --vapid-key: mailto:ADDRESS or an https:// URL the push services may write to"));
                    var pair = VapidKey.LoadOrCreate(vapidPath, out var created);
                    if (created)
                    {
                        Console.Error.WriteLine($"--vapid-key: created {vapidPath} (mode 0600) with a new key, public key {pair.PublicKey}; back it up: with a new key every phone must subscribe again");
                    }

                    push = new PushOptions(pair, subject);
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"--vapid-key '{vapidPath}': {ex.Message}");
                    return 2;
                }
            }
            else if (result.GetValue(vapidSubject) is not null)
            {
                Console.Error.WriteLine("--vapid-subject needs --vapid-key FILE (the key the duty phones subscribe with)");
                return 2;
            }

            KinSmsOptions? sms = null;
            var signoff = result.GetValue(smsSignoff);
            if (result.GetValue(smsModem))
            {
                try
                {
                    sms = CentreSms.Through(new MmcliSms(TimeProvider.System), signoff);
                }
                catch (ArgumentException ex)
                {
                    Console.Error.WriteLine($"--sms-signoff: {ex.Message}");
                    return 2;
                }
            }
            else if (signoff is not null)
            {
                Console.Error.WriteLine("--sms-signoff needs --sms-modem (the modem the SMS to next of kin go through)");
                return 2;
            }

            using var loggers = LoggerFactory.Create(b => b
                .SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            var id = result.GetValue(clientId) ?? $"central-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

            // --take-as goes through the centre's own take (not the consumer's), so the archive records who took each alarm.
            var builder = new CentreBuilder(loggers)
            {
                Brokers = brokers,
                ClientId = id,
                ShareGroup = share,
                Acks = new CentreAckOptions { MaxBatch = batch },
                Options = new DutyCentreOptions { OfflineGrace = TimeSpan.FromSeconds(grace), MassOutageHomes = massHomes, EscalationWebhook = hook, DailyTestBy = dailyBy, TakeAs = operatorName?.Trim(), MaxHeartbeatInterval = TimeSpan.FromSeconds(beatMax), ResidentKey = sealing, Push = push, Sms = sms, ReleasesDirectory = releases, RolloutStarter = starter },
                Web = webAt,
                WebSecurity = webSecurity with { Audit = loggers.CreateLogger("web") },
            };

            // Opened once every option is known good (the builder makes the consumers first), so a refused option leaves no archive file behind.
            var storeText = result.GetValue(store)!;
            CentreHost host;
            try
            {
                host = await builder.BuildAsync(storeText, ct).ConfigureAwait(false);
            }
            catch (LinkSecurityException ex)
            {
                Console.Error.WriteLine($"--broker: {ex.Message}");
                return 2;
            }
            catch (Exception ex) when (ex is FormatException or System.Data.Common.DbException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"--store {ArchiveStore.Redact(storeText)}: cannot open the archive: {ex.Message}");
                return 2;
            }

            await using (host.ConfigureAwait(false))
            {
                return await RunAsync(host, webAt, webSecurity.Accounts is not null, ct).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CentreHost host, IPEndPoint? webAt, bool login, CancellationToken ct)
    {
        var stdout = Console.Out;
        var gate = new Lock();
        host.Centre.EventRecorded += evt =>
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
            await host.StartAsync(ct).ConfigureAwait(false);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException ex)
        {
            Console.Error.WriteLine($"--broker: cannot connect: {ex.Message}");
            return 3;
        }
        catch (IOException ex) when (webAt is not null)
        {
            Console.Error.WriteLine($"--web {webAt}: cannot listen: {ex.Message}");
            return 3;
        }

        if (host.Web is { } webHost)
        {
            Console.Error.WriteLine($"central: JSON API on {webHost.Url}api/ (live feed: {webHost.Url}api/events/stream), the nurses' page on {webHost.Url}{(login ? " (operator login required)" : "")}");
        }

        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
