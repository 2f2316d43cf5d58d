using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeGateway.Updates;

/// <summary>The HttpClient releases are downloaded with: the system's trust plus <c>update.ca_file</c> (a municipality's own CA).</summary>
internal static class UpdateHttp
{
    /// <summary>A client trusting the system's CAs and, when given, the CA in <paramref name="caFile"/> (PEM); <paramref name="problem"/> says why that CA could not be read (then the system's alone are trusted).</summary>
    public static HttpClient Create(string? caFile, out string? problem)
    {
        problem = null;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        X509Certificate2? extra = null;
        if (caFile is { Length: > 0 })
        {
            try
            {
                extra = X509CertificateLoader.LoadCertificateFromFile(caFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                // A missing CA must not stop the gateway from starting: only a download that needs it fails, saying why.
                problem = $"update.ca_file {caFile} cannot be read ({ex.Message}); downloads trust the system's CAs only";
            }
        }

        if (extra is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                // Only a chain the system could not build may be rescued by the extra CA; a wrong host name never is.
                if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
                {
                    return false;
                }

                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.Add(extra);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (chain is not null)
                {
                    foreach (var element in chain.ChainElements)
                    {
                        custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }

                return custom.Build(new X509Certificate2(certificate));
            };
        }

        // The downloader bounds each read itself (a stall is resumed); a whole-request timeout would cut a slow 4G download.
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
