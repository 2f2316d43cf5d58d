using System.Threading.Channels;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.Uplink.Mqtt;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Uplink.Tests;

/// <summary>
/// Publishes care events with acknowledged delivery: <see cref="SqliteOutbox"/> + <see cref="ReliableUplink"/> fed from a
/// channel, for the uplink's own tests (the gateway assembles these through its GatewayBuilder). Without a data directory
/// it keeps its outbox in a private temp directory.
/// </summary>
public sealed class ChannelPublisher : IAsyncDisposable
{
    private readonly string? _tempDirectory;
    private readonly SqliteOutbox _outbox;
    private readonly ReliableUplink _uplink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a publisher for <paramref name="gatewayId"/> towards <paramref name="endpoint"/>, with an outbox in a private temp directory.</summary>
    public ChannelPublisher(MqttEndpoint endpoint, string gatewayId, ILogger logger, TimeProvider time)
        : this(endpoint, gatewayId, logger, time, dataDirectory: null, options: null)
    {
    }

    /// <summary>Creates a publisher whose outbox lives in <paramref name="dataDirectory"/> (null: a private temp directory).</summary>
    public ChannelPublisher(MqttEndpoint endpoint, string gatewayId, ILogger logger, TimeProvider time, string? dataDirectory, UplinkOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        CareEventFactory.ValidateGatewayId(gatewayId);
        _logger = logger;
        _time = time;
        if (dataDirectory is null)
        {
            _tempDirectory = Directory.CreateTempSubdirectory($"edgegateway-outbox-{gatewayId}-").FullName;
        }

        var boot = new CareEventFactory(gatewayId, time, options?.ClockSync ?? new FixedClockSyncStatus(false));
        _outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = dataDirectory ?? _tempDirectory! }, boot, time, logger);
        _uplink = new ReliableUplink(endpoint, gatewayId, _outbox, boot, options ?? new UplinkOptions(), logger, time);
        _uplink.AnyPathUpChanged += up => AnyPathUpChanged?.Invoke(up);
        _uplink.AckReceived += a => AckReceived is { } h ? h(a) : Task.CompletedTask;
        _uplink.Published += e =>
        {
            if (Published is { } h)
            {
                h(CloudEventCodec.Deserialize(e.Payload.Span));
            }
        };
    }

    /// <summary>Raised when the centre acknowledges an event (after the ack is committed to the outbox).</summary>
    public event Func<EventAck, Task>? AckReceived;

    /// <summary>Raised after the broker confirmed (PUBACK) a transmission of an event.</summary>
    public event Action<CareEvent>? Published;

    /// <summary>Raised when the first path comes up (true) or the last one goes down (false): the host passes it to <c>AlarmLoop.TrySetUplinkState</c>.</summary>
    public event Action<bool>? AnyPathUpChanged;

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected => _uplink.IsConnected;

    /// <summary>The outbox behind this publisher.</summary>
    public SqliteOutbox Outbox => _outbox;

    /// <summary>Accepts every event from <paramref name="events"/> into the outbox and delivers it, until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(ChannelReader<CareEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pump = OutboxPump.RunAsync(events, _outbox, _logger, _time, cancellationToken);
        await _uplink.RunAsync(cancellationToken).ConfigureAwait(false);
        await pump.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _outbox.DisposeAsync().ConfigureAwait(false);
        if (_tempDirectory is not null)
        {
            try
            {
                Directory.Delete(_tempDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp dir is harmless.
            }
        }
    }
}
