using System.CommandLine;
using EdgeGateway.Releases;
using NSec.Cryptography;

namespace EdgeGateway.Cli;

/// <summary>The <c>release</c> command: signing keys, signing a release archive, and verifying one before it is installed.</summary>
public static class ReleaseCommands
{
    /// <summary>Exit code when a release is refused (bad signature, changed bytes, foreign key, downgrade).</summary>
    public const int Refused = 1;

    /// <summary>Exit code for bad arguments or unreadable files.</summary>
    public const int BadInput = 2;

    /// <summary>The private key's file name in <c>keygen</c>'s folder.</summary>
    public const string PrivateKeyFile = "release-signing.key";

    /// <summary>The public key's file name in <c>keygen</c>'s folder.</summary>
    public const string PublicKeyFile = "release-signing.pub";

    /// <summary>Builds <c>release keygen|sign|verify</c>.</summary>
    public static Command Create()
    {
        var release = new Command("release", "Release signing: keygen (a key pair), sign (ARCHIVE.sig), verify (before installing)");
        release.Subcommands.Add(CreateKeygen());
        release.Subcommands.Add(CreateSign());
        release.Subcommands.Add(CreateVerify());
        return release;
    }

    private static Command CreateKeygen()
    {
        var outDir = new Option<string>("--out") { Description = "Folder for release-signing.key (private, mode 0600: keep it off every gateway) and release-signing.pub", Required = true };
        var keygen = new Command("keygen", "Make an Ed25519 release signing key pair") { outDir };
        keygen.SetAction((ParseResult r, CancellationToken _) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            var dir = r.GetValue(outDir)!;
            var privatePath = Path.Combine(dir, PrivateKeyFile);
            var publicPath = Path.Combine(dir, PublicKeyFile);
            if (File.Exists(privatePath) || File.Exists(publicPath))
            {
                errors.WriteLine($"release keygen: {dir} already holds a key pair; it is never overwritten (releases signed with it would no longer verify against a new one)");
                return Task.FromResult(BadInput);
            }

            Directory.CreateDirectory(dir);
            var (privatePem, publicPem) = ReleaseSigning.NewKeyPair();

            // Created with its final mode, never world-readable for a moment.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(privatePath, options))
            {
                writer.Write(privatePem);
            }

            File.WriteAllText(publicPath, publicPem);
            var id = ReleaseSigning.KeyId(ReleaseSigning.ImportPublicKey(publicPem, publicPath));
            output.WriteLine($"key {id}: private {privatePath} (keep it on the signing machine only), public {publicPath} (goes into each gateway's release keys)");
            return Task.FromResult(0);
        });
        return keygen;
    }

    private static Command CreateSign()
    {
        var archive = new Argument<string>("ARCHIVE") { Description = "The release archive from deploy/release.sh" };
        var key = new Option<string>("--key") { Description = "The private key (release-signing.key)", Required = true };
        var minVersion = new Option<string?>("--min-version") { Description = "The oldest installed version this release may replace (default 0.0.0: any)" };
        var rollback = new Option<bool>("--rollback") { Description = "Sign it as a deliberate rollback: it may replace a newer version" };
        var sign = new Command("sign", "Write ARCHIVE.sig: the archive's SHA-256, size, version, commit, runtime and min version, signed") { archive, key, minVersion, rollback };
        sign.SetAction((ParseResult r, CancellationToken _) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            var path = r.GetValue(archive)!;
            try
            {
                using var privateKey = ReleaseSigning.ImportPrivateKey(File.ReadAllText(r.GetValue(key)!), r.GetValue(key)!);
                var signature = ReleaseSigning.Sign(path, privateKey, r.GetValue(minVersion), r.GetValue(rollback));
                ReleaseSigning.Write(signature, path + ".sig");
                output.WriteLine($"signed {path} with key {signature.KeyId}: {path}.sig");
                return Task.FromResult(0);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                errors.WriteLine($"release sign: {ex.Message}");
                return Task.FromResult(BadInput);
            }
        });
        return sign;
    }

    private static Command CreateVerify()
    {
        var archive = new Argument<string>("ARCHIVE") { Description = "The release archive" };
        var keys = new Option<string[]>("--key") { Description = "A trusted public key (repeat for several); a release verifies against any of them", Required = true, AllowMultipleArgumentsPerToken = false };
        var signature = new Option<string?>("--sig") { Description = "The signature file (default ARCHIVE.sig)" };
        var installed = new Option<string?>("--installed") { Description = "The version installed now: a downgrade (unless signed as a rollback) or a release that may not replace it is refused" };
        var verify = new Command("verify", "Exit 0 when ARCHIVE is signed by a trusted key, unchanged and may replace --installed; else 1 with the reason") { archive, keys, signature, installed };
        verify.SetAction((ParseResult r, CancellationToken _) =>
        {
            var output = r.InvocationConfiguration.Output;
            var errors = r.InvocationConfiguration.Error;
            var path = r.GetValue(archive)!;
            var trusted = new List<PublicKey>();
            try
            {
                foreach (var file in r.GetValue(keys) ?? [])
                {
                    trusted.Add(ReleaseSigning.ImportPublicKey(File.ReadAllText(file), file));
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                errors.WriteLine($"release verify: {ex.Message}");
                return Task.FromResult(BadInput);
            }

            var verdict = ReleaseSigning.Verify(path, r.GetValue(signature) ?? path + ".sig", trusted, r.GetValue(installed));
            if (!verdict.Ok)
            {
                errors.WriteLine($"release verify: refused: {verdict.Reason}");
                return Task.FromResult(Refused);
            }

            output.WriteLine($"release verify: ok: {verdict.Reason}");
            return Task.FromResult(0);
        });
        return verify;
    }
}
