using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.TechnicianConsole.Security;

/// <summary>A technician PIN stored as PBKDF2-SHA256: <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64).</summary>
public sealed class PinHash
{
    /// <summary>Iterations for new hashes: about 0.1 s on a Raspberry Pi 4, so guessing offline stays slow.</summary>
    public const int DefaultIterations = 100_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PinHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    /// <summary>PBKDF2 iterations of this hash.</summary>
    public int Iterations { get; }

    /// <summary>Hashes <paramref name="pin"/> with a fresh random salt.</summary>
    public static PinHash Create(string pin, int iterations = DefaultIterations)
    {
        ValidatePin(pin);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1000);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PinHash(iterations, salt, Derive(pin, salt, iterations));
    }

    /// <summary>Parses the stored form; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static PinHash Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            throw new FormatException($"PIN hash: expected {Scheme}$ITERATIONS$SALT$HASH");
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1000)
        {
            throw new FormatException($"PIN hash iterations '{parts[1]}': expected a whole number of at least 1000");
        }

        byte[] salt, hash;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException ex)
        {
            throw new FormatException("PIN hash: salt and hash must be base64", ex);
        }

        if (salt.Length < 8 || hash.Length != HashBytes)
        {
            throw new FormatException($"PIN hash: expected a salt of at least 8 bytes and a {HashBytes}-byte hash");
        }

        return new PinHash(iterations, salt, hash);
    }

    /// <summary>True when <paramref name="pin"/> matches; compares in constant time.</summary>
    public bool Verify(string pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        var candidate = Derive(pin, _salt, Iterations);
        return CryptographicOperations.FixedTimeEquals(candidate, _hash);
    }

    /// <summary>The stored form.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}");

    /// <summary>Throws when <paramref name="pin"/> is not 4–12 digits.</summary>
    public static void ValidatePin(string pin)
    {
        ArgumentNullException.ThrowIfNull(pin);
        if (pin.Length is < 4 or > 12 || !pin.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("PIN: expected 4 to 12 digits", nameof(pin));
        }
    }

    private static byte[] Derive(string pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
