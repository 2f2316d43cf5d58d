using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeGateway.Releases;

/// <summary>What a release signature vouches for: the archive's bytes (size, SHA-256) and what it is (version, commit, runtime, the oldest version it may replace).</summary>
/// <param name="Format">Always <see cref="CurrentFormat"/>.</param>
/// <param name="Archive">The archive's file name when it was signed (informative: a renamed file still verifies by its bytes).</param>
/// <param name="Size">The archive's length in bytes.</param>
/// <param name="Sha256">The archive's SHA-256, lower-case hex.</param>
/// <param name="Version">The release's version as its <c>VERSION</c> file says (e.g. <c>0.1.0+1a2b3c4d5e6f</c>).</param>
/// <param name="Commit">The commit it was built from.</param>
/// <param name="Runtime">The runtime identifier it was built for (<c>linux-arm64</c>).</param>
/// <param name="MinVersion">The oldest installed version this release may replace (its data and config migrations start there).</param>
/// <param name="Rollback">True only for a release signed on purpose as a rollback: it may replace a newer version.</param>
public sealed record ReleaseManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("archive")] string Archive,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("commit")] string Commit,
    [property: JsonPropertyName("runtime")] string Runtime,
    [property: JsonPropertyName("min_version")] string MinVersion,
    [property: JsonPropertyName("rollback")] bool Rollback)
{
    /// <summary>The manifest format this build writes and reads.</summary>
    public const string CurrentFormat = "edgegateway-release/1";

    /// <summary>The manifest as the exact UTF-8 bytes that are signed (the signature file keeps these bytes, so nothing is re-serialised before verifying).</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, ReleaseJson.Default.ReleaseManifest);

    /// <summary>Reads signed manifest bytes; null when they are not a manifest of <see cref="CurrentFormat"/>.</summary>
    public static ReleaseManifest? Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize(bytes, ReleaseJson.Default.ReleaseManifest);
            return manifest is { Format: CurrentFormat, Sha256.Length: 64, Version.Length: > 0 } ? manifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The <c>ARCHIVE.sig</c> file: the signed manifest bytes (base64), the signing key's id and the Ed25519 signature (base64).</summary>
/// <param name="Manifest">The manifest's UTF-8 JSON, base64: verified as these exact bytes.</param>
/// <param name="KeyId">The first 16 hex digits of the SHA-256 of the signing public key, so a wrong key is named as such.</param>
/// <param name="Signature">The Ed25519 signature over the manifest bytes, base64.</param>
public sealed record ReleaseSignatureFile(
    [property: JsonPropertyName("manifest")] string Manifest,
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("signature")] string Signature);

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(ReleaseManifest))]
[JsonSerializable(typeof(ReleaseSignatureFile))]
internal sealed partial class ReleaseJson : JsonSerializerContext;
