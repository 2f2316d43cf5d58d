using EdgeGateway.Composition;
using EdgeGateway.Contract;
using EdgeGateway.Core.Events;
using EdgeGateway.Platform;
using EdgeGateway.Uplink.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Tests.Composition;

/// <summary><c>run</c> without <c>--config</c> and <c>loadgen</c> stamp their events with the system's real clock sync.</summary>
public sealed class DeliveryOnlyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-uplink-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_default_clock_sync_is_the_systems_real_one()
    {
        var options = Options();

        Assert.IsType<LinuxClockSyncStatus>(options.ClockSync);
    }

    [Fact]
    public async Task Events_follow_the_clock_sync_marker_as_it_comes_and_goes()
    {
        // The real Linux status on a marker file of the test's own (timesyncd's marker, without asking the kernel).
        var marker = Path.Combine(_dir, "synchronized");
        await File.WriteAllTextAsync(marker, "");
        var clock = new LinuxClockSyncStatus(TimeProvider.System, marker, askKernel: false, recheck: TimeSpan.Zero);

        var options = Options() with { ClockSync = clock };
        await using var gateway = new GatewayBuilder(options.ClockSync, NullLoggerFactory.Instance, TimeProvider.System).BuildDeliveryOnly(options);
        var synced = gateway.Factory.Create(CareEventKind.TestAlarm, "loadgen", "synced", new Dictionary<string, string>());
        File.Delete(marker);
        var unsynced = gateway.Factory.Create(CareEventKind.TestAlarm, "loadgen", "lost sync", new Dictionary<string, string>());

        Assert.True(synced.Time.ClockSynchronised);
        Assert.False(unsynced.Time.ClockSynchronised);
    }

    // Nothing listens on port 1: the test reads what the uplink stamps, it never delivers.
    private UplinkCliOptions Options() => new(MqttEndpoint.Parse("mqtt://127.0.0.1:1"), _dir, "uplink-test", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5))
    {
        Security = LinkSecurity.LoopbackDemo,
    };
}
