using EdgeGateway.Contract;

namespace EdgeGateway.Centre;

/// <summary>One broker a centre reads its gateways from (the primary path's, or the secondary's), with how it authenticates there.</summary>
/// <param name="Endpoint">The broker's address.</param>
/// <param name="Security">Mutual TLS, login or plain loopback (demos and tests) on that broker.</param>
public sealed record CentreBroker(MqttEndpoint Endpoint, LinkSecurity Security)
{
    /// <summary>A broker on <paramref name="url"/> (e.g. a test's <c>mqtt://127.0.0.1:port</c>) with plain TCP on loopback allowed.</summary>
    /// <exception cref="FormatException"><paramref name="url"/> is not a broker URL.</exception>
    public static CentreBroker Loopback(string url) => new(MqttEndpoint.Parse(url), LinkSecurity.LoopbackDemo);
}
