using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace EdgeGateway.Centre.Residents;

/// <summary>
/// The key resident records are sealed with at rest, kept in a file outside the archive (<c>central --resident-key
/// FILE</c>, mode 0600): a copy of the database alone, or a backup of it, reads as noise. Each record is bound to its
/// home (the gateway id is authenticated data), so a record copied onto another home's row does not open.
/// </summary>
/// <remarks>
/// XChaCha20-Poly1305 from libsodium (NSec.Cryptography), not the BCL's AES-GCM: the BCL's goes to the system's OpenSSL,
/// which neither every Pi image running the demo nor the arm64 smoke's sysroot has, while libsodium comes inside the
/// package for every runtime; it is constant-time in software (a Pi 4 has no AES instructions), and its 192-bit nonce
/// may be drawn at random for every seal without counting.
/// </remarks>
public sealed class ResidentKey
{
    private const int KeyBytes = 32;
    private const string Version = "r1";
    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;
    private readonly byte[] _key;

    private ResidentKey(byte[] key)
    {
        _key = key;

        // Stored with each record, so a record sealed with another key says so instead of failing as "tampered".
        Id = Convert.ToHexStringLower(NSec.Cryptography.HashAlgorithm.Sha256.Hash(key))[..8];
    }

    /// <summary>A short fingerprint of the key (not secret), written with each sealed record.</summary>
    public string Id { get; }

    /// <summary>A new random key (tests, and a demo whose archive lives only as long as it does).</summary>
    public static ResidentKey Generate() => new(RandomBytes(KeyBytes));

    /// <summary>Reads the key file: one line, the 32-byte key in base64.</summary>
    /// <exception cref="FormatException">The file does not hold a key; the message says what it holds instead.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ResidentKey Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var line = File.ReadLines(path).FirstOrDefault()?.Trim() ?? "";
        byte[] key;
        try
        {
            key = Convert.FromBase64String(line);
        }
        catch (FormatException)
        {
            throw new FormatException($"resident key {path}: the first line must be a {KeyBytes}-byte key in base64 (made by `central --resident-key` when the file is missing)");
        }

        return key.Length == KeyBytes ? new ResidentKey(key) : throw new FormatException($"resident key {path}: expected {KeyBytes} bytes, got {key.Length}");
    }

    /// <summary>Reads the key file, or creates it (mode 0600) with a new random key when it does not exist; <paramref name="created"/> says which.</summary>
    /// <exception cref="FormatException">The file exists and does not hold a key.</exception>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    public static ResidentKey LoadOrCreate(string path, out bool created)
    {
        ArgumentNullException.ThrowIfNull(path);
        created = false;
        if (File.Exists(path))
        {
            return Load(path);
        }

        var key = RandomBytes(KeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        }

        created = true;
        return new ResidentKey(key);
    }

    /// <summary>Seals <paramref name="plaintext"/> for the home <paramref name="gateway"/>: <c>r1.KEYID.BASE64(nonce|ciphertext|tag)</c>.</summary>
    public string Seal(string gateway, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var box = new byte[Aead.NonceSize + plaintext.Length + Aead.TagSize];
        var nonce = box.AsSpan(0, Aead.NonceSize);
        FillRandom(nonce);
        using var key = Import();
        Aead.Encrypt(key, nonce, Bound(gateway), plaintext, box.AsSpan(Aead.NonceSize));
        return $"{Version}.{Id}.{Convert.ToBase64String(box)}";
    }

    /// <summary>Opens what <see cref="Seal"/> made for <paramref name="gateway"/>.</summary>
    /// <exception cref="CryptographicException">Sealed with another key, for another home, or changed; the message says which it can tell.</exception>
    public byte[] Open(string gateway, string sealedText)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(sealedText);
        var parts = sealedText.Split('.');
        if (parts.Length != 3 || parts[0] != Version)
        {
            throw new CryptographicException($"the resident record of {gateway} is not in a sealed form this centre knows");
        }

        if (parts[1] != Id)
        {
            throw new CryptographicException($"the resident record of {gateway} was sealed with another key (fingerprint {parts[1]}, this centre's is {Id}): start the centre with the key file it was written with");
        }

        byte[] box;
        try
        {
            box = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            throw new CryptographicException($"the resident record of {gateway} is damaged (not base64)");
        }

        if (box.Length < Aead.NonceSize + Aead.TagSize)
        {
            throw new CryptographicException($"the resident record of {gateway} is damaged (too short)");
        }

        var plaintext = new byte[box.Length - Aead.NonceSize - Aead.TagSize];
        using var key = Import();
        return Aead.Decrypt(key, box.AsSpan(0, Aead.NonceSize), Bound(gateway), box.AsSpan(Aead.NonceSize), plaintext)
            ? plaintext
            : throw new CryptographicException($"the resident record of {gateway} does not open: changed in the database, or moved from another home");
    }

    // Imported for each use rather than held: a ResidentKey has no owner to dispose a native key, and an import is a copy.
    private Key Import() => Key.Import(Aead, _key, KeyBlobFormat.RawSymmetricKey);

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        FillRandom(bytes);
        return bytes;
    }

    /// <summary>
    /// The kernel's random bytes. On Linux the BCL's <see cref="RandomNumberGenerator"/> asks OpenSSL, and the demo must
    /// run where there is none (the arm64 smoke's sysroot: "No usable version of libssl was found", then abort); the
    /// kernel's pool is what OpenSSL would seed from.
    /// </summary>
    private static void FillRandom(Span<byte> buffer)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomNumberGenerator.Fill(buffer);
            return;
        }

        using var urandom = new FileStream("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        urandom.ReadExactly(buffer);
    }

    private static byte[] Bound(string gateway) => Encoding.UTF8.GetBytes("edgegateway-resident:" + gateway);
}
