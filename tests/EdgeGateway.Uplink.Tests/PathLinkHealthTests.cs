using System.Collections.Concurrent;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Core.Time;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Mqtt;
using Xunit.Abstractions;

namespace EdgeGateway.Uplink.Tests;

/// <summary>Each path's link owns its health: only its supervisor changes it, and it reports every change itself.</summary>
[Trait("Category", "Integration")]
public sealed class PathLinkHealthTests(ITestOutputHelper output) : IDisposable
{
    private readonly StrictLogs _logs = new(output);

    public void Dispose() => _logs.Dispose();

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly UplinkOptions Fast = new()
    {
        KeepAlive = TimeSpan.FromSeconds(2),
        ReconnectInitial = TimeSpan.FromMilliseconds(50),
        ReconnectMax = TimeSpan.FromMilliseconds(200),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task A_link_reports_up_down_up_once_each_as_its_broker_goes_and_returns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var path = new UplinkPath(PathRole.Primary, MqttEndpoint.Parse(broker.Url), LinkSecurity.LoopbackDemo);
        var boot = new CareEventFactory("health-1", TimeProvider.System, new FixedClockSyncStatus(true));
        var link = new PathLink(
            path, path.Security.Load(path.Endpoint), "health-1", dual: false, boot, Fast, _logs.Logger, TimeProvider.System,
            _ => true, _ => Task.FromResult("{}"u8.ToArray()), _ => { });
        var reports = new ConcurrentQueue<(PathHealth Health, string? Reason)>();
        link.HealthChanged += (l, health, reason) =>
        {
            Assert.Same(link, l);
            Assert.Equal(health, l.Health); // the link changed its own health before it reported it
            reports.Enqueue((health, reason));
        };
        Assert.Equal(PathHealth.Unknown, link.Health);

        using var stop = new CancellationTokenSource();
        var supervise = link.SuperviseAsync(stop.Token);
        await Eventually.UntilAsync(() => link.Health == PathHealth.Up, Patience, () => $"health {link.Health}, last error {link.LastError}");

        await broker.StopAsync();
        await Eventually.UntilAsync(() => link.Health == PathHealth.Down, Patience, () => $"health {link.Health}");

        // Failed reconnects while the broker is away keep it down without reporting "down" again.
        await Eventually.UntilAsync(() => link.Attempts >= 4, Patience, () => $"{link.Attempts} attempts");
        await broker.RestartAsync();
        await Eventually.UntilAsync(() => link.Health == PathHealth.Up, Patience, () => $"health {link.Health}, last error {link.LastError}");

        await stop.CancelAsync();
        try
        {
            await supervise;
        }
        catch (OperationCanceledException)
        {
            // Stopping mid-wait ends the supervisor with the token's cancellation, as ReliableUplink.RunAsync expects.
        }

        await link.GoodbyeAsync(CancellationToken.None);

        var seen = reports.ToArray();
        Assert.Equal([PathHealth.Up, PathHealth.Down, PathHealth.Up], seen.Select(r => r.Health));
        Assert.Null(seen[0].Reason);
        Assert.False(string.IsNullOrWhiteSpace(seen[1].Reason));
        Assert.Null(seen[2].Reason);
    }
}
