using MQTTnet;

namespace EdgeGateway.Contract;

/// <summary>The session settings of one MQTT client: who it is and how long the broker keeps its session.</summary>
/// <param name="ClientId">The MQTT client id.</param>
/// <param name="KeepAlive">The MQTT keep-alive period.</param>
/// <param name="Timeout">How long one request (CONNECT included) may take.</param>
/// <param name="SessionExpiry">How long the broker keeps the session (and the QoS 1 messages for it) while we are away; zero ends it with the connection (the centre's shared subscription, docs/scaling-central.md).</param>
public sealed record BrokerSession(string ClientId, TimeSpan KeepAlive, TimeSpan Timeout, TimeSpan SessionExpiry);

/// <summary>Why we refused the broker's certificate during the last handshake, or null when we did not.</summary>
/// <remarks>MQTTnet reports a refused handshake as a bare socket error; this keeps our reason so the caller can say it.</remarks>
public sealed class TlsRefusal
{
    /// <summary>The reason from <see cref="LoadedSecurity.ValidateServer"/>, or null.</summary>
    public string? Reason { get; internal set; }
}

/// <summary>
/// How both ends of the link (gateway and centre) connect to a broker: MQTT 5, the session the caller asks for (the gateway's
/// persists, the centre's ends with its connection), a socket that acknowledges every read at once (<see cref="QuickAckStreamProvider"/>), the loaded credentials,
/// and TLS 1.2/1.3 with our client certificate and the server checked against the pinned CA only.
/// </summary>
public static class BrokerClientOptions
{
    /// <summary>
    /// Starts the client options for <paramref name="endpoint"/>; the caller adds what only it needs (a will, for instance)
    /// and builds. A server certificate we refuse is recorded in <paramref name="refusal"/>.
    /// </summary>
    public static MqttClientOptionsBuilder For(MqttEndpoint endpoint, LoadedSecurity security, BrokerSession session, TlsRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(refusal);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithStreamProvider(QuickAckStreamProvider.Instance)
            .WithClientId(session.ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(session.KeepAlive)
            .WithTimeout(session.Timeout)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)session.SessionExpiry.TotalSeconds);
        if (security.Username is not null)
        {
            builder = builder.WithCredentials(security.Username, security.Password);
        }

        refusal.Reason = null;
        if (endpoint.Tls)
        {
            builder = builder.WithTlsOptions(o => o
                .UseTls()
                .WithSslProtocols(LoadedSecurity.Protocols)
                .WithClientCertificates([security.ClientCertificate!])
                .WithCertificateValidationHandler(args =>
                {
                    refusal.Reason = security.ValidateServer(args.Certificate, args.SslPolicyErrors);
                    return refusal.Reason is null;
                }));
        }

        return builder;
    }
}
