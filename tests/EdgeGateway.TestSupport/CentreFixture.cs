using System.Net;
using EdgeGateway.Centre;
using EdgeGateway.Centre.Archive;
using EdgeGateway.Centre.Web;
using EdgeGateway.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.TestSupport;

/// <summary>
/// A real duty centre for a test, assembled by <see cref="CentreBuilder"/> as <c>central</c> assembles one: consumers on
/// the test's brokers (plain loopback), the archive, supervision and, unless told otherwise, the page and API on a free
/// loopback port. Started when returned; disposing it stops page, centre and archive in that order.
/// </summary>
public sealed class CentreFixture : IAsyncDisposable
{
    private readonly CentreHost _host;

    private CentreFixture(CentreHost host) => _host = host;

    /// <summary>The duty centre.</summary>
    public DutyCentre Centre => _host.Centre;

    /// <summary>The centre's archive.</summary>
    public IArchive Archive => _host.Archive;

    /// <summary>The consumers, one per broker given, in that order.</summary>
    public IReadOnlyList<CentreConsumer> Consumers => _host.Consumers;

    /// <summary>The page and API.</summary>
    /// <exception cref="InvalidOperationException">The centre was started with <c>web: false</c>.</exception>
    public CentreWeb Web => _host.Web ?? throw new InvalidOperationException("this centre was started without its page (web: false)");

    /// <summary>
    /// Starts a centre over a SQLite archive <paramref name="store"/> in <paramref name="dir"/>, reading <paramref name="brokers"/>
    /// (URLs, the primary path's first). <paramref name="loggers"/> receives the centre's, consumers' and page's logs (none when null);
    /// <paramref name="webLog"/>, when given, the page's refused and failed requests instead.
    /// </summary>
    public static async Task<CentreFixture> StartAsync(string dir, IReadOnlyList<string> brokers, DutyCentreOptions? options = null, string clientId = "centre", string? shareGroup = null, bool web = true, ILogger? webLog = null, ILoggerFactory? loggers = null, string store = "centre.db")
    {
        var host = await Builder(brokers, options, clientId, shareGroup, web, webLog, loggers).BuildAsync(Path.Combine(dir, store)).ConfigureAwait(false);
        return await StartAsync(host).ConfigureAwait(false);
    }

    /// <summary>Starts a centre over <paramref name="archive"/>, already open (a PostgreSQL one, or one several centres share); the fixture closes it.</summary>
    public static Task<CentreFixture> StartAsync(IArchive archive, IReadOnlyList<string> brokers, DutyCentreOptions? options = null, string clientId = "centre", string? shareGroup = null, bool web = true, ILogger? webLog = null, ILoggerFactory? loggers = null) =>
        StartAsync(Builder(brokers, options, clientId, shareGroup, web, webLog, loggers).Build(archive));

    /// <summary>
    /// A centre's acking end alone, one consumer per broker URL sharing one id memory, made by <see cref="CentreBuilder"/>
    /// as a centre makes them but without archive or supervision: for the gateway's tests, which watch what reaches the
    /// centre. Not connected yet: subscribe to their events, then start them.
    /// </summary>
    public static IReadOnlyList<CentreConsumer> AckingEnds(IReadOnlyList<string> brokers, string clientId, string? shareGroup = null, LinkSecurity? security = null, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(brokers);
        return new CentreBuilder(loggers ?? NullLoggerFactory.Instance)
        {
            Brokers = [.. brokers.Select(url => new CentreBroker(MqttEndpoint.Parse(url), security ?? LinkSecurity.LoopbackDemo))],
            ClientId = clientId,
            ShareGroup = shareGroup,
            FollowGateways = false,
        }.BuildConsumers();
    }

    /// <summary>
    /// The one teardown of a test with a centre: each part that was started (null: never started) disposed in the order
    /// given, the centre before the brokers it reads, then the test's folder <paramref name="dir"/> removed.
    /// </summary>
    public static async Task TeardownAsync(string dir, params IAsyncDisposable?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var part in parts)
        {
            if (part is not null)
            {
                await part.DisposeAsync().ConfigureAwait(false);
            }
        }

        // SQLite keeps pooled connections open on the archive's file, which would hold the folder.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private static CentreBuilder Builder(IReadOnlyList<string> brokers, DutyCentreOptions? options, string clientId, string? shareGroup, bool web, ILogger? webLog, ILoggerFactory? loggers)
    {
        ArgumentNullException.ThrowIfNull(brokers);
        return new CentreBuilder(loggers ?? NullLoggerFactory.Instance)
        {
            Brokers = [.. brokers.Select(CentreBroker.Loopback)],
            ClientId = clientId,
            ShareGroup = shareGroup,
            Options = options ?? new DutyCentreOptions(),
            Web = web ? new IPEndPoint(IPAddress.Loopback, 0) : null,
            WebLogger = webLog,
        };
    }

    private static async Task<CentreFixture> StartAsync(CentreHost host)
    {
        try
        {
            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new CentreFixture(host);
    }
}
