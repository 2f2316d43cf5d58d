using System.Security.Cryptography;
using EdgeGateway.Centre.Push;

namespace EdgeGateway.Centre.Tests.Push;

/// <summary>The centre's VAPID key file: both PEM forms openssl and .NET write are read, the public key is the one the browser needs, anything else is refused by name.</summary>
public sealed class VapidKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vapid-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("sec1")]
    [InlineData("pkcs8")]
    public void A_p256_key_in_either_pem_form_loads_with_its_uncompressed_public_point(string form)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(_dir, "vapid.pem");
        File.WriteAllText(path, form == "sec1" ? ecdsa.ExportECPrivateKeyPem() : ecdsa.ExportPkcs8PrivateKeyPem());

        var key = VapidKey.Load(path);
        var q = ecdsa.ExportParameters(false).Q;
        Assert.Equal(TestPhone.Base64Url([0x04, .. q.X!, .. q.Y!]), key.PublicKey);
        Assert.Equal(ecdsa.ExportParameters(true).D, TestPhone.FromBase64Url(key.PrivateKey));

        // What the signer signs, the public key verifies.
        using var signer = key.Signer();
        var data = "vapid"u8.ToArray();
        Assert.True(ecdsa.VerifyData(data, signer.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Load_or_create_makes_a_0600_file_once_and_reads_it_back_after()
    {
        var path = Path.Combine(_dir, "vapid.pem");
        var made = VapidKey.LoadOrCreate(path, out var created);
        Assert.True(created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var again = VapidKey.LoadOrCreate(path, out created);
        Assert.False(created);
        Assert.Equal(made.PublicKey, again.PublicKey);
    }

    [Fact]
    public void A_file_without_a_p256_private_key_is_refused_naming_what_was_expected()
    {
        var path = Path.Combine(_dir, "vapid.pem");
        File.WriteAllText(path, "not a key\n");
        Assert.Contains("expected a PEM P-256 private key", Assert.Throws<FormatException>(() => VapidKey.Load(path)).Message, StringComparison.Ordinal);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        File.WriteAllText(path, p384.ExportPkcs8PrivateKeyPem());
        Assert.Contains("P-256", Assert.Throws<FormatException>(() => VapidKey.Load(path)).Message, StringComparison.Ordinal);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(path, p256.ExportSubjectPublicKeyInfoPem());
        Assert.Contains("expected a PEM P-256 private key", Assert.Throws<FormatException>(() => VapidKey.Load(path)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mailto:duty@example.org", true)]
    [InlineData("https://centre.example.org/contact", true)]
    [InlineData("duty@example.org", false)]
    [InlineData("mailto:", false)]
    [InlineData("http://centre.example.org/", false)]
    public void The_subject_is_a_mailto_address_or_an_https_url(string subject, bool ok)
    {
        if (ok)
        {
            Assert.Equal(subject, PushOptions.CheckSubject(subject));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => PushOptions.CheckSubject(subject));
        }
    }
}
