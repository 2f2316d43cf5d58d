using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeGateway.TestSupport;
using EdgeGateway.Updates;

namespace EdgeGateway.Tests.Updates;

/// <summary>The download's HTTPS against a real TLS server on loopback: a server of the municipality's CA is trusted only through update.ca_file.</summary>
public sealed class UpdateHttpTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public UpdateHttpTests()
    {
        _listener.Start();
        _serving = ServeAsync();
    }

    private Uri Url => new($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/release.tar.gz");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _serving.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        _pki.Dispose();
    }

    // One HTTP/1.1 answer per connection over TLS with the test CA's server certificate.
    private async Task ServeAsync()
    {
        using var pem = X509Certificate2.CreateFromPemFile(_pki.ServerCertFile, _pki.ServerKeyFile);
        using var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await using var tls = new SslStream(client.GetStream());
                    await tls.AuthenticateAsServerAsync(certificate);
                    var buffer = new byte[4096];
                    _ = await tls.ReadAsync(buffer);
                    var body = "release bytes";
                    await tls.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                {
                    // The client refused the certificate: that is what some tests want.
                }
            }
        }
    }

    [Fact]
    public async Task The_extra_ca_admits_the_municipality_server()
    {
        using var http = UpdateHttp.Create(_pki.CaFile, out var problem);

        Assert.Null(problem);
        Assert.Equal("release bytes", await http.GetStringAsync(Url));
    }

    [Fact]
    public async Task Without_the_extra_ca_or_with_another_one_the_server_is_refused()
    {
        using var system = UpdateHttp.Create(null, out _);
        using var rogue = UpdateHttp.Create(_pki.RogueCaFile, out _);

        await Assert.ThrowsAsync<HttpRequestException>(() => system.GetStringAsync(Url));
        await Assert.ThrowsAsync<HttpRequestException>(() => rogue.GetStringAsync(Url));
    }

    [Fact]
    public void An_unreadable_ca_file_is_said_and_does_not_throw()
    {
        using var http = UpdateHttp.Create("/nonexistent/ca.pem", out var problem);

        Assert.Contains("update.ca_file /nonexistent/ca.pem cannot be read", problem, StringComparison.Ordinal);
    }
}
