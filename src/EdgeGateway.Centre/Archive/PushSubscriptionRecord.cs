namespace EdgeGateway.Centre.Archive;

/// <summary>A duty phone's Web Push subscription as stored (<c>push_subscriptions</c>): where to send, for whom, and its keys.</summary>
/// <param name="Endpoint">The push service's URL for this phone (one row per endpoint).</param>
/// <param name="Operator">The operator the phone belongs to: what she sees decides what is sent there.</param>
/// <param name="P256dh">The phone's P-256 public key, base64url (65 bytes, uncompressed).</param>
/// <param name="Auth">The phone's authentication secret, base64url (16 bytes).</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record PushSubscriptionRecord(string Endpoint, string Operator, string P256dh, string Auth, DateTimeOffset CreatedAt);
