using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace EdgeGateway.Releases;

/// <summary>
/// Signs and verifies release archives with Ed25519 (NSec.Cryptography over libsodium): the signature covers a manifest
/// holding the archive's SHA-256 and size, its version, commit, runtime, the oldest version it may replace and whether it
/// is a deliberate rollback.
/// </summary>
/// <remarks>
/// Ed25519 through libsodium rather than the BCL's ECDSA P-256: the BCL's goes to the system's OpenSSL, which the trimmed
/// arm64 release cannot count on (the qemu smoke test has none, and a Pi's OpenSSL is whatever the OS image carries),
/// while libsodium ships inside the release. Signatures are deterministic (no nonce to get wrong on a build machine),
/// keys are 32 bytes, and the centre already depends on NSec for resident records.
/// </remarks>
public static class ReleaseSigning
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    /// <summary>A new signing key pair as PEM text (PKCS#8 private key, SubjectPublicKeyInfo public key, as OpenSSL writes them).</summary>
    public static (string PrivatePem, string PublicPem) NewKeyPair()
    {
        using var key = Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return (Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPrivateKeyText)), Encoding.ASCII.GetString(key.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText)));
    }

    /// <summary>Reads a PEM public key; a clear exception when the text is not an Ed25519 public key.</summary>
    public static PublicKey ImportPublicKey(string pem, string origin)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return PublicKey.TryImport(Algorithm, Encoding.ASCII.GetBytes(pem.Trim() + "\n"), KeyBlobFormat.PkixPublicKeyText, out var key) && key is not null
            ? key
            : throw new InvalidDataException($"{origin} is not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----); make one with: edgegateway release keygen");
    }

    /// <summary>Reads a PEM private key; a clear exception when the text is not an Ed25519 private key.</summary>
    public static Key ImportPrivateKey(string pem, string origin)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return Key.TryImport(Algorithm, Encoding.ASCII.GetBytes(pem.Trim() + "\n"), KeyBlobFormat.PkixPrivateKeyText, out var key) && key is not null
            ? key
            : throw new InvalidDataException($"{origin} is not an Ed25519 private key in PEM (-----BEGIN PRIVATE KEY-----); make one with: edgegateway release keygen");
    }

    /// <summary>A key's id: the first 16 hex digits of the SHA-256 of its raw public key, shown in signatures and errors.</summary>
    public static string KeyId(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(HashAlgorithm.Sha256.Hash(key.Export(KeyBlobFormat.RawPublicKey)))[..16];
    }

    /// <summary>Signs the archive at <paramref name="archivePath"/>: reads its <c>VERSION</c> and <c>BUILDINFO</c>, hashes it, signs the manifest.</summary>
    /// <exception cref="InvalidDataException">The archive is not a release (no VERSION or BUILDINFO inside), or a version is malformed.</exception>
    public static ReleaseSignatureFile Sign(string archivePath, Key key, string? minVersion = null, bool rollback = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (version, runtime) = ReadReleaseInfo(archivePath);
        ParseVersion(version, $"{archivePath}: VERSION");
        if (minVersion is not null)
        {
            ParseVersion(minVersion, "--min-version");
        }

        var (size, sha) = HashFile(archivePath);
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var manifest = new ReleaseManifest(
            ReleaseManifest.CurrentFormat,
            Path.GetFileName(archivePath),
            size,
            sha,
            version,
            plus >= 0 ? version[(plus + 1)..] : "unknown",
            runtime,
            minVersion ?? "0.0.0",
            rollback);
        var bytes = manifest.ToBytes();
        return new ReleaseSignatureFile(Convert.ToBase64String(bytes), KeyId(key.PublicKey), Convert.ToBase64String(Algorithm.Sign(key, bytes)));
    }

    /// <summary>Writes <paramref name="signature"/> as the archive's <c>.sig</c> file (one JSON line).</summary>
    public static void Write(ReleaseSignatureFile signature, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(signature, ReleaseJson.Default.ReleaseSignatureFile) + "\n");

    /// <summary>
    /// Checks the archive against its signature file and the trusted <paramref name="keys"/>: a signature by one of them,
    /// the archive's exact bytes, and — given the <paramref name="installed"/> version — neither a downgrade (unless the
    /// signed manifest says rollback) nor a release that may not replace it. Never throws for a bad file: the verdict says why.
    /// </summary>
    public static ReleaseVerdict Verify(string archivePath, string signaturePath, IReadOnlyList<PublicKey> keys, string? installed = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!File.Exists(archivePath))
        {
            return ReleaseVerdict.Refused($"{archivePath}: no such file");
        }

        if (!File.Exists(signaturePath))
        {
            return ReleaseVerdict.Refused($"{signaturePath}: no signature file (an unsigned release is never installed)");
        }

        ReleaseSignatureFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(signaturePath), ReleaseJson.Default.ReleaseSignatureFile);
        }
        catch (JsonException ex)
        {
            return ReleaseVerdict.Refused($"{signaturePath}: not a release signature ({ex.Message})");
        }

        if (file is null)
        {
            return ReleaseVerdict.Refused($"{signaturePath}: not a release signature (manifest or signature missing)");
        }

        var (size, sha) = HashFile(archivePath);
        return Verify(file, size, sha, keys, installed, signaturePath, archivePath);
    }

    /// <summary>
    /// Checks a signature against the trusted <paramref name="keys"/> and an archive known only by its <paramref name="size"/> and
    /// <paramref name="sha256"/> (an update offered by the centre, verified before anything is downloaded): the same checks as
    /// the file overload, in the same order. Never throws for a bad signature: the verdict says why.
    /// </summary>
    /// <param name="file">The signature as <c>release sign</c> wrote it.</param>
    /// <param name="size">The archive's expected length.</param>
    /// <param name="sha256">The archive's expected SHA-256, hex.</param>
    /// <param name="keys">The trusted public keys.</param>
    /// <param name="installed">The running version, for the downgrade and min_version checks; null to skip them.</param>
    /// <param name="signatureName">How the signature is named in a refusal.</param>
    /// <param name="archiveName">How the archive is named in a refusal.</param>
    public static ReleaseVerdict Verify(ReleaseSignatureFile file, long size, string sha256, IReadOnlyList<PublicKey> keys, string? installed = null, string signatureName = "the signature", string archiveName = "the archive")
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(sha256);
        ArgumentNullException.ThrowIfNull(keys);
        byte[] bytes;
        byte[] signature;
        try
        {
            bytes = Convert.FromBase64String(file.Manifest ?? "");
            signature = Convert.FromBase64String(file.Signature ?? "");
        }
        catch (FormatException ex)
        {
            return ReleaseVerdict.Refused($"{signatureName}: not a release signature ({ex.Message})");
        }

        if (bytes.Length == 0 || signature.Length != Algorithm.SignatureSize)
        {
            return ReleaseVerdict.Refused($"{signatureName}: not a release signature (manifest or signature missing)");
        }

        var signer = keys.FirstOrDefault(k => KeyId(k) == file.KeyId);
        if (signer is null)
        {
            return ReleaseVerdict.Refused($"signed by key {file.KeyId}, which is not trusted here (trusted: {(keys.Count == 0 ? "none" : string.Join(", ", keys.Select(KeyId)))})");
        }

        if (!Algorithm.Verify(signer, bytes, signature))
        {
            return ReleaseVerdict.Refused($"the signature does not verify with key {file.KeyId}: the signature file was changed or forged");
        }

        if (ReleaseManifest.Parse(bytes) is not { } manifest)
        {
            return ReleaseVerdict.Refused($"{signatureName}: the signed manifest is not a {ReleaseManifest.CurrentFormat} manifest");
        }

        sha256 = sha256.ToLowerInvariant();
        if (size != manifest.Size || sha256 != manifest.Sha256)
        {
            return ReleaseVerdict.Refused($"{archiveName} is not the archive that was signed: {size} bytes, SHA-256 {sha256[..Math.Min(16, sha256.Length)]}…; signed: {manifest.Size} bytes, {manifest.Sha256[..16]}…", manifest);
        }

        if (installed is not null)
        {
            Version now;
            Version next;
            Version min;
            try
            {
                now = ParseVersion(installed, "the installed version");
                next = ParseVersion(manifest.Version, "the release's version");
                min = ParseVersion(manifest.MinVersion, "the release's min_version");
            }
            catch (InvalidDataException ex)
            {
                return ReleaseVerdict.Refused(ex.Message, manifest);
            }

            if (next < now && !manifest.Rollback)
            {
                return ReleaseVerdict.Refused($"{manifest.Version} is older than the installed {installed}: a downgrade is refused unless the release is signed as a rollback", manifest);
            }

            if (now < min)
            {
                return ReleaseVerdict.Refused($"{manifest.Version} may only replace {manifest.MinVersion} or later; installed is {installed}: install the versions between first", manifest);
            }
        }

        return new ReleaseVerdict(true, $"{manifest.Version} ({manifest.Runtime}, commit {manifest.Commit}) signed by key {file.KeyId}{(manifest.Rollback ? ", as a rollback" : "")}", manifest);
    }

    /// <summary>The trusted keys: every <c>*.pub</c> in <paramref name="keysDir"/> (none when the folder is missing).</summary>
    /// <exception cref="InvalidDataException">A <c>.pub</c> file is not an Ed25519 public key.</exception>
    public static IReadOnlyList<PublicKey> LoadKeys(string keysDir) =>
        Directory.Exists(keysDir)
            ? [.. Directory.GetFiles(keysDir, "*.pub").Order(StringComparer.Ordinal).Select(f => ImportPublicKey(File.ReadAllText(f), f))]
            : [];

    /// <summary>The release version's numeric core (<c>0.1.0</c> of <c>0.1.0+1a2b3c</c>); a clear exception when it has none.</summary>
    public static Version ParseVersion(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var core = text.Split('+', '-')[0];
        return Version.TryParse(core, out var v) && core.Count(c => c == '.') is 1 or 2
            ? new Version(v.Major, v.Minor, Math.Max(0, v.Build))
            : throw new InvalidDataException($"{what} '{text}' is not a version such as 0.1.0 or 0.1.0+1a2b3c4d5e6f");
    }

    // SHA-256 through libsodium too: the BCL's goes to the system's OpenSSL, which the trimmed arm64 release may not find
    // (the qemu smoke test aborted there: "No usable version of libssl was found").
    /// <summary>A file's size and SHA-256 (lower-case hex), through libsodium.</summary>
    internal static (long Size, string Sha256) HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        IncrementalHash.Initialize(HashAlgorithm.Sha256, out var state);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            IncrementalHash.Update(ref state, buffer.AsSpan(0, read));
        }

        return (stream.Length, Convert.ToHexStringLower(IncrementalHash.Finalize(ref state)));
    }

    // The release's top folder holds VERSION ("0.1.0+commit") and BUILDINFO ("rid=linux-arm64", …): deploy/release.sh.
    private static (string Version, string Runtime) ReadReleaseInfo(string archivePath)
    {
        string? version = null;
        string? runtime = null;
        try
        {
            using var file = File.OpenRead(archivePath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry && (version is null || runtime is null))
            {
                var name = entry.Name.TrimEnd('/');
                if (entry.DataStream is null || name.Count(c => c == '/') != 1)
                {
                    continue;
                }

                if (name.EndsWith("/VERSION", StringComparison.Ordinal))
                {
                    using var reader = new StreamReader(entry.DataStream);
                    version = reader.ReadToEnd().Trim();
                }
                else if (name.EndsWith("/BUILDINFO", StringComparison.Ordinal))
                {
                    using var reader = new StreamReader(entry.DataStream);
                    runtime = reader.ReadToEnd().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("rid=", StringComparison.Ordinal))?[4..];
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new InvalidDataException($"{archivePath} is not a release archive (.tar.gz): {ex.Message}", ex);
        }

        return (version ?? throw new InvalidDataException($"{archivePath} has no VERSION in its top folder: not a release from deploy/release.sh"),
            runtime ?? throw new InvalidDataException($"{archivePath} has no BUILDINFO with rid= in its top folder: not a release from deploy/release.sh"));
    }
}

/// <summary>The outcome of <see cref="ReleaseSigning.Verify(string, string, IReadOnlyList{NSec.Cryptography.PublicKey}, string)"/> and its overload.</summary>
/// <param name="Ok">True when the release may be installed.</param>
/// <param name="Reason">What was verified, or why it is refused.</param>
/// <param name="Manifest">The signed manifest, when the signature held.</param>
public sealed record ReleaseVerdict(bool Ok, string Reason, ReleaseManifest? Manifest = null)
{
    /// <summary>A refusal with its reason.</summary>
    public static ReleaseVerdict Refused(string reason, ReleaseManifest? manifest = null) => new(false, reason, manifest);
}
