using System.Net;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;

namespace EdgeGateway.Cli;

/// <summary><c>central</c>'s page security: the TLS certificate and the operator accounts its <c>--web-*</c> options name, checked against the address served.</summary>
internal static class CentralWebSecurity
{
    /// <summary>
    /// The page's TLS and login from --web-cert/--web-key/--web-accounts, checked against the address (anything but
    /// loopback needs both); prints what is wrong and returns null.
    /// </summary>
    public static CentreWebSecurity? Load(IPEndPoint? webAt, string? certPath, string? keyPath, string? accountsPath)
    {
        if (webAt is null)
        {
            if (certPath is not null || keyPath is not null || accountsPath is not null)
            {
                Console.Error.WriteLine("--web-cert, --web-key and --web-accounts need --web ADDRESS:PORT");
                return null;
            }

            return CentreWebSecurity.None;
        }

        if ((certPath is null) != (keyPath is null))
        {
            Console.Error.WriteLine(certPath is null ? "--web-key needs --web-cert (the certificate it belongs to)" : "--web-cert needs --web-key (its private key, PEM)");
            return null;
        }

        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        OperatorAccounts? accounts = null;
        try
        {
            if (certPath is not null && keyPath is not null)
            {
                LinkSecurity.CheckPrivate(keyPath, "--web-key");
                if (!File.Exists(certPath))
                {
                    Console.Error.WriteLine($"--web-cert '{certPath}' does not exist");
                    return null;
                }

                certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certPath, keyPath);
            }

            if (accountsPath is not null)
            {
                LinkSecurity.CheckPrivate(accountsPath, "--web-accounts");
                accounts = OperatorAccounts.Load(accountsPath);
            }

            var security = new CentreWebSecurity(certificate, accounts);
            security.CheckFor(webAt);
            return security;
        }
        catch (LinkSecurityException ex)
        {
            Console.Error.WriteLine(ex.Message);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            Console.Error.WriteLine($"--web-cert '{certPath}' / --web-key '{keyPath}': not a PEM certificate with its private key: {ex.Message}");
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"--web-accounts '{accountsPath}': {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"--web: {ex.Message}");
        }

        certificate?.Dispose();
        return null;
    }
}
