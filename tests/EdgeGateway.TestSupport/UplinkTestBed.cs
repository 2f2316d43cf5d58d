using EdgeGateway.Uplink.Mqtt;

namespace EdgeGateway.TestSupport;

/// <summary>
/// What the uplink's broker-failure tests (chaos, dual path) share: a private data directory per test, removed afterwards,
/// and link timings short enough that a lost broker, a half-open link or a missing ack shows within seconds.
/// </summary>
public sealed class UplinkTestBed : IDisposable
{
    /// <summary>Creates the data directory, named after <paramref name="name"/> so a leftover says which test made it.</summary>
    public UplinkTestBed(string name) => DataDirectory = Directory.CreateTempSubdirectory(name + "-").FullName;

    /// <summary>The outbox's (and a gateway process's) data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Keep-alive 2 s, ack timeout 1 s, retransmission at most 2 s apart, reconnect from 50 ms up to <paramref name="reconnectMax"/>, connect timeout 2 s.</summary>
    public static UplinkOptions FastOptions(TimeSpan reconnectMax) => new()
    {
        KeepAlive = TimeSpan.FromSeconds(2),
        AckTimeout = TimeSpan.FromSeconds(1),
        MaxRetransmitDelay = TimeSpan.FromSeconds(2),
        ReconnectInitial = TimeSpan.FromMilliseconds(50),
        ReconnectMax = reconnectMax,
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(DataDirectory, recursive: true);
}
