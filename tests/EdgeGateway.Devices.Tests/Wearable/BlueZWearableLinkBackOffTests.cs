using EdgeGateway.Devices.Wearable;
using EdgeGateway.TestSupport;
using EdgeGateway.TestSupport.BlueZ;

namespace EdgeGateway.Devices.Tests.Wearable;

/// <summary>The link's retry timing on a fake clock, and what a slow consumer costs.</summary>
[Trait("Category", "Integration")]
public sealed class BlueZWearableLinkBackOffTests
{
    [Fact]
    public async Task Attempts_back_off_from_1_s_doubling_to_30_s_on_the_injected_clock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var nowhere = $"unix:path={Path.Combine(Path.GetTempPath(), $"no-bus-{Guid.NewGuid():N}")}";
        await using var link = new BlueZWearableLink(new WearableLinkOptions { Address = "F1:E2:D3:C4:B5:A6", BusAddress = nowhere }, time);
        link.Start();
        var bound = TimeSpan.FromSeconds(10);
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.BlueZMissing, bound, () => link.Status.ToString());

        // The waits between attempts: 1, 2, 4, 8, 16, then 30 s (capped), 30 s.
        long attempts = 1;
        foreach (var wait in new[] { 1, 2, 4, 8, 16, 30, 30 })
        {
            await Task.Delay(50);
            time.Advance(TimeSpan.FromSeconds(wait) - TimeSpan.FromMilliseconds(1));
            await Task.Delay(100);
            Assert.Equal(attempts, link.Attempts);
            time.Advance(TimeSpan.FromMilliseconds(1));
            attempts++;
            await Eventually.UntilAsync(() => link.Attempts == attempts, bound, () => $"after a {wait} s wait: {link.Attempts} attempts");
        }
    }

    [Fact]
    public async Task A_consumer_that_falls_behind_loses_the_oldest_samples_counted_never_stalls_the_bus()
    {
        await using var bluez = await BlueZMock.StartAsync();
        var wearable = await bluez.AddWearableAsync("F1:E2:D3:C4:B5:A6", new WearableGatt());
        await using var link = new BlueZWearableLink(new WearableLinkOptions { Address = "F1:E2:D3:C4:B5:A6", BusAddress = bluez.BusAddress, SampleQueueCapacity = 6 }, TimeProvider.System);
        link.Start();
        var bound = TimeSpan.FromSeconds(15);
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.Connected, bound, () => link.Status.ToString());

        // Nobody reads while 10 packets (30 samples) arrive: the queue keeps the newest 6 and counts 24 dropped.
        await wearable.NotifySamplesAsync([.. Enumerable.Range(0, 10).Select(s => WearableStreamTests.Packet((ushort)s).ToBytes())]);
        await Eventually.UntilAsync(() => link.Stream.SamplesDelivered == 30, bound);
        Assert.Equal(24, link.DroppedSamples);

        // The help button still gets through at once: the D-Bus loop was never held up.
        await wearable.NotifyEventsAsync(new WearableEvent(WearableEventType.Help, 1).ToBytes());
        using var cts = new CancellationTokenSource(bound);
        var notice = await link.Notices.ReadAsync(cts.Token);
        while (notice.Kind != WearableNoticeKind.Help)
        {
            notice = await link.Notices.ReadAsync(cts.Token);
        }

        var kept = new List<int>();
        while (link.Samples.TryRead(out var s))
        {
            kept.Add((int)Math.Round(s.XG * 1000));
        }

        Assert.Equal([24, 25, 26, 27, 28, 29], kept);
    }
}
