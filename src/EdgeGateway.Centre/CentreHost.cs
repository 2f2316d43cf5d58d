using System.Runtime.ExceptionServices;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;

namespace EdgeGateway.Centre;

/// <summary>
/// A centre as <see cref="CentreBuilder"/> assembled it: started in the order its parts need (the consumers and the
/// supervision loop, then the page over them) and stopped in the reverse one (page, centre with its consumers, archive),
/// so no part outlives what it reads.
/// </summary>
public sealed class CentreHost : IAsyncDisposable
{
    private readonly Func<DutyCentre, CancellationToken, Task<CentreWeb>>? _startWeb;

    internal CentreHost(IArchive archive, DutyCentre centre, IReadOnlyList<CentreConsumer> consumers, Func<DutyCentre, CancellationToken, Task<CentreWeb>>? startWeb)
    {
        (Archive, Centre, Consumers, _startWeb) = (archive, centre, consumers, startWeb);
    }

    /// <summary>The archive every event, alarm and action is stored in.</summary>
    public IArchive Archive { get; }

    /// <summary>The duty centre (subscribe to <see cref="DutyCentre.EventRecorded"/> before <see cref="StartAsync"/> to see every event).</summary>
    public DutyCentre Centre { get; }

    /// <summary>The consumers, one per broker, the primary path's first.</summary>
    public IReadOnlyList<CentreConsumer> Consumers { get; }

    /// <summary>The nurses' page and API once started; null when none was asked for or before <see cref="StartAsync"/>.</summary>
    public CentreWeb? Web { get; private set; }

    /// <summary>Connects to the brokers and starts supervision, then serves the page when one was asked for.</summary>
    /// <exception cref="MQTTnet.Exceptions.MqttCommunicationException">A broker cannot be reached.</exception>
    /// <exception cref="IOException">The page's address cannot be listened on.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Centre.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_startWeb is not null)
        {
            Web = await _startWeb(Centre, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the page, then the centre and its consumers, then closes the archive: each even when the one before it threw, which is rethrown after.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Exception>? failures = null;
        foreach (var part in new IAsyncDisposable?[] { Web, Centre, Archive })
        {
            try
            {
                if (part is not null)
                {
                    await part.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is [var only])
        {
            ExceptionDispatchInfo.Throw(only);
        }

        if (failures is not null)
        {
            throw new AggregateException("stopping the centre failed", failures);
        }
    }
}
