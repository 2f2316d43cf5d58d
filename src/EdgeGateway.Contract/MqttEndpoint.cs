using System.Globalization;

namespace EdgeGateway.Contract;

/// <summary>A broker address: <c>mqtt://host:port</c> (plain TCP) or <c>mqtts://host:port</c> (TLS).</summary>
public sealed record MqttEndpoint(string Host, int Port, bool Tls = false)
{
    /// <summary>Parses a broker URL; the message names what is wrong.</summary>
    /// <exception cref="FormatException">The URL is not mqtt:// or mqtts:// with a host and a valid port.</exception>
    public static MqttEndpoint Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"broker URL '{url}' is not a URL like mqtt://127.0.0.1:1883");
        }

        var tls = uri.Scheme switch
        {
            "mqtt" or "tcp" => false,
            "mqtts" or "ssl" => true,
            _ => throw new FormatException($"broker URL '{url}' has scheme '{uri.Scheme}': expected mqtt or mqtts"),
        };
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;
        return new MqttEndpoint(uri.Host, port, tls);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{(Tls ? "mqtts" : "mqtt")}://{Host}:{Port}");
}
