using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Residents;
using EdgeGateway.Centre.Web;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre.Push;

/// <summary>
/// Web Push to the duty phones (issue 30, docs/operations.md "Duty phones (Web Push)"): every new alarm and every
/// escalation level goes, encrypted (RFC 8291) and signed with the centre's VAPID key (RFC 8292), to each subscribed phone
/// of an operator who sees the alarm's home. It follows the centre's <see cref="ChangeFeed"/> and sends from its own
/// workers, so sending never holds up storing, taking or escalating; a failed push is logged and the next level tries again.
/// Without <see cref="PushOptions"/> it is off: nothing is read or sent, and its requests answer 503.
/// </summary>
public sealed partial class PushNotifier : IAsyncDisposable
{
    private const int Workers = 4;
    private const int MaxEndpoint = 2048;

    private readonly IArchive _archive;
    private readonly ResidentBook _residents;
    private readonly TimeProvider _time;
    private readonly PushOptions? _options;
    private readonly ILogger _logger;
    private readonly RecentIds _announced = new(4096);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<AlarmRecord> _work = Channel.CreateUnbounded<AlarmRecord>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ChangeFeed.Subscription? _feed;
    private readonly HttpClient? _http;
    private readonly PushServiceClient? _client;
    private readonly VapidAuthentication? _vapid;
    private Task _running = Task.CompletedTask;

    /// <summary>Sends for the alarms on <paramref name="feed"/> with <paramref name="options"/> (null: push is off).</summary>
    public PushNotifier(IArchive archive, ResidentBook residents, ChangeFeed feed, PushOptions? options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(residents);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        (_archive, _residents, _time, _logger) = (archive, residents, time, logger);
        _options = options?.Validated();
        if (_options is null)
        {
            return;
        }

        // Subscribed now, not at start: an alarm stored while the consumers connect is on the feed before the loop runs.
        _feed = feed.Subscribe();

        // The VAPID header is written by VapidSigner (the library's audience lacks the port); the library's own token,
        // required by its API, is made once per push service and cached.
        _http = new HttpClient(new VapidSigner(_options.Key, _options.Subject, TimeSpan.FromHours(12), _options.WallClock)) { Timeout = _options.SendTimeout };
        _vapid = _options.Key.Authentication(_options.Subject);
        _vapid.TokenCache = new TokenCache(_options.WallClock);
        _client = new PushServiceClient(_http)
        {
            DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid,
            DefaultTimeToLive = (int)_options.TimeToLive.TotalSeconds,

            // A 429 is not waited out here: the next escalation level is the retry (no loop per phone).
            AutoRetryAfter = false,
        };
    }

    /// <summary>Whether push is on (<c>--vapid-key</c> given).</summary>
    public bool Enabled => _options is not null;

    /// <summary>
    /// The operator accounts as they now are (reloaded with the file), or null without logins, when every subscription gets
    /// every alarm. Set by the page once its logins run; until then the accounts the centre was started with.
    /// </summary>
    internal Func<OperatorAccounts?> Accounts { get; set; } = () => null;

    /// <summary>The VAPID public key the phones subscribe with (base64url, 65 bytes).</summary>
    /// <exception cref="CentreActionException">Push is off (503).</exception>
    public string PublicKey => OptionsOrThrow().Key.PublicKey;

    /// <summary>
    /// Stores the subscription of <paramref name="operatorName"/>'s phone (replacing one of the same endpoint), with the
    /// audit row <c>push-subscribe</c> (the push service's host, never the keys).
    /// </summary>
    /// <exception cref="CentreActionException">Push is off (503), or a field is not what a browser gives (400 naming it).</exception>
    public async Task<PushSubscriptionRecord> SubscribeAsync(string operatorName, string endpoint, string p256dh, string auth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operatorName);
        OptionsOrThrow();
        var url = CheckEndpoint(endpoint);
        CheckP256dh(p256dh);
        if (VapidKey.FromBase64Url(auth) is not { Length: 16 })
        {
            throw new CentreActionException(400, "subscription.keys.auth", "'subscription.keys.auth' must be the 16-byte authentication secret in base64url, as PushSubscription.toJSON() gives it");
        }

        var at = _time.GetUtcNow();
        var row = new PushSubscriptionRecord(endpoint, operatorName, p256dh, auth, at);
        await _archive.PutPushSubscriptionAsync(row, new OperatorAction(at, operatorName, "push-subscribe", null, null, null, "ok", "push service " + url.Host), cancellationToken).ConfigureAwait(false);
        return row;
    }

    /// <summary>Deletes the subscription of <paramref name="endpoint"/> for <paramref name="operatorName"/> (audit row <c>push-unsubscribe</c>); false when there was none.</summary>
    /// <exception cref="CentreActionException">Push is off (503).</exception>
    public async Task<bool> UnsubscribeAsync(string operatorName, string endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operatorName);
        ArgumentNullException.ThrowIfNull(endpoint);
        OptionsOrThrow();
        var host = Uri.TryCreate(endpoint, UriKind.Absolute, out var url) ? url.Host : "?";
        var action = new OperatorAction(_time.GetUtcNow(), operatorName, "push-unsubscribe", null, null, null, "ok", "push service " + host);
        return await _archive.RemovePushSubscriptionAsync(endpoint, action, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts following the feed (nothing when push is off).</summary>
    internal void Start()
    {
        if (_feed is null)
        {
            return;
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(_stop.Token), CancellationToken.None));
        _running = Task.WhenAll([Task.Run(() => FollowAsync(_feed, _stop.Token), CancellationToken.None), .. workers]);
    }

    /// <summary>
    /// The alarms a phone is told of: one the feed shows open and untaken for the first time (a gateway alarm delivered, a
    /// supervision or technical alarm raised), and each escalation level (the archive lets one instance escalate once).
    /// Another change of an alarm already announced (a note, a resident saved) is no news.
    /// </summary>
    internal static bool IsNews(CentreChange change, Func<Guid, bool> firstTime) => change switch
    {
        { Kind: "escalation", Alarm: { State: AlarmStates.Raised or AlarmStates.Delivered, Escalation: > 0 } } => true,
        { Kind: "alarm", Alarm: { State: AlarmStates.Raised or AlarmStates.Delivered, Escalation: 0 } a } => firstTime(a.Id),
        _ => false,
    };

    private async Task FollowAsync(ChangeFeed.Subscription feed, CancellationToken ct)
    {
        try
        {
            await foreach (var change in feed.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (IsNews(change, _announced.Add))
                {
                    _work.Writer.TryWrite(change.Alarm!);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var alarm in _work.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await SendAsync(alarm, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The archive could not be read: this level is lost for the phones (the page still shows it); the next level tries again.
                    LogNotSent(_logger, ex, alarm.Id, alarm.Escalation, ex.GetType().Name + ": " + ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Sends <paramref name="alarm"/> at its escalation level to every phone whose operator sees its home.</summary>
    internal async Task SendAsync(AlarmRecord alarm, CancellationToken ct)
    {
        var residents = await _residents.DirectoryAsync(ct).ConfigureAwait(false);
        var subscriptions = await _archive.PushSubscriptionsAsync(ct).ConfigureAwait(false);
        var accounts = Accounts();
        var to = subscriptions.Where(s => Sees(accounts, residents, s.Operator, alarm.Gateway)).ToList();
        if (to.Count == 0)
        {
            return;
        }

        var payload = Payload(alarm, residents.SummaryOf(alarm.Gateway), _time.GetUtcNow());
        await Task.WhenAll(to.Select(s => SendOneAsync(s, alarm, payload, ct))).ConfigureAwait(false);
        LogSent(_logger, alarm.Id, alarm.Escalation, to.Count);
    }

    /// <summary>
    /// Whether <paramref name="operatorName"/>'s phone gets an alarm of <paramref name="gateway"/>: without accounts every
    /// phone; with accounts only a nurse listed there, and only for the homes her zones cover (as on her page).
    /// </summary>
    internal static bool Sees(OperatorAccounts? accounts, ResidentDirectory residents, string operatorName, string gateway) =>
        accounts is null
        || (accounts.Has(operatorName) && (accounts.RolesOf(operatorName) & OperatorRoles.Nurse) != 0 && residents.Sees(accounts.ZonesOf(operatorName), gateway));

    private async Task SendOneAsync(PushSubscriptionRecord to, AlarmRecord alarm, string payload, CancellationToken ct)
    {
        var subscription = new PushSubscription { Endpoint = to.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, to.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, to.Auth);
        var message = new PushMessage(payload)
        {
            // A later level replaces the earlier one on the phone instead of piling up (RFC 8030 §5.4).
            Topic = alarm.Id.ToString("N"),
            Urgency = PushMessageUrgency.High,
        };
        var host = HostOf(to.Endpoint);
        try
        {
            await _client!.RequestPushMessageDeliveryAsync(subscription, message, _vapid, VapidAuthenticationScheme.Vapid, ct).ConfigureAwait(false);
        }
        catch (PushServiceClientException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            // The phone unsubscribed, or its browser dropped the subscription: sending there again is pointless (RFC 8030 §7.3).
            await _archive.RemovePushSubscriptionAsync(to.Endpoint, null, ct).ConfigureAwait(false);
            LogGone(_logger, host, to.Operator, (int)ex.StatusCode);
        }
        catch (PushServiceClientException ex)
        {
            LogFailed(_logger, alarm.Id, host, to.Operator, $"the push service answered {(int)ex.StatusCode}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            LogFailed(_logger, alarm.Id, host, to.Operator, $"no answer within {_options!.SendTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // One phone's failure (unreachable service, a stored key the library refuses) is that phone's, never the others'.
            LogFailed(_logger, alarm.Id, host, to.Operator, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// The notification's JSON: what the phone shows on its lock screen, so the resident's name and address but never an
    /// access code or next of kin (<see cref="ResidentSummary"/> carries neither codes nor relatives).
    /// </summary>
    internal static string Payload(AlarmRecord alarm, ResidentSummary? resident, DateTimeOffset now)
    {
        var label = Label(alarm.Type);
        var title = $"{label} · {resident?.Name ?? alarm.Gateway}";
        var what = alarm.Escalation > 0
            ? $"not taken for {Math.Max(1, (int)(now - alarm.ReceivedAt).TotalMinutes)} min"
            : alarm.Message;
        var body = resident is null ? what : $"{resident.Address} · {what}";
        var id = alarm.Id.ToString("D");
        return System.Text.Encoding.UTF8.GetString(CentreJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("alarm", id);
            w.WriteString("gateway", alarm.Gateway);
            w.WriteString("type", alarm.Type);
            w.WriteString("title", title);
            w.WriteString("body", body);
            w.WriteNumber("escalation", alarm.Escalation);
            w.WriteString("url", "/#alarm-" + id);
            w.WriteEndObject();
        }));
    }

    /// <summary>"org.edgegateway.alarm.help-button" → "Help button", as the page labels a type.</summary>
    internal static string Label(string type)
    {
        var last = type[(type.LastIndexOf('.') + 1)..].Replace('-', ' ');
        return last.Length == 0 ? type : char.ToUpperInvariant(last[0]) + last[1..];
    }

    private static string HostOf(string endpoint) => Uri.TryCreate(endpoint, UriKind.Absolute, out var url) ? url.Authority : "?";

    private static Uri CheckEndpoint(string endpoint)
    {
        const string Field = "subscription.endpoint";
        if (endpoint.Length > MaxEndpoint || !Uri.TryCreate(endpoint, UriKind.Absolute, out var url))
        {
            throw new CentreActionException(400, Field, $"'{Field}' must be an absolute URL of at most {MaxEndpoint} characters, got '{PrintableText.Of(endpoint, 80)}'");
        }

        // Plain http only to this machine: a test's push endpoint. Anything else would send alarms readable on the way.
        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && loopback)) || url.UserInfo.Length > 0)
        {
            throw new CentreActionException(400, Field, $"'{Field}' must be an https:// URL of a push service (http:// only on a loopback address), got '{PrintableText.Of(endpoint, 80)}'");
        }

        return url;
    }

    private static void CheckP256dh(string p256dh)
    {
        const string Field = "subscription.keys.p256dh";
        var point = VapidKey.FromBase64Url(p256dh);
        if (point is not { Length: 65 } || point[0] != 0x04)
        {
            throw new CentreActionException(400, Field, $"'{Field}' must be the phone's P-256 public key in base64url: 65 bytes starting 0x04, as PushSubscription.toJSON() gives it");
        }

        // A point off the curve would pass the length check and fail at every send: refused now, where the page hears it.
        try
        {
            using var ecdh = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        }
        catch (CryptographicException)
        {
            throw new CentreActionException(400, Field, $"'{Field}' is not a point on the P-256 curve");
        }
    }

    private PushOptions OptionsOrThrow() =>
        _options ?? throw new CentreActionException(503, "push", "push to duty phones is off: start the centre with --vapid-key FILE --vapid-subject mailto:ADDRESS");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        await _running.ConfigureAwait(false);
        _feed?.Dispose();
        _vapid?.Dispose();
        _http?.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// Keeps each push service's signed token until an hour before it expires: one ECDSA signature per service every
    /// few hours instead of one per phone per alarm.
    /// </summary>
    private sealed class TokenCache(TimeProvider wallClock) : IVapidTokenCache
    {
        private static readonly TimeSpan Margin = TimeSpan.FromHours(1);
        private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

        public string? Get(string audience) =>
            _tokens.TryGetValue(audience, out var t) && wallClock.GetUtcNow() < t.Expires - Margin ? t.Token : null;

        public void Put(string audience, DateTimeOffset expiration, string token) => _tokens[audience] = (token, expiration);
    }

    [LoggerMessage(EventId = 3290, Level = LogLevel.Warning, Message = "Push to {Host} for {Operator}: the push service answered {Status} (subscription gone); deleted, that phone gets nothing until it subscribes again")]
    private static partial void LogGone(ILogger logger, string host, string @operator, int status);

    [LoggerMessage(EventId = 3291, Level = LogLevel.Warning, Message = "Push of alarm {Alarm} to {Host} for {Operator} failed: {Reason}; the next escalation level tries again")]
    private static partial void LogFailed(ILogger logger, Guid alarm, string host, string @operator, string reason);

    [LoggerMessage(EventId = 3292, Level = LogLevel.Error, Message = "Push of alarm {Alarm} at level {Level} not sent: {Reason}; the next escalation level tries again")]
    private static partial void LogNotSent(ILogger logger, Exception exception, Guid alarm, int level, string reason);

    [LoggerMessage(EventId = 3293, Level = LogLevel.Debug, Message = "Push of alarm {Alarm} at level {Level} sent to {Phones} phone(s)")]
    private static partial void LogSent(ILogger logger, Guid alarm, int level, int phones);
}
