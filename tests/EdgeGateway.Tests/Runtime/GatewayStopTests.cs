using EdgeGateway.Composition;
using EdgeGateway.Configuration;
using EdgeGateway.Demo;
using EdgeGateway.TestSupport;
using EdgeGateway.Uplink.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Tests.Runtime;

/// <summary>Stopping the gateway (shutdown, or a rebuild for a new config) keeps every event the loop has produced.</summary>
public sealed class GatewayStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-stop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Events_raised_right_before_a_stop_are_all_in_the_outbox_afterwards()
    {
        var config = SimulatedHome.Config(TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"), _dir);

        // Nothing listens on port 1: every event stays in the outbox, so its depth counts them all.
        config.Uplink = new UplinkConfig { Broker = "mqtt://127.0.0.1:1", PlainLoopbackDemo = true };
        var gateway = new GatewayBuilder(new Core.Time.FixedClockSyncStatus(true), NullLoggerFactory.Instance, TimeProvider.System).Build(config, _dir);
        await gateway.StartAsync(CancellationToken.None);
        var raised = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            raised.Add(await gateway.Home.Loop.RaiseTestAlarmAsync($"burst {i}"));
        }

        await gateway.DisposeAsync();

        await using var outbox = SqliteOutbox.Open(new OutboxOptions { DataDirectory = _dir }, gateway.Home.Events, TimeProvider.System, NullLogger.Instance);
        var stored = new HashSet<Guid>();
        foreach (var e in await outbox.PendingAsync(10_000))
        {
            stored.Add(e.Id);
        }

        Assert.All(raised, id => Assert.Contains(id, stored));
    }
}
