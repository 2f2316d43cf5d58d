using System.Formats.Tar;
using System.IO.Compression;
using EdgeGateway.Releases;
using NSec.Cryptography;

namespace EdgeGateway.Centre.Tests.Rollouts;

/// <summary>A release archive as `edgegateway release pack` lays it out (VERSION and BUILDINFO with rid= in the top folder), signed with <see cref="ReleaseSigning"/>.</summary>
internal static class SignedRelease
{
    /// <summary>A new key pair: the public key the centre trusts, and the private key's PEM to sign with.</summary>
    public static (PublicKey Public, string PrivatePem) NewKey()
    {
        var (privatePem, publicPem) = ReleaseSigning.NewKeyPair();
        return (ReleaseSigning.ImportPublicKey(publicPem, "test key"), privatePem);
    }

    /// <summary>Writes <c>edgegateway-VERSION-linux-arm64.tar.gz</c> and its <c>.sig</c> into <paramref name="directory"/>; returns the archive's file name.</summary>
    public static string Write(string directory, string version, string privatePem)
    {
        var name = $"edgegateway-{version}-linux-arm64.tar.gz";
        var path = Path.Combine(directory, name);
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            var top = $"edgegateway-{version}-linux-arm64/";
            Entry(tar, top + "VERSION", version + "\n");
            Entry(tar, top + "BUILDINFO", "sdk=10.0.401\nruntime=10.0.12\nrid=linux-arm64\ntrimmed=true\n");
            Entry(tar, top + "app/edgegateway", "the gateway " + version + new string('x', 3000));
        }

        using var key = ReleaseSigning.ImportPrivateKey(privatePem, "test key");
        ReleaseSigning.Write(ReleaseSigning.Sign(path, key), path + ".sig");
        return name;
    }

    private static void Entry(TarWriter tar, string name, string text)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
        tar.WriteEntry(entry);
    }
}
