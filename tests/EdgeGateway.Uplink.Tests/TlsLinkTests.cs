using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Centre;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>mosquitto with TLS, client certificates as identities and an ACL that keeps gateways apart; all files made by the test.</summary>
[Trait("Category", "Integration")]
public sealed class TlsLinkTests(ITestOutputHelper output) : IDisposable
{
    private static readonly UplinkOptions Fast = new()
    {
        KeepAlive = TimeSpan.FromSeconds(2),
        AckTimeout = TimeSpan.FromSeconds(1),
        ReconnectInitial = TimeSpan.FromMilliseconds(50),
        ReconnectMax = TimeSpan.FromMilliseconds(300),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    private readonly TestPki _pki = TestPki.Create();
    private readonly string _dir = Directory.CreateTempSubdirectory("tls-").FullName;
    private readonly StrictLogs _logs = new(output);

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
        _logs.Dispose();
    }

    [Fact]
    public async Task Gateway_delivers_over_mutual_tls_and_the_acl_keeps_gateway_a_out_of_gateway_b()
    {
        await using var broker = await StartTlsBrokerAsync();
        var central = Security("central");
        var a = Security("gw-a");
        var b = Security("gw-b");

        // The real uplink of gateway A over mutual TLS, acknowledged by a central over mutual TLS.
        var factory = new CareEventFactory("gw-a", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);
        var uplink = new ReliableUplink([new UplinkPath(PathRole.Primary, MqttEndpoint.Parse(broker.TlsUrl), a)], "gw-a", outbox, factory, Fast, _logs.Logger, TimeProvider.System);
        var atCentre = new ConcurrentDictionary<Guid, CareEvent>();
        await using var consumer = CentreFixture.AckingEnds([broker.TlsUrl], "central-1", security: central, loggers: _logs)[0];
        consumer.EventReceived += (e, _) =>
        {
            atCentre[e.Id] = e;
            return Task.CompletedTask;
        };
        await consumer.StartAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = uplink.RunAsync(stop.Token);
        var alarm = factory.Create(CareEventKind.HelpButton, "cord", "over TLS");
        await outbox.AcceptAsync(alarm);
        await Eventually.UntilAsync(() => atCentre.ContainsKey(alarm.Id) && outbox.Depth == 0, TimeSpan.FromSeconds(10), () => "broker log: " + broker.Log);

        // A raw client with A's certificate: it may not publish into B's topics, nor read them.
        using var spyA = await ConnectRawAsync(broker, a, "spy-a");
        var readByA = new ConcurrentBag<string>();
        spyA.ApplicationMessageReceivedAsync += m =>
        {
            readByA.Add(m.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        var sub = await spyA.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edgegateway/v1/gw-b/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        output.WriteLine($"A subscribing to B's topics: {sub.Items.First().ResultCode}");
        var forged = factory.Create(CareEventKind.HelpButton, "cord", "forged as gw-b");
        var forgedPub = await spyA.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events("gw-b", EventClass.Alarm))
            .WithPayload(CloudEventCodec.Serialize(forged))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        output.WriteLine($"A publishing into B's topics: {forgedPub.ReasonCode}");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forgedPub.ReasonCode);

        // B publishes its own event: the central reads it, A does not.
        using var gwB = await ConnectRawAsync(broker, b, "gw-b-raw");
        var fromB = new CareEventFactory("gw-b", TimeProvider.System, new FixedClockSyncStatus(true)).Create(CareEventKind.HelpButton, "cord", "from B");
        var bPub = await gwB.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events("gw-b", EventClass.Alarm))
            .WithPayload(CloudEventCodec.Serialize(fromB))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        Assert.True(bPub.IsSuccess, bPub.ReasonCode.ToString());
        await Eventually.UntilAsync(() => atCentre.ContainsKey(fromB.Id), TimeSpan.FromSeconds(5), () => "broker log: " + broker.Log);
        await Task.Delay(300);
        Assert.Empty(readByA);
        Assert.False(atCentre.ContainsKey(forged.Id));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Handshake_failures_give_clear_errors_and_retries_not_crashes()
    {
        await using var broker = await StartTlsBrokerAsync();
        var (expiredCert, expiredKey) = _pki.IssueExpiredClient("gw-a");
        var (rogueCert, rogueKey) = _pki.IssueClient("gw-a", rogue: true);
        var cases = new (string Name, LinkSecurity Security, string Expect)[]
        {
            ("wrong CA pinned", Security("gw-a") with { CaFile = _pki.RogueCaFile }, "not valid under the pinned CA"),
            ("expired client certificate", Security("gw-a") with { CertFile = expiredCert, KeyFile = expiredKey }, "expired at"),
            ("client certificate from another CA", Security("gw-a") with { CertFile = rogueCert, KeyFile = rogueKey }, "may refuse our client certificate 'CN=gw-a' issued by 'CN=Rogue CA'"),
        };
        foreach (var (name, security, expect) in cases)
        {
            var dir = Directory.CreateTempSubdirectory("tls-case-").FullName;
            var factory = new CareEventFactory("gw-a", TimeProvider.System, new FixedClockSyncStatus(true));
            await using (var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = dir }, factory, TimeProvider.System, _logs.Logger))
            {
                var uplink = new ReliableUplink([new UplinkPath(PathRole.Primary, MqttEndpoint.Parse(broker.TlsUrl), security)], "gw-a", outbox, factory, Fast, _logs.Logger, TimeProvider.System);
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var run = uplink.RunAsync(stop.Token);
                await Eventually.UntilAsync(() => uplink.AttemptsOf(PathRole.Primary) >= 3, TimeSpan.FromSeconds(10), () => "broker log: " + broker.Log);
                var error = uplink.LastErrorOf(PathRole.Primary);
                output.WriteLine($"{name}: {uplink.AttemptsOf(PathRole.Primary)} attempts, last error: {error}");
                Assert.False(run.IsCompleted, $"{name}: the uplink stopped");
                Assert.Equal(0, uplink.Connects);
                Assert.False(uplink.AnyPathUp);
                Assert.False(string.IsNullOrWhiteSpace(error));
                Assert.Contains(expect, error, StringComparison.Ordinal);
                await stop.CancelAsync();
                await run;
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task An_expired_broker_certificate_is_refused_with_the_reason_and_retried()
    {
        var (cert, key) = _pki.IssueExpiredServer();
        await using var broker = await StartTlsBrokerAsync(cert, key);
        var factory = new CareEventFactory("gw-a", TimeProvider.System, new FixedClockSyncStatus(true));
        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, factory, TimeProvider.System, _logs.Logger);
        var uplink = new ReliableUplink([new UplinkPath(PathRole.Primary, MqttEndpoint.Parse(broker.TlsUrl), Security("gw-a"))], "gw-a", outbox, factory, Fast, _logs.Logger, TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = uplink.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => uplink.AttemptsOf(PathRole.Primary) >= 2, TimeSpan.FromSeconds(10), () => "broker log: " + broker.Log);
        var error = uplink.LastErrorOf(PathRole.Primary);
        output.WriteLine(error);
        Assert.Contains("NotTimeValid", error, StringComparison.Ordinal);
        Assert.Equal(0, uplink.Connects);
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await run;
    }

    private LinkSecurity Security(string identity)
    {
        var (cert, key) = _pki.IssueClient(identity);
        return new LinkSecurity { CaFile = _pki.CaFile, CertFile = cert, KeyFile = key };
    }

    private async Task<MosquittoBroker> StartTlsBrokerAsync(string? serverCert = null, string? serverKey = null)
    {
        var acl = Path.Combine(_pki.Dir, "acl");
        File.WriteAllText(acl, """
            # The centre reads every gateway and acknowledges.
            user central
            topic read edgegateway/v1/#
            topic write edgegateway/v1/+/acks

            # Each gateway only under its own prefix; %u is the certificate's CN (use_identity_as_username).
            pattern readwrite edgegateway/v1/%u/#
            """);
        // 'user' = whoever runs the test: as root, mosquitto would otherwise drop to 'mosquitto' and lose access to the
        // private temp directories holding the keys and the ACL.
        return await MosquittoBroker.StartAsync((port, _) => $"""
            listener {port} 127.0.0.1
            cafile {_pki.CaFile}
            certfile {serverCert ?? _pki.ServerCertFile}
            keyfile {serverKey ?? _pki.ServerKeyFile}
            require_certificate true
            use_identity_as_username true
            allow_anonymous false
            acl_file {acl}
            user {Environment.UserName}
            """);
    }

    private static async Task<IMqttClient> ConnectRawAsync(MosquittoBroker broker, LinkSecurity security, string clientId)
    {
        var loaded = security.Load(MqttEndpoint.Parse(broker.TlsUrl));
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTlsOptions(o => o
                .UseTls()
                .WithClientCertificates(new X509Certificate2Collection(loaded.ClientCertificate!))
                .WithCertificateValidationHandler(args => loaded.ValidateServer(args.Certificate, args.SslPolicyErrors) is null))
            .Build());
        return client;
    }
}
