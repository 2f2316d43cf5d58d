using EdgeGateway.Contract;
using EdgeGateway.TestSupport;

namespace EdgeGateway.Contract.Tests;

public sealed class LinkSecurityTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void Plain_tcp_is_refused_without_the_loopback_demo_flag()
    {
        var ex = Assert.Throws<LinkSecurityException>(() => new LinkSecurity().Load(MqttEndpoint.Parse("mqtt://127.0.0.1:1883")));
        Assert.Contains("plain TCP", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--plain-loopback-demo", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://10.0.0.5:1883")]
    [InlineData("mqtt://broker.example.org:1883")]
    public void The_loopback_demo_flag_does_not_open_plain_tcp_to_other_hosts(string url)
    {
        var ex = Assert.Throws<LinkSecurityException>(() => LinkSecurity.LoopbackDemo.Load(MqttEndpoint.Parse(url)));
        Assert.Contains("non-loopback", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://127.0.0.1:1883")]
    [InlineData("mqtt://[::1]:1883")]
    [InlineData("mqtt://localhost:1883")]
    public void The_loopback_demo_allows_plain_tcp_to_loopback(string url) =>
        Assert.Null(LinkSecurity.LoopbackDemo.Load(MqttEndpoint.Parse(url)).ClientCertificate);

    [Fact]
    public void Tls_needs_the_ca_and_the_client_certificate()
    {
        var ex = Assert.Throws<LinkSecurityException>(() => new LinkSecurity { CaFile = _pki.CaFile }.Load(MqttEndpoint.Parse("mqtts://127.0.0.1:8883")));
        Assert.Contains("--cert-file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_with_ca_cert_and_private_key_loads()
    {
        var (cert, key) = _pki.IssueClient("gw-a");
        var loaded = new LinkSecurity { CaFile = _pki.CaFile, CertFile = cert, KeyFile = key }.Load(MqttEndpoint.Parse("mqtts://127.0.0.1:8883"));
        Assert.True(loaded.ClientCertificate!.HasPrivateKey);
        Assert.Contains("CN=gw-a", loaded.ClientCertificate.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UnixFileMode.OtherRead, "0604")]
    [InlineData(UnixFileMode.GroupRead, "0640")]
    public void A_private_key_readable_by_others_is_refused_naming_the_file_and_mode(UnixFileMode extra, string mode)
    {
        var (cert, key) = _pki.IssueClient("gw-a");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);
        var ex = Assert.Throws<LinkSecurityException>(() => new LinkSecurity { CaFile = _pki.CaFile, CertFile = cert, KeyFile = key }.Load(MqttEndpoint.Parse("mqtts://127.0.0.1:8883")));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(mode, ex.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_ca_file_is_named()
    {
        var (cert, key) = _pki.IssueClient("gw-a");
        var missing = Path.Combine(_pki.Dir, "nope.crt");
        var ex = Assert.Throws<LinkSecurityException>(() => new LinkSecurity { CaFile = missing, CertFile = cert, KeyFile = key }.Load(MqttEndpoint.Parse("mqtts://127.0.0.1:8883")));
        Assert.Contains($"--ca-file '{missing}' does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_does_not_match_the_certificate_is_refused()
    {
        var (cert, _) = _pki.IssueClient("gw-a");
        var (_, otherKey) = _pki.IssueClient("gw-b");
        var ex = Assert.Throws<LinkSecurityException>(() => new LinkSecurity { CaFile = _pki.CaFile, CertFile = cert, KeyFile = otherKey }.Load(MqttEndpoint.Parse("mqtts://127.0.0.1:8883")));
        Assert.Contains("matching private key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_file_must_be_private_and_gives_its_first_line()
    {
        var file = Path.Combine(_pki.Dir, "password");
        File.WriteAllText(file, "s3cret\nignored\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var security = LinkSecurity.LoopbackDemo with { Username = "gw-a", PasswordFile = file };
        var ex = Assert.Throws<LinkSecurityException>(() => security.Load(MqttEndpoint.Parse("mqtt://127.0.0.1:1883")));
        Assert.Contains("--password-file", ex.Message, StringComparison.Ordinal);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("s3cret", security.Load(MqttEndpoint.Parse("mqtt://127.0.0.1:1883")).Password);
    }
}
