using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A throw-away PKI made with openssl in a temp directory: the centre's CA, a rogue CA, a server certificate for
/// 127.0.0.1/localhost, and client certificates on demand (valid, from the rogue CA, or expired). Keys are mode 0600.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TestPki : IDisposable
{
    private TestPki(string dir) => Dir = dir;

    /// <summary>Where the files live.</summary>
    public string Dir { get; }

    /// <summary>The centre's CA certificate.</summary>
    public string CaFile => Path.Combine(Dir, "ca.crt");

    /// <summary>A CA nobody trusts.</summary>
    public string RogueCaFile => Path.Combine(Dir, "rogue.crt");

    /// <summary>The broker's certificate (SAN IP:127.0.0.1, DNS:localhost), signed by the CA.</summary>
    public string ServerCertFile => Path.Combine(Dir, "server.crt");

    /// <summary>The broker's key.</summary>
    public string ServerKeyFile => Path.Combine(Dir, "server.key");

    /// <summary>Creates the CAs and the server certificate.</summary>
    public static TestPki Create()
    {
        var pki = new TestPki(Directory.CreateTempSubdirectory("pki-").FullName);
        pki.MakeCa("ca", "EdgeGateway Test Centre CA");
        pki.MakeCa("rogue", "Rogue CA");
        pki.Issue("server", "127.0.0.1", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        return pki;
    }

    /// <summary>A client certificate with common name <paramref name="commonName"/> (the broker's username with use_identity_as_username), signed by the CA or the rogue CA.</summary>
    public (string Cert, string Key) IssueClient(string commonName, bool rogue = false) =>
        Issue($"client-{commonName}{(rogue ? "-rogue" : "")}", commonName, rogue ? "rogue" : "ca", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");

    /// <summary>
    /// A client certificate signed by the CA that has already expired: valid for one second from the CA's own start
    /// (a certificate cannot start before its issuer, and openssl 3.0 cannot back-date), so this may wait up to ~2 s.
    /// </summary>
    public (string Cert, string Key) IssueExpiredClient(string commonName) => IssueExpired(commonName, server: false);

    /// <summary>An expired broker certificate for 127.0.0.1/localhost, signed by the CA (see <see cref="IssueExpiredClient"/>).</summary>
    public (string Cert, string Key) IssueExpiredServer() => IssueExpired("127.0.0.1", server: true);

    private (string Cert, string Key) IssueExpired(string commonName, bool server)
    {
        using var ca = X509Certificate2.CreateFromPemFile(CaFile, Path.Combine(Dir, "ca.key"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }

        var notBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime());
        var notAfter = notBefore.AddSeconds(1);
        using var cert = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        var left = notAfter.AddSeconds(1) - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            Thread.Sleep(left);
        }

        var certPath = Path.Combine(Dir, $"{(server ? "server" : "client")}-{commonName}-expired.crt");
        var keyPath = Path.Combine(Dir, $"{(server ? "server" : "client")}-{commonName}-expired.key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (certPath, keyPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }

    private void MakeCa(string name, string commonName) =>
        OpenSsl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-keyout", $"{name}.key", "-out", $"{name}.crt", "-subj", $"/CN={commonName}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private (string Cert, string Key) Issue(string name, string commonName, string ca, string extensions)
    {
        File.WriteAllText(Path.Combine(Dir, $"{name}.ext"), extensions);
        OpenSsl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.csr", "-subj", $"/CN={commonName}");
        OpenSsl("x509", "-req", "-in", $"{name}.csr", "-CA", $"{ca}.crt", "-CAkey", $"{ca}.key", "-days", "2",
            "-set_serial", RandomNumberGenerator.GetInt32(1, int.MaxValue).ToString(CultureInfo.InvariantCulture),
            "-extfile", $"{name}.ext", "-out", $"{name}.crt");
        var key = Path.Combine(Dir, $"{name}.key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (Path.Combine(Dir, $"{name}.crt"), key);
    }

    private void OpenSsl(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = Dir, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("openssl could not be started");
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
        }
    }
}
