using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Contract;

/// <summary>A link security setting that cannot be used; the message names the file or setting and the problem.</summary>
public sealed class LinkSecurityException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// How a path authenticates: TLS 1.2/1.3 with the centre's CA pinned and a client certificate per gateway (mutual TLS),
/// optionally a username/password on top; or plain TCP, only when explicitly a loopback demo.
/// </summary>
public sealed record LinkSecurity
{
    /// <summary>The centre's CA certificate (PEM): the server chain is validated against this CA only, never the system store.</summary>
    public string? CaFile { get; init; }

    /// <summary>This gateway's client certificate (PEM).</summary>
    public string? CertFile { get; init; }

    /// <summary>The private key of <see cref="CertFile"/> (PEM); refused when group or others may read it.</summary>
    public string? KeyFile { get; init; }

    /// <summary>Optional MQTT username.</summary>
    public string? Username { get; init; }

    /// <summary>Optional file holding the MQTT password (first line); refused when group or others may read it.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>Allows plain TCP, and only to a loopback host: for demos and tests on one machine.</summary>
    public bool PlainLoopbackDemo { get; init; }

    /// <summary>The loopback-demo setting: plain TCP to 127.0.0.1/::1 only.</summary>
    public static LinkSecurity LoopbackDemo { get; } = new() { PlainLoopbackDemo = true };

    /// <summary>Checks the setting against <paramref name="endpoint"/> and loads certificates, key and password.</summary>
    /// <exception cref="LinkSecurityException">Plain TCP without the demo flag or to a non-loopback host, a missing or unreadable file, a key readable by others, or a certificate that is not one.</exception>
    public LoadedSecurity Load(MqttEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.Tls)
        {
            if (!PlainLoopbackDemo)
            {
                throw new LinkSecurityException($"broker {endpoint} is plain TCP: use mqtts:// with --ca-file/--cert-file/--key-file, or declare a loopback demo (--plain-loopback-demo)");
            }

            if (!IsLoopback(endpoint.Host))
            {
                throw new LinkSecurityException($"broker {endpoint} is plain TCP to a non-loopback host '{endpoint.Host}': a loopback demo may only use 127.0.0.1, ::1 or localhost; use mqtts:// for anything else");
            }

            return new LoadedSecurity(null, null, Username, ReadPassword());
        }

        if (CaFile is null || CertFile is null || KeyFile is null)
        {
            throw new LinkSecurityException($"broker {endpoint} uses TLS: --ca-file (the centre's CA), --cert-file and --key-file (this gateway's client certificate) are all required");
        }

        var ca = LoadCertificate(CaFile, "--ca-file");
        CheckPrivate(KeyFile, "--key-file");
        X509Certificate2 client;
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(RequireFile(CertFile, "--cert-file"), KeyFile);

            // An exportable copy: SslStream needs a key it can use outside the PEM-backed ephemeral handle on some platforms.
            client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new LinkSecurityException($"--cert-file '{CertFile}' / --key-file '{KeyFile}': not a PEM certificate with its matching private key ({ex.Message})", ex);
        }

        return new LoadedSecurity(ca, client, Username, ReadPassword());
    }

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Refuses a secret file that group or others may read (or write), naming the file and its mode.</summary>
    /// <exception cref="LinkSecurityException">The file is missing or too open.</exception>
    public static void CheckPrivate(string path, string setting)
    {
        RequireFile(path, setting);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode Open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & Open) != 0)
        {
            throw new LinkSecurityException($"{setting} '{path}' has mode {Octal(mode)}: a private key or password must not be readable by group or others; run chmod 600 '{path}' (owner: the edgegateway user)");
        }
    }

    private string? ReadPassword()
    {
        if (PasswordFile is null)
        {
            return null;
        }

        CheckPrivate(PasswordFile, "--password-file");
        var text = File.ReadAllText(PasswordFile);
        var line = text.Split('\n', 2)[0].TrimEnd('\r');
        return line.Length == 0 ? throw new LinkSecurityException($"--password-file '{PasswordFile}' is empty: expected the password on its first line") : line;
    }

    private static X509Certificate2 LoadCertificate(string path, string setting)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(RequireFile(path, setting));
        }
        catch (CryptographicException ex)
        {
            throw new LinkSecurityException($"{setting} '{path}' is not a PEM or DER certificate: {ex.Message}", ex);
        }
    }

    private static string RequireFile(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new LinkSecurityException($"{setting} '{path}' does not exist");
        }

        try
        {
            using var probe = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new LinkSecurityException($"{setting} '{path}' cannot be read by this user: {ex.Message}", ex);
        }

        return path;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}

/// <summary>A <see cref="LinkSecurity"/> with its files loaded and checked.</summary>
/// <param name="Ca">The pinned CA, or null for plain TCP.</param>
/// <param name="ClientCertificate">The client certificate with its key, or null for plain TCP.</param>
/// <param name="Username">Optional username.</param>
/// <param name="Password">Optional password.</param>
public sealed record LoadedSecurity(X509Certificate2? Ca, X509Certificate2? ClientCertificate, string? Username, string? Password)
{
    /// <summary>The TLS versions we speak.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Validates the server's chain against the pinned CA only (custom root trust, no system store) and the host name;
    /// returns null when valid, else the reason.
    /// </summary>
    public string? ValidateServer(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (Ca is null)
        {
            return "no CA pinned";
        }

        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return "the server certificate does not name the broker host (subject alternative name mismatch)";
        }

        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        if (chain.Build(server))
        {
            return null;
        }

        var statuses = string.Join(", ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        return $"server certificate '{server.Subject}' (expires {server.NotAfter:u}) is not valid under the pinned CA '{Ca.Subject}': {statuses}";
    }
}
