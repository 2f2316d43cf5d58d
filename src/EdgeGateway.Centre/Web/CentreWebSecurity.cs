using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Centre.Web;

/// <summary>How the page and API are protected: TLS with <see cref="Certificate"/>, login against <see cref="Accounts"/>.</summary>
/// <param name="Certificate">The server certificate with its private key (from <c>--web-cert</c>/<c>--web-key</c>); null: plain HTTP.</param>
/// <param name="Accounts">The operator accounts (<c>--web-accounts</c>); null: no login, the operator names themselves.</param>
public sealed record CentreWebSecurity(X509Certificate2? Certificate, OperatorAccounts? Accounts)
{
    /// <summary>Where a refused login is written (event 3251), and a re-read accounts file (3252, 3253).</summary>
    public ILogger Audit { get; init; } = NullLogger.Instance;

    /// <summary>The limits on guessing a login; null: the defaults of <see cref="LoginLimits"/>.</summary>
    public LoginLimits? Limits { get; init; }

    /// <summary>
    /// The host names the page is served under (<c>--web-host</c>, e.g. centre.example.org); a request naming another host
    /// is refused (421), so a name an attacker points at the centre's address (DNS rebinding) reads nothing. IP literals
    /// are always served (on loopback: loopback literals and localhost only).
    /// </summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Plain HTTP, no login: loopback only.</summary>
    public static CentreWebSecurity None { get; } = new(null, null);

    /// <summary>
    /// True when serving <paramref name="address"/> needs TLS and login: anything but loopback, since the page can take
    /// and clear alarms and shows who lives where (0.0.0.0 and :: serve every interface, so they need it too).
    /// </summary>
    public static bool RequiredFor(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return !IPAddress.IsLoopback(address);
    }

    /// <summary>Checks this protection is enough for <paramref name="endpoint"/>.</summary>
    /// <exception cref="InvalidOperationException">A non-loopback address without TLS or without accounts; the message says what is missing.</exception>
    public void CheckFor(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!RequiredFor(endpoint.Address))
        {
            return;
        }

        var missing = new List<string>();
        if (Certificate is null)
        {
            missing.Add("TLS (--web-cert and --web-key, PEM)");
        }

        if (Accounts is null)
        {
            missing.Add("operator accounts (--web-accounts FILE, made with `edgegateway central add-operator`)");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{endpoint} is not a loopback address: serving other hosts needs {string.Join(" and ", missing)}");
        }
    }
}
