using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Demo;

/// <summary>
/// The demo nurse's phone and its push service in one (issue 30): a loopback HTTP endpoint that takes the centre's Web Push
/// request as a push service would (RFC 8030 §5: checks the VAPID header names the key the phone subscribed with, answers
/// 201), then decrypts the body as the phone's browser does (RFC 8291, aes128gcm) with keys only the phone holds, and
/// hands on the notification its lock screen shows.
/// </summary>
/// <remarks>
/// The BCL's ECDH, AES-GCM and HKDF go to the system's OpenSSL on Linux; without it (the trimmed arm64 artefact under qemu)
/// such a call aborts the process. The demo creates a phone only when <see cref="CanRun"/>.
/// </remarks>
internal sealed class DemoPhone : IAsyncDisposable
{
    private const int MaxBody = 8192;
    private const int SaltBytes = 16;
    private const int HeaderBytes = SaltBytes + 4 + 1;
    private const int TagBytes = 16;
    private const int PointBytes = 65;

    private readonly WebApplication _app;
    private readonly ECDiffieHellman _key;
    private readonly byte[] _auth;
    private readonly byte[] _publicKey;
    private readonly string _serverKey;
    private readonly TimeProvider _wallClock;

    private DemoPhone(WebApplication app, string serverKey, TimeProvider wallClock)
    {
        _app = app;
        _serverKey = serverKey;
        _wallClock = wallClock;
        _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        _publicKey = [0x04, .. q.X!, .. q.Y!];
        _auth = RandomNumberGenerator.GetBytes(16);
    }

    /// <summary>Whether this host can do Web Push's cryptography: Windows and macOS bring their own, Linux needs OpenSSL's libssl.</summary>
    public static bool CanRun { get; } = !OperatingSystem.IsLinux() || HasLibSsl();

    /// <summary>The push resource the centre sends to: this phone's URL on its loopback push service.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The subscription as the phone's browser gives it (<c>PushSubscription.toJSON()</c>): endpoint and keys, for the nurse to hand the page.</summary>
    public string SubscriptionJson
    {
        get
        {
            using var json = new MemoryStream();
            using (var w = new Utf8JsonWriter(json))
            {
                w.WriteStartObject();
                w.WriteString("endpoint", Endpoint.ToString());
                w.WriteNull("expirationTime");
                w.WriteStartObject("keys");
                w.WriteString("p256dh", Base64Url.EncodeToString(_publicKey));
                w.WriteString("auth", Base64Url.EncodeToString(_auth));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(json.ToArray());
        }
    }

    /// <summary>Raised with each notification the phone decrypted (on the listener's thread): what its lock screen shows.</summary>
    public event Action<PhoneNotification>? Notified;

    /// <summary>Raised when a request is not what a push service and the phone accept (the VAPID header, a header missing, a body that does not decrypt).</summary>
    public event Action<string>? Problem;

    /// <summary>
    /// Starts the phone's push service on a free loopback port; it accepts only requests signed with
    /// <paramref name="applicationServerKey"/> (the centre's VAPID public key, as the page gives it to the browser),
    /// their tokens checked against <paramref name="wallClock"/>.
    /// </summary>
    public static async Task<DemoPhone> StartAsync(string applicationServerKey, TimeProvider wallClock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applicationServerKey);
        ArgumentNullException.ThrowIfNull(wallClock);
        var builder = WebApplication.CreateSlimBuilder();

        // The demo's screen shows the phone's own lines; the web host's would only interleave with them.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            // A Web Push message is at most 4096 bytes (RFC 8030 §7.2): anything much larger is refused while read.
            k.Limits.MaxRequestBodySize = MaxBody;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var phone = new DemoPhone(app, applicationServerKey, wallClock);
        app.Run(phone.ReceiveAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await phone.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        phone.Endpoint = new Uri(new Uri(address.TrimEnd('/') + "/"), "push/duty-phone");
        return phone;
    }

    private async Task ReceiveAsync(HttpContext ctx)
    {
        using var body = new MemoryStream();
        try
        {
            await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            Problem?.Invoke($"push service refused a request: {ex.Message}");
            ctx.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var refused = ctx.Request.Method != HttpMethods.Post || ctx.Request.Path != Endpoint.AbsolutePath ? $"{ctx.Request.Method} {ctx.Request.Path} is no push resource of this phone"
            : RefusedHeaders(ctx.Request.Headers);
        if (refused is not null)
        {
            Problem?.Invoke($"push service refused a request: {refused}");
            ctx.Response.StatusCode = refused.StartsWith("VAPID", StringComparison.Ordinal) ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            return;
        }

        // Accepted for delivery (RFC 8030 §5); what the phone then makes of it is the phone's business, not the sender's.
        ctx.Response.StatusCode = StatusCodes.Status201Created;
        ctx.Response.Headers.Location = Endpoint.ToString();
        PhoneNotification notification;
        try
        {
            notification = PhoneNotification.Parse(Decrypt(body.ToArray()));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Problem?.Invoke($"the phone could not read a push: {ex.Message}");
            return;
        }

        Notified?.Invoke(notification);
    }

    /// <summary>What a push service would refuse about the request's headers (RFC 8030 §5.2, §5.3; RFC 8292 §3), or null.</summary>
    private string? RefusedHeaders(IHeaderDictionary headers)
    {
        if (!headers.TryGetValue("TTL", out var ttl) || !int.TryParse(ttl, out var seconds) || seconds < 0)
        {
            return "no TTL header (RFC 8030 §5.2)";
        }

        if (headers.TryGetValue("Urgency", out var urgency) is false || urgency.ToString() is not ("very-low" or "low" or "normal" or "high"))
        {
            return "no Urgency header (RFC 8030 §5.3)";
        }

        if (headers.ContentEncoding.ToString() != "aes128gcm")
        {
            return $"Content-Encoding '{headers.ContentEncoding}', expected aes128gcm (RFC 8291)";
        }

        try
        {
            return VapidProblem(headers.Authorization.ToString());
        }
        catch (Exception ex) when (ex is FormatException or JsonException or CryptographicException or InvalidOperationException or ArgumentException)
        {
            return $"VAPID: the header does not parse: {ex.Message}";
        }
    }

    /// <summary>
    /// What is wrong with the <c>Authorization: vapid t=JWT, k=KEY</c> header, or null: the key must be the one the phone
    /// subscribed with, the token signed by it (ES256), for this push service's origin and not expired.
    /// </summary>
    private string? VapidProblem(string authorization)
    {
        if (!authorization.StartsWith("vapid ", StringComparison.OrdinalIgnoreCase))
        {
            return "VAPID: no 'Authorization: vapid t=…, k=…' header (RFC 8292 §3)";
        }

        var parts = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("k", out var k) || k != _serverKey)
        {
            return "VAPID: the header's key is not the centre's public key the phone subscribed with";
        }

        if (!parts.TryGetValue("t", out var token) || token.Split('.') is not [var header, var claims, var signature])
        {
            return "VAPID: no JWT in the header";
        }

        var point = Base64Url.DecodeFromChars(k);
        var sig = Base64Url.DecodeFromChars(signature);
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        if (!ecdsa.VerifyData(Encoding.ASCII.GetBytes(header + "." + claims), sig, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return "VAPID: the token's signature does not verify with the centre's key";
        }

        using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(claims));
        var aud = doc.RootElement.TryGetProperty("aud", out var a) ? a.GetString() : null;
        var origin = Endpoint.GetLeftPart(UriPartial.Authority);
        if (aud != origin)
        {
            return $"VAPID: the token is for '{aud}', not this push service ({origin})";
        }

        return doc.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var e) && DateTimeOffset.FromUnixTimeSeconds(e) > _wallClock.GetUtcNow()
            ? null
            : "VAPID: the token has expired";
    }

    /// <summary>
    /// Decrypts a push body sent to this phone (RFC 8291 §3.4 on RFC 8188): header salt | rs | idlen | keyid (the sender's
    /// one-time public key), then one aes128gcm record whose padding ends at its last 0x02.
    /// </summary>
    /// <exception cref="CryptographicException">It was not encrypted for this phone, or was altered.</exception>
    /// <exception cref="FormatException">It is not an aes128gcm body of one record.</exception>
    internal string Decrypt(ReadOnlySpan<byte> body)
    {
        if (body.Length < HeaderBytes || body.Length < HeaderBytes + body[HeaderBytes - 1] + TagBytes + 1)
        {
            throw new FormatException($"a push body of {body.Length} bytes is shorter than an aes128gcm header and one record");
        }

        var salt = body[..SaltBytes];
        var rs = BinaryPrimitives.ReadUInt32BigEndian(body[SaltBytes..]);
        var senderKey = body.Slice(HeaderBytes, body[HeaderBytes - 1]);
        var record = body[(HeaderBytes + senderKey.Length)..];
        if (senderKey.Length != PointBytes || senderKey[0] != 0x04)
        {
            throw new FormatException($"the keyid is {senderKey.Length} bytes, expected the sender's 65-byte P-256 public key");
        }

        if (record.Length > rs)
        {
            // Web Push sends one record (RFC 8291 §4): a 4 KiB message fits the smallest record size a sender may use.
            throw new FormatException($"the body holds more than one record ({record.Length} bytes, record size {rs})");
        }

        using var sender = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = senderKey[1..33].ToArray(), Y = senderKey[33..].ToArray() } });
        var secret = _key.DeriveRawSecretAgreement(sender.PublicKey);
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. _publicKey, .. senderKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, _auth, keyInfo);
        var cek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt.ToArray(), "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt.ToArray(), "Content-Encoding: nonce\0"u8.ToArray());
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(ikm);

        var plain = new byte[record.Length - TagBytes];
        using (var aes = new AesGcm(cek, TagBytes))
        {
            // The first record's nonce is NONCE itself (its sequence number 0 XORed in).
            aes.Decrypt(nonce, record[..^TagBytes], record[^TagBytes..], plain);
        }

        CryptographicOperations.ZeroMemory(cek);
        var end = Array.FindLastIndex(plain, b => b != 0);
        if (end < 0 || plain[end] != 0x02)
        {
            throw new FormatException("the record's padding does not end in the last record's delimiter 0x02 (RFC 8188 §2)");
        }

        return Encoding.UTF8.GetString(plain, 0, end);
    }

    private static bool HasLibSsl()
    {
        // Loaded and let go again: only whether it is there matters; the runtime loads its own when crypto is first used.
        foreach (var name in new[] { "libssl.so.3", "libssl.so.1.1" })
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _key.Dispose();
        CryptographicOperations.ZeroMemory(_auth);
    }
}

/// <summary>A notification as the duty phone's lock screen has it: the payload the centre sends (PushNotifier.Payload).</summary>
internal sealed record PhoneNotification(Guid Alarm, string Gateway, string Type, string Title, string Body, int Escalation, string Url)
{
    /// <summary>Reads the payload's JSON.</summary>
    /// <exception cref="JsonException">It is not JSON.</exception>
    /// <exception cref="KeyNotFoundException">A field is missing.</exception>
    /// <exception cref="InvalidOperationException">A field is of another type.</exception>
    /// <exception cref="FormatException">The alarm id is no GUID.</exception>
    public static PhoneNotification Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        string Text(string name) => r.GetProperty(name).GetString() ?? throw new InvalidOperationException($"'{name}' is null");
        return new PhoneNotification(Guid.Parse(Text("alarm")), Text("gateway"), Text("type"), Text("title"), Text("body"), r.GetProperty("escalation").GetInt32(), Text("url"));
    }

    /// <summary>The alarm the notification's tap opens: the id in its <c>/#alarm-{id}</c> URL, or null when it names none.</summary>
    public Guid? Opens => Url.StartsWith("/#alarm-", StringComparison.Ordinal) && Guid.TryParse(Url["/#alarm-".Length..], out var id) ? id : null;
}
