using System.Net;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Centre;

/// <summary>
/// The one way a duty centre is assembled: the consumers on its brokers (one shared de-duplication for two paths), the
/// archive, the <see cref="DutyCentre"/> over them and, when asked, the nurses' page and API. <c>central</c>, the demo,
/// the benchmarks and the tests' centre fixture all build through here, so what they exercise is what a centre runs.
/// The centre's clock is <see cref="DutyCentreOptions.Time"/>, the ack batching's <see cref="CentreAckOptions.Time"/>.
/// </summary>
public sealed class CentreBuilder(ILoggerFactory loggers)
{
    /// <summary>The brokers read, the primary path's first (at most two: the gateways have a primary and a secondary path).</summary>
    public IReadOnlyList<CentreBroker> Brokers { get; init; } = [];

    /// <summary>The MQTT client id on the first broker; the second broker's is this with <c>-2</c> appended.</summary>
    public string ClientId { get; init; } = "central";

    /// <summary>MQTT 5 shared-subscription group: instances in one group split the events; null reads them all.</summary>
    public string? ShareGroup { get; init; }

    /// <summary>How the consumers batch their acks; null for the defaults.</summary>
    public CentreAckOptions? Acks { get; init; }

    /// <summary>Also read the gateways' status, heartbeats and replies (a centre does; an acking end alone need not).</summary>
    public bool FollowGateways { get; init; } = true;

    /// <summary>Supervision, escalation and command timings, and the centre's clock.</summary>
    public DutyCentreOptions Options { get; init; } = new();

    /// <summary>Where the nurses' page and the JSON API are served once the centre runs (port 0: a free one); null serves none.</summary>
    public IPEndPoint? Web { get; init; }

    /// <summary>The page's TLS and operator login (required off loopback).</summary>
    public CentreWebSecurity WebSecurity { get; init; } = CentreWebSecurity.None;

    /// <summary>Where the page's refused and failed requests are logged; null for the logger factory's <c>web</c> logger.</summary>
    public ILogger? WebLogger { get; init; }

    /// <summary>
    /// The consumers alone, one per broker and sharing one de-duplication, not connected yet: the acking end of the link
    /// without an archive (the end-to-end benchmark and the gateway's tests), or the start of a whole centre.
    /// </summary>
    /// <exception cref="LinkSecurityException">A broker's security setting cannot be used (a missing key, a key readable by others).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Acks"/> is out of range.</exception>
    public IReadOnlyList<CentreConsumer> BuildConsumers()
    {
        if (Brokers.Count > 2)
        {
            throw new ArgumentException($"a centre reads at most two brokers (a primary and a secondary path), not {Brokers.Count}", nameof(Brokers));
        }

        var dedup = new CentreDedup();
        var consumers = new List<CentreConsumer>();
        foreach (var broker in Brokers)
        {
            var id = consumers.Count == 0 ? ClientId : $"{ClientId}-2";
            consumers.Add(new CentreConsumer(broker.Endpoint, id, ShareGroup, loggers.CreateLogger("central"), broker.Security, dedup, Acks) { FollowGateways = FollowGateways });
        }

        return consumers;
    }

    /// <summary>
    /// Opens the archive <paramref name="store"/> names (a SQLite file, or a PostgreSQL URL or connection string) and builds
    /// the centre over it; nothing is connected until <see cref="CentreHost.StartAsync"/>. The consumers are made first, so a
    /// refused security setting leaves no archive file behind.
    /// </summary>
    /// <exception cref="LinkSecurityException">A broker's security setting cannot be used.</exception>
    /// <exception cref="FormatException">A PostgreSQL URL or connection string cannot be read.</exception>
    public async Task<CentreHost> BuildAsync(string store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var consumers = BuildConsumers();
        IArchive archive;
        try
        {
            archive = await ArchiveStore.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await CloseAsync(consumers, null).ConfigureAwait(false);
            throw;
        }

        try
        {
            return Assemble(archive, consumers);
        }
        catch
        {
            await CloseAsync(consumers, archive).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Builds the centre over an archive already open (a test's, or one several centres share); the host disposes it.</summary>
    /// <exception cref="LinkSecurityException">A broker's security setting cannot be used.</exception>
    public CentreHost Build(IArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return Assemble(archive, BuildConsumers());
    }

    private CentreHost Assemble(IArchive archive, IReadOnlyList<CentreConsumer> consumers)
    {
        var centre = new DutyCentre(archive, consumers, Options, loggers.CreateLogger("centre"));

        // Who gets which push: the accounts the centre starts with, until the page's logins follow the file (CentreWeb).
        var accounts = WebSecurity.Accounts;
        centre.Push.Accounts = () => accounts;
        var (webAt, security, webLogger) = (Web, WebSecurity, WebLogger ?? loggers.CreateLogger("web"));
        return new CentreHost(archive, centre, consumers, webAt is null ? null : (c, ct) => CentreWeb.StartAsync(c, webAt, security, webLogger, ct));
    }

    // What a build that failed half way had opened: nothing else holds it yet.
    private static async Task CloseAsync(IReadOnlyList<CentreConsumer> consumers, IArchive? archive)
    {
        foreach (var c in consumers)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        if (archive is not null)
        {
            await archive.DisposeAsync().ConfigureAwait(false);
        }
    }
}
