using System.CommandLine;
using System.Formats.Tar;
using System.IO.Compression;
using EdgeGateway.Cli;
using EdgeGateway.Releases;

namespace EdgeGateway.Tests.Cli;

/// <summary>Signed releases (issue 32): a key pair, a signature over the archive's bytes and what it is, and every way a release is refused.</summary>
public sealed class ReleaseCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("release-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await new RootCommand { ReleaseCommands.Create() }
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    // A release as deploy/release.sh lays it out: NAME/VERSION, NAME/BUILDINFO, NAME/app/… in a .tar.gz.
    private string Archive(string version, string name = "r.tar.gz")
    {
        var top = Path.Combine(_dir, "src-" + version);
        Directory.CreateDirectory(Path.Combine(top, "app"));
        File.WriteAllText(Path.Combine(top, "VERSION"), version + "\n");
        File.WriteAllText(Path.Combine(top, "BUILDINFO"), "sdk=10.0.401\nruntime=10.0.12\nrid=linux-arm64\ntrimmed=true\n");
        File.WriteAllText(Path.Combine(top, "app", "edgegateway"), "the gateway " + version);
        var path = Path.Combine(_dir, name);
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
            foreach (var f in Directory.EnumerateFiles(top, "*", SearchOption.AllDirectories))
            {
                tar.WriteEntry(f, "edgegateway-" + version + "-linux-arm64/" + Path.GetRelativePath(top, f));
            }
        }

        return path;
    }

    private async Task<string> KeysAsync(string folder)
    {
        var dir = Path.Combine(_dir, folder);
        var (exit, output, error) = await Run("release", "keygen", "--out", dir);
        Assert.True(exit == 0, error);
        Assert.Matches(@"^key [0-9a-f]{16}: private ", output);
        return dir;
    }

    [Fact]
    public async Task Keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites_a_pair()
    {
        var keys = await KeysAsync("keys");
        var privateKey = Path.Combine(keys, ReleaseCommands.PrivateKeyFile);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(privateKey), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", await File.ReadAllTextAsync(Path.Combine(keys, ReleaseCommands.PublicKeyFile)), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privateKey));

        var before = await File.ReadAllTextAsync(privateKey);
        var (exit, _, error) = await Run("release", "keygen", "--out", keys);
        Assert.Equal(ReleaseCommands.BadInput, exit);
        Assert.Contains("already holds a key pair; it is never overwritten", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(privateKey));
    }

    [Fact]
    public async Task A_signed_release_verifies_and_its_manifest_says_what_it_is()
    {
        var keys = await KeysAsync("keys");
        var archive = Archive("0.2.0+1a2b3c4d5e6f");
        var (exit, output, error) = await Run("release", "sign", archive, "--key", Path.Combine(keys, ReleaseCommands.PrivateKeyFile), "--min-version", "0.1.0");
        Assert.True(exit == 0, error);
        Assert.Contains(archive + ".sig", output, StringComparison.Ordinal);

        (exit, output, error) = await Run("release", "verify", archive, "--key", Path.Combine(keys, ReleaseCommands.PublicKeyFile), "--installed", "0.1.7+aaaaaaaaaaaa");
        Assert.True(exit == 0, error);
        Assert.Matches(@"^release verify: ok: 0\.2\.0\+1a2b3c4d5e6f \(linux-arm64, commit 1a2b3c4d5e6f\) signed by key [0-9a-f]{16}", output);

        var key = ReleaseSigning.ImportPublicKey(await File.ReadAllTextAsync(Path.Combine(keys, ReleaseCommands.PublicKeyFile)), "pub");
        var manifest = ReleaseSigning.Verify(archive, archive + ".sig", [key]).Manifest!;
        Assert.Equal(("0.2.0+1a2b3c4d5e6f", "1a2b3c4d5e6f", "linux-arm64", "0.1.0", false, new FileInfo(archive).Length), (manifest.Version, manifest.Commit, manifest.Runtime, manifest.MinVersion, manifest.Rollback, manifest.Size));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(archive))), manifest.Sha256);
    }

    [Fact]
    public async Task A_changed_byte_a_foreign_key_a_forged_signature_and_a_missing_one_are_each_refused_with_the_reason()
    {
        var keys = await KeysAsync("keys");
        var foreign = await KeysAsync("foreign");
        var archive = Archive("0.2.0+1a2b3c4d5e6f");
        await Run("release", "sign", archive, "--key", Path.Combine(keys, ReleaseCommands.PrivateKeyFile));
        var pub = Path.Combine(keys, ReleaseCommands.PublicKeyFile);

        // One byte changed in the middle of the archive.
        var tampered = Path.Combine(_dir, "tampered.tar.gz");
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(tampered, bytes);
        var (exit, _, error) = await Run("release", "verify", tampered, "--sig", archive + ".sig", "--key", pub);
        Assert.Equal(ReleaseCommands.Refused, exit);
        Assert.Contains("is not the archive that was signed", error, StringComparison.Ordinal);

        // The right archive, but only a foreign key trusted.
        (exit, _, error) = await Run("release", "verify", archive, "--key", Path.Combine(foreign, ReleaseCommands.PublicKeyFile));
        Assert.Equal(ReleaseCommands.Refused, exit);
        Assert.Matches(@"signed by key [0-9a-f]{16}, which is not trusted here \(trusted: [0-9a-f]{16}\)", error);

        // A release signed by the foreign key, its signature file relabelled with the trusted key's id.
        var forged = Archive("0.2.0+1a2b3c4d5e6f", "forged.tar.gz");
        await Run("release", "sign", forged, "--key", Path.Combine(foreign, ReleaseCommands.PrivateKeyFile));
        var trustedId = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(archive + ".sig")).RootElement.GetProperty("key_id").GetString()!;
        var forgedSig = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(forged + ".sig"))!;
        forgedSig["key_id"] = trustedId;
        await File.WriteAllTextAsync(forged + ".sig", forgedSig.ToJsonString());
        (exit, _, error) = await Run("release", "verify", forged, "--key", pub);
        Assert.Equal(ReleaseCommands.Refused, exit);
        Assert.Contains("the signature does not verify with key", error, StringComparison.Ordinal);

        // No signature at all.
        var unsigned = Archive("0.2.0+1a2b3c4d5e6f", "unsigned.tar.gz");
        (exit, _, error) = await Run("release", "verify", unsigned, "--key", pub);
        Assert.Equal(ReleaseCommands.Refused, exit);
        Assert.Contains("no signature file (an unsigned release is never installed)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_downgrade_is_refused_unless_signed_as_a_rollback_and_a_release_never_replaces_what_is_older_than_its_minimum()
    {
        var keys = await KeysAsync("keys");
        var key = Path.Combine(keys, ReleaseCommands.PrivateKeyFile);
        var pub = Path.Combine(keys, ReleaseCommands.PublicKeyFile);
        var older = Archive("0.1.0+000000000001", "older.tar.gz");
        await Run("release", "sign", older, "--key", key);
        var (exit, _, error) = await Run("release", "verify", older, "--key", pub, "--installed", "0.2.0+1a2b3c4d5e6f");
        Assert.Equal(ReleaseCommands.Refused, exit);
        Assert.Contains("0.1.0+000000000001 is older than the installed 0.2.0+1a2b3c4d5e6f: a downgrade is refused unless the release is signed as a rollback", error, StringComparison.Ordinal);

        await Run("release", "sign", older, "--key", key, "--rollback");
        (exit, var output, error) = await Run("release", "verify", older, "--key", pub, "--installed", "0.2.0+1a2b3c4d5e6f");
        Assert.True(exit == 0, error);
        Assert.EndsWith("as a rollback\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var newer = Archive("0.3.0+000000000003", "newer.tar.gz");
        await Run("release", "sign", newer, "--key", key, "--min-version", "0.2.0");
        (exit, _, error) = await Run("release", "verify", newer, "--key", pub, "--installed", "0.1.9");
        Assert.Equal(ReleaseCommands.Refused, exit);
        Assert.Contains("may only replace 0.2.0 or later; installed is 0.1.9", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_is_not_a_release_or_not_a_key_is_named()
    {
        var keys = await KeysAsync("keys");
        var notRelease = Path.Combine(_dir, "notes.tar.gz");
        await File.WriteAllTextAsync(notRelease, "plain text");
        var (exit, _, error) = await Run("release", "sign", notRelease, "--key", Path.Combine(keys, ReleaseCommands.PrivateKeyFile));
        Assert.Equal(ReleaseCommands.BadInput, exit);
        Assert.Contains("is not a release archive (.tar.gz)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(notRelease + ".sig"));

        var archive = Archive("0.2.0");
        (exit, _, error) = await Run("release", "sign", archive, "--key", Path.Combine(keys, ReleaseCommands.PublicKeyFile));
        Assert.Equal(ReleaseCommands.BadInput, exit);
        Assert.Contains("is not an Ed25519 private key in PEM", error, StringComparison.Ordinal);

        (exit, _, error) = await Run("release", "sign", archive, "--key", Path.Combine(keys, ReleaseCommands.PrivateKeyFile), "--min-version", "soon");
        Assert.Equal(ReleaseCommands.BadInput, exit);
        Assert.Contains("--min-version 'soon' is not a version", error, StringComparison.Ordinal);
    }
}
