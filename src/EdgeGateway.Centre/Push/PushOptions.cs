namespace EdgeGateway.Centre.Push;

/// <summary>Web Push to the duty phones (<c>central --vapid-key FILE --vapid-subject mailto:…</c>); <see cref="DutyCentreOptions.Push"/> null turns it off.</summary>
/// <param name="Key">The centre's VAPID key pair.</param>
/// <param name="Subject">Who runs this centre, for the push services: a <c>mailto:</c> or <c>https:</c> URI (RFC 8292 §2.1).</param>
public sealed record PushOptions(VapidKey Key, string Subject)
{
    /// <summary>How long a push service keeps a message for a phone that is off (the <c>TTL</c> header): an alarm older than this is no news.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long one request to a push service may take before it counts as failed.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock VAPID tokens are dated by: a push service checks their expiry in real time, while the centre's own clock may be a demo's scenario clock.</summary>
    public TimeProvider WallClock { get; init; } = TimeProvider.System;

    /// <summary>Checks the subject: <c>mailto:</c> with an address, or an absolute <c>https:</c> URL.</summary>
    /// <exception cref="ArgumentException">It is neither; the message names the value.</exception>
    public static string CheckSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var ok = subject.StartsWith("mailto:", StringComparison.Ordinal) ? subject.Length > 7 && subject.Contains('@', StringComparison.Ordinal) && !subject.Any(char.IsWhiteSpace)
            : Uri.TryCreate(subject, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
        return ok ? subject : throw new ArgumentException($"VAPID subject '{PrintableText.Of(subject, 80)}' must be mailto:ADDRESS or an https:// URL (the push services write to it about this centre)", nameof(subject));
    }

    internal PushOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Key);
        CheckSubject(Subject);
        if (TimeToLive < TimeSpan.Zero || SendTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TimeToLive), "push timings must be positive");
        }

        return this;
    }
}
