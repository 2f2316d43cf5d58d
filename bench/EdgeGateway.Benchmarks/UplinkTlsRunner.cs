using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using EdgeGateway.Contract;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using MQTTnet;

namespace EdgeGateway.Benchmarks;

/// <summary>Stopwatch runner (<c>-- tls</c>): connect time and end-to-end p99 over plain TCP vs mutual TLS on loopback.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class UplinkTlsRunner
{
    public static async Task<int> RunAsync()
    {
        using var pki = TestPki.Create();
        var acl = Path.Combine(pki.Dir, "acl");
        await File.WriteAllTextAsync(acl, "user central\ntopic read edgegateway/v1/#\ntopic write edgegateway/v1/+/acks\npattern readwrite edgegateway/v1/%u/#\n");
        await using var plain = await MosquittoBroker.StartAsync("set_tcp_nodelay true");
        await using var tls = await MosquittoBroker.StartAsync((port, _) => $"""
            listener {port} 127.0.0.1
            cafile {pki.CaFile}
            certfile {pki.ServerCertFile}
            keyfile {pki.ServerKeyFile}
            require_certificate true
            use_identity_as_username true
            allow_anonymous false
            acl_file {acl}
            user {Environment.UserName}
            set_tcp_nodelay true
            """);
        var dir = Directory.CreateTempSubdirectory("bench-tls-").FullName;
        try
        {
            var security = new Func<string, LinkSecurity>(cn =>
            {
                var (cert, key) = pki.IssueClient(cn);
                return new LinkSecurity { CaFile = pki.CaFile, CertFile = cert, KeyFile = key };
            });
            var plainConnect = await ConnectTimesAsync(plain.Url, LinkSecurity.LoopbackDemo, 30);
            var tlsConnect = await ConnectTimesAsync(tls.TlsUrl, security("bench-connect"), 30);
            Console.WriteLine($"connect (TCP, TLS handshake if any, CONNECT/CONNACK), 30 each: plain p50 {plainConnect[15]:F2} ms p99 {plainConnect[^1]:F2} ms; mutual TLS p50 {tlsConnect[15]:F2} ms p99 {tlsConnect[^1]:F2} ms");
            foreach (var rate in new[] { 100, 1000 })
            {
                await UplinkE2ERunner.LatencyAsync(plain.Url, LinkSecurity.LoopbackDemo, Path.Combine(dir, $"plain-{rate}"), rate, " plain");
                await UplinkE2ERunner.LatencyAsync(tls.TlsUrl, security($"lat-{rate}"), Path.Combine(dir, $"tls-{rate}"), rate, " mTLS", security("central"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double[]> ConnectTimesAsync(string url, LinkSecurity security, int count)
    {
        var endpoint = MqttEndpoint.Parse(url);
        var loaded = security.Load(endpoint);
        var factory = new MqttClientFactory();
        var times = new List<double>();
        for (var i = 0; i < count + 3; i++)
        {
            using var client = factory.CreateMqttClient();
            var builder = new MqttClientOptionsBuilder().WithTcpServer(endpoint.Host, endpoint.Port).WithClientId($"bench-connect-{i}").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500);
            if (endpoint.Tls)
            {
                builder = builder.WithTlsOptions(o => o
                    .UseTls()
                    .WithSslProtocols(LoadedSecurity.Protocols)
                    .WithClientCertificates(new X509Certificate2Collection(loaded.ClientCertificate!))
                    .WithCertificateValidationHandler(a => loaded.ValidateServer(a.Certificate, a.SslPolicyErrors) is null));
            }

            var clock = Stopwatch.StartNew();
            await client.ConnectAsync(builder.Build());
            var ms = clock.Elapsed.TotalMilliseconds;
            await client.DisconnectAsync();
            if (i >= 3)
            {
                times.Add(ms); // the first three warm up the JIT and the TLS stack
            }
        }

        return [.. times.Order()];
    }
}
