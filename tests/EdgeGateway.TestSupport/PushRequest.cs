namespace EdgeGateway.TestSupport;

/// <summary>One request a <see cref="PushEndpoint"/> received.</summary>
/// <param name="Method">The HTTP method (POST for a push message).</param>
/// <param name="Path">The URL path: which phone.</param>
/// <param name="Headers">Every header, by name (case-insensitive).</param>
/// <param name="Body">The body as sent (encrypted).</param>
/// <param name="ReceivedAt">When it arrived, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
public sealed record PushRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, long ReceivedAt)
{
    /// <summary>The header <paramref name="name"/>, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
