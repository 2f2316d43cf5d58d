using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace EdgeGateway.Centre.Push;

/// <summary>
/// Writes the VAPID header (RFC 8292 §3: <c>vapid t=JWT, k=KEY</c>) of every request to a push service, its token's
/// <c>aud</c> the push resource's origin with its port. Lib.Net.Http.WebPush 3.3.1 signs an audience of scheme and host
/// only, which is the origin on port 443 (every public push service) but not on any other port, where a push service
/// checking the audience would refuse every message; the push tests' loopback service runs on such a port.
/// Its pooled connections are renewed every five minutes, so a push service that moves (DNS) is followed.
/// </summary>
internal sealed class VapidSigner(VapidKey key, string subject, TimeSpan validFor, TimeProvider wallClock) : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    // A token is reused until an hour before it expires: one signature per push service every few hours, not one per phone per alarm.
    private static readonly TimeSpan Renew = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly ECDsa _ecdsa = key.Signer();

    /// <summary>The signed token for <paramref name="audience"/>, valid <c>validFor</c> from <paramref name="now"/> (at most 24 h, RFC 8292 §2).</summary>
    internal string TokenFor(string audience, DateTimeOffset now)
    {
        if (_tokens.TryGetValue(audience, out var cached) && now < cached.Expires - Renew)
        {
            return cached.Token;
        }

        var expires = now + validFor;
        var header = VapidKey.Base64Url("""{"typ":"JWT","alg":"ES256"}"""u8);
        using var json = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteString("aud", audience);
            w.WriteNumber("exp", expires.ToUnixTimeSeconds());
            w.WriteString("sub", subject);
            w.WriteEndObject();
        }

        var claims = VapidKey.Base64Url(json.ToArray());
        var input = header + "." + claims;

        // ES256 is the raw r|s pair (RFC 7518 §3.4), which is what SignData gives for ECDsa by default.
        var token = input + "." + VapidKey.Base64Url(_ecdsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        _tokens[audience] = (token, expires);
        return token;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The push service's clock, not the centre's: the demo's scenario clock runs 60 times fast, a token is checked in real time.
        var origin = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        request.Headers.Authorization = new AuthenticationHeaderValue("vapid", $"t={TokenFor(origin, wallClock.GetUtcNow())}, k={key.PublicKey}");
        return base.SendAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ecdsa.Dispose();
        }

        base.Dispose(disposing);
    }
}
