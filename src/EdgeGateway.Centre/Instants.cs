using System.Globalization;

namespace EdgeGateway.Centre;

/// <summary>How the centre writes an instant: on the wire (commands, webhook, JSON) and in an alarm's message.</summary>
internal static class Instants
{
    /// <summary>The wire form of an instant (UTC, milliseconds).</summary>
    public static string Wire(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An instant as a nurse reads it in an alarm's message (UTC, seconds).</summary>
    public static string Clock(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The later of two instants.</summary>
    public static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
