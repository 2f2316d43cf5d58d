using System.Net;
using System.Net.Sockets;
using EdgeGateway.TestSupport;
using MQTTnet;

namespace EdgeGateway.Contract.Tests;

/// <summary>The one way gateway and centre open a broker connection: session settings, credentials, and TLS with the pinned CA.</summary>
public sealed class BrokerClientOptionsTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void Plain_loopback_options_carry_the_session_and_the_credentials_and_no_tls()
    {
        var endpoint = MqttEndpoint.Parse("mqtt://127.0.0.1:1884");
        var security = new LoadedSecurity(null, null, "centre", "s3cret");
        var options = BrokerClientOptions.For(endpoint, security, new BrokerSession("gw-home-7", TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3), TimeSpan.FromHours(24)), new TlsRefusal()).Build();

        Assert.Equal("gw-home-7", options.ClientId);
        Assert.Equal(MQTTnet.Formatter.MqttProtocolVersion.V500, options.ProtocolVersion);
        Assert.Equal(TimeSpan.FromSeconds(7), options.KeepAlivePeriod);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.False(options.CleanSession);
        Assert.Equal(24u * 3600, options.SessionExpiryInterval);
        Assert.Equal("centre", options.Credentials.GetUserName(options));
        Assert.Equal("s3cret"u8.ToArray(), options.Credentials.GetPassword(options));
        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.False(tcp.TlsOptions.UseTls);
    }

    /// <summary>
    /// A broker with Nagle on (mosquitto's default) holds its next small packet until we have acknowledged the last one; a
    /// client that answers soon after each receive (a PUBACK) looks interactive to Linux, which then delays its ACKs by 40 ms
    /// to piggy-back them, and every ack of ours waited that long (e2e p99 54 ms). Our sockets must have quick ACK on after
    /// each read. A plain socket in the same exchange shows the test can tell the difference.
    /// </summary>
    [Fact]
    [Trait("Category", "Integration")]
    public async Task Our_broker_sockets_acknowledge_every_read_at_once_even_when_we_answer_each_one()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = BrokerClientOptions.For(MqttEndpoint.Parse($"mqtt://127.0.0.1:{port}"), new LoadedSecurity(null, null, null, null), new BrokerSession("gw-q", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)), new TlsRefusal()).Build();
        var provider = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions).StreamProvider;
        Assert.NotNull(provider);

        var accepted = listener.AcceptSocketAsync();
        await using var ours = await provider.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), CancellationToken.None);
        using var brokerSide = await accepted;
        var states = await QuickAckAfterEachReadAsync(ours, ((QuickAckStream)ours).Socket, brokerSide);
        Assert.DoesNotContain(false, states);

        using var plain = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var acceptedPlain = listener.AcceptSocketAsync();
        await plain.ConnectAsync(IPAddress.Loopback, port);
        using var brokerSidePlain = await acceptedPlain;
        await using var plainStream = new NetworkStream(plain);
        var plainStates = await QuickAckAfterEachReadAsync(plainStream, plain, brokerSidePlain);
        Assert.Contains(false, plainStates);
    }

    // The broker sends a small packet, we read it and answer at once (as MQTTnet answers a PUBLISH with a PUBACK).
    private static async Task<bool[]> QuickAckAfterEachReadAsync(Stream stream, Socket socket, Socket broker)
    {
        var states = new bool[5];
        var buffer = new byte[64];
        for (var i = 0; i < states.Length; i++)
        {
            await broker.SendAsync(new byte[] { 0x40, 0x02, 0x00, (byte)i });
            Assert.Equal(4, await stream.ReadAsync(buffer));
            var value = new byte[4];
            socket.GetRawSocketOption(6, 12, value);
            states[i] = BitConverter.ToInt32(value) != 0;
            await stream.WriteAsync(new byte[] { 0x40, 0x02, 0x00, (byte)i });
            Assert.Equal(4, await broker.ReceiveAsync(new byte[64]));
        }

        return states;
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Over_tls_the_pinned_ca_admits_the_broker_and_a_wrong_pin_is_refused_with_the_reason()
    {
        await using var broker = await MosquittoBroker.StartAsync((port, _) => $"""
            listener {port} 127.0.0.1
            cafile {_pki.CaFile}
            certfile {_pki.ServerCertFile}
            keyfile {_pki.ServerKeyFile}
            require_certificate true
            use_identity_as_username true
            user {Environment.UserName}
            """);
        var endpoint = MqttEndpoint.Parse(broker.TlsUrl);
        var (cert, key) = _pki.IssueClient("gw-a");
        var session = new BrokerSession("gw-a", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));

        var good = new LinkSecurity { CaFile = _pki.CaFile, CertFile = cert, KeyFile = key }.Load(endpoint);
        var admitted = new TlsRefusal();
        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            var result = await client.ConnectAsync(BrokerClientOptions.For(endpoint, good, session, admitted).Build());
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            Assert.Null(admitted.Reason);
            await client.DisconnectAsync();
        }

        // Pinned to another CA: our own check refuses the broker, and the refusal says which CA and why.
        var wrongPin = new LinkSecurity { CaFile = _pki.RogueCaFile, CertFile = cert, KeyFile = key }.Load(endpoint);
        var refused = new TlsRefusal();
        using (var client = new MqttClientFactory().CreateMqttClient())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(BrokerClientOptions.For(endpoint, wrongPin, session, refused).Build()));
        }

        Assert.NotNull(refused.Reason);
        Assert.Contains("is not valid under the pinned CA", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("Rogue CA", refused.Reason, StringComparison.Ordinal);
    }
}
