using System.Security.Cryptography;
using System.Text;
using Lib.Net.Http.WebPush.Authentication;

namespace EdgeGateway.Centre.Push;

/// <summary>
/// The centre's VAPID key pair (RFC 8292), a P-256 key in a PEM file outside the archive (<c>central --vapid-key FILE</c>,
/// mode 0600). Every phone subscribes against its public key: a new key means every phone must subscribe again, so the
/// file is kept and backed up like the resident key.
/// </summary>
/// <remarks>
/// The BCL's ECDSA goes to the system's OpenSSL, which the trimmed arm64 demo does not have: a key is only ever made or
/// loaded when <c>--vapid-key</c> asks for one, never on the demo's default path.
/// </remarks>
public sealed class VapidKey
{
    private const int CoordinateBytes = 32;

    private VapidKey(ECParameters parameters)
    {
        var q = parameters.Q;
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value || q.X is not { Length: CoordinateBytes } || q.Y is not { Length: CoordinateBytes } || parameters.D is null)
        {
            throw new FormatException("a VAPID key must be a P-256 (prime256v1) private key");
        }

        var point = new byte[1 + (2 * CoordinateBytes)];
        point[0] = 0x04;
        q.X.CopyTo(point, 1);
        q.Y.CopyTo(point, 1 + CoordinateBytes);
        PublicKey = Base64Url(point);

        // Left-padded to 32 bytes: a scalar with leading zero bytes may come shorter.
        var d = new byte[CoordinateBytes];
        parameters.D.CopyTo(d, CoordinateBytes - parameters.D.Length);
        PrivateKey = Base64Url(d);
        CryptographicOperations.ZeroMemory(d);
    }

    /// <summary>The public key as the browser's <c>applicationServerKey</c> wants it: the uncompressed P-256 point (65 bytes), base64url.</summary>
    public string PublicKey { get; }

    /// <summary>The private scalar (32 bytes), base64url, as the Web Push client signs with it.</summary>
    internal string PrivateKey { get; }

    /// <summary>A new random key (tests, benchmarks).</summary>
    public static VapidKey Generate()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new VapidKey(ecdsa.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>Reads the key file: a PEM <c>EC PRIVATE KEY</c> (as <c>openssl ecparam -genkey</c> writes it) or a PKCS#8 <c>PRIVATE KEY</c>.</summary>
    /// <exception cref="FormatException">The file holds no P-256 private key; the message says what was expected.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static VapidKey Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pem = File.ReadAllText(path);
        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            return new VapidKey(ecdsa.ExportParameters(includePrivateParameters: true));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or FormatException)
        {
            throw new FormatException($"VAPID key {path}: expected a PEM P-256 private key ('EC PRIVATE KEY' or PKCS#8 'PRIVATE KEY', made by `central --vapid-key` when the file is missing): {ex.Message}", ex);
        }
    }

    /// <summary>Reads the key file, or creates it (mode 0600, PEM <c>EC PRIVATE KEY</c>) with a new key when it does not exist; <paramref name="created"/> says which.</summary>
    /// <exception cref="FormatException">The file exists and holds no P-256 private key.</exception>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    public static VapidKey LoadOrCreate(string path, out bool created)
    {
        ArgumentNullException.ThrowIfNull(path);
        created = false;
        if (File.Exists(path))
        {
            return Load(path);
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(ecdsa.ExportECPrivateKeyPem() + "\n"));
        }

        created = true;
        return new VapidKey(ecdsa.ExportParameters(includePrivateParameters: true));
    }

    /// <summary>An ECDSA key to sign VAPID tokens with; the caller disposes it.</summary>
    internal ECDsa Signer()
    {
        var point = FromBase64Url(PublicKey)!;
        return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = FromBase64Url(PrivateKey), Q = new ECPoint { X = point[1..33], Y = point[33..] } });
    }

    /// <summary>The signing side of the Web Push client for <paramref name="subject"/>.</summary>
    internal VapidAuthentication Authentication(string subject) => new(PublicKey, PrivateKey) { Subject = subject };

    /// <summary>base64url without padding (RFC 4648 §5), as Web Push writes keys.</summary>
    internal static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>Decodes base64url, with or without padding; null when it is not base64url.</summary>
    internal static byte[]? FromBase64Url(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '=')))
        {
            return null;
        }

        // Padding of any length is dropped first: the BCL's decoder takes none or exactly the right amount.
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
