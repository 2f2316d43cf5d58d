using System.Diagnostics;
using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;
using EdgeGateway.TestSupport;
using EdgeGateway.TestSupport.BlueZ;

namespace EdgeGateway.Devices.Tests.Wearable;

/// <summary>The link against BlueZ's D-Bus API as python3-dbusmock's bluez5 template serves it on a private bus: no radio.</summary>
[Trait("Category", "Integration")]
public sealed class BlueZWearableLinkTests : IAsyncLifetime
{
    private const string Address = "F1:E2:D3:C4:B5:A6";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private BlueZMock _bluez = null!;

    public async Task InitializeAsync() => _bluez = await BlueZMock.StartAsync();

    public async Task DisposeAsync() => await _bluez.DisposeAsync();

    private BlueZWearableLink NewLink(string? busAddress = null) =>
        new(new WearableLinkOptions { Address = Address, BusAddress = busAddress ?? _bluez.BusAddress, SampleQueueCapacity = 2000 }, TimeProvider.System);

    private async Task<(BlueZWearableLink Link, MockWearable Wearable)> ConnectedAsync()
    {
        var wearable = await _bluez.AddWearableAsync(Address, new WearableGatt());
        var link = NewLink();
        link.Start();
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.Connected, Bound, () => $"{link.Status}; mock log: {_bluez.Log}");
        return (link, wearable);
    }

    private static byte[] Packet(int seq) => WearableStreamTests.Packet((ushort)seq).ToBytes();

    private static async Task<List<AccelerationSample>> ReadAsync(BlueZWearableLink link, int count)
    {
        var got = new List<AccelerationSample>();
        using var cts = new CancellationTokenSource(Bound);
        while (got.Count < count)
        {
            got.Add(await link.Samples.ReadAsync(cts.Token));
        }

        return got;
    }

    private static int Mg(double g) => (int)Math.Round(g * 1000);

    [Fact]
    public async Task Connects_turns_notifications_on_and_streams_10_s_at_50_Hz_in_order_with_the_right_values()
    {
        var (link, wearable) = await ConnectedAsync();
        await using var _ = link;
        Assert.Equal(1, await wearable.ConnectCallsAsync());
        Assert.Equal(1, await wearable.StartNotifyCallsAsync(wearable.SamplesPath!));
        Assert.Equal(1, await wearable.StartNotifyCallsAsync(wearable.EventsPath!));
        Assert.Equal(1, await wearable.StartNotifyCallsAsync(wearable.BatteryPath!));

        // 10 s of the device's stream as it sends it, a packet every 60 ms, across the sequence wrap at 65536.
        const int first = 65450;
        const int packets = 167;
        var reading = ReadAsync(link, packets * 3);
        using (var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(60)))
        {
            for (var i = 0; i < packets; i++)
            {
                await wearable.NotifySamplesAsync(Packet((first + i) % 65536));
                await tick.WaitForNextTickAsync();
            }
        }

        var samples = await reading;
        for (var k = 0; k < samples.Count; k++)
        {
            var n = ((((first + (k / 3)) % 65536) * 3) + (k % 3)) % 8000;
            Assert.Equal(n, Mg(samples[k].XG));
            Assert.Equal(-n, Mg(samples[k].YG));
            Assert.Equal(1000, Mg(samples[k].ZG));
            if (k > 0)
            {
                Assert.Equal(TimeSpan.FromMilliseconds(20), samples[k].Timestamp - samples[k - 1].Timestamp);
            }
        }

        Assert.Equal(0, link.Stream.LostSamples);
        Assert.Equal(0, link.DroppedSamples);
        Assert.Empty(await wearable.ControlWritesAsync());
    }

    [Fact]
    public async Task Three_dropped_packets_are_asked_for_on_the_control_characteristic_and_the_answer_leaves_no_loss()
    {
        var (link, wearable) = await ConnectedAsync();
        await using var _ = link;
        await wearable.NotifySamplesAsync([.. Enumerable.Range(0, 10).Select(Packet)]);
        await wearable.NotifySamplesAsync([.. Enumerable.Range(13, 8).Select(Packet)]);

        await Eventually.UntilAsync(() => wearable.ControlWritesAsync().Result.Count > 0, Bound);
        var writes = await wearable.ControlWritesAsync();
        Assert.Single(writes);
        Assert.True(ResendRequest.TryParse(writes[0], out var request));
        Assert.Equal(new ResendRequest(10, 3), request);

        // The wearable answers from its ring.
        await wearable.NotifySamplesAsync([.. Enumerable.Range(10, 3).Select(Packet)]);
        var samples = await ReadAsync(link, 21 * 3);
        Assert.Equal(Enumerable.Range(0, 63).ToList(), samples.Select(s => Mg(s.XG)).ToList());
        Assert.Equal(0, link.Stream.LostSamples);
    }

    [Fact]
    public async Task Three_dropped_packets_not_resent_are_counted_as_lost_after_2_s_and_the_stream_goes_on()
    {
        var (link, wearable) = await ConnectedAsync();
        await using var _ = link;
        await wearable.NotifySamplesAsync([.. Enumerable.Range(0, 10).Select(Packet)]);
        var clock = Stopwatch.StartNew();
        await wearable.NotifySamplesAsync([.. Enumerable.Range(13, 8).Select(Packet)]);
        Assert.Equal(30, (await ReadAsync(link, 30)).Count);

        await Eventually.UntilAsync(() => wearable.ControlWritesAsync().Result.Count > 0, Bound);
        Assert.Equal(0, link.Stream.LostSamples);

        var after = await ReadAsync(link, 24);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"the gap was given up after {clock.Elapsed}, before its 2 s");
        Assert.Equal(9, link.Stream.LostSamples);
        Assert.Equal(39, Mg(after[0].XG));
    }

    [Fact]
    public async Task A_disconnected_wearable_is_connected_again_and_streams_again()
    {
        var (link, wearable) = await ConnectedAsync();
        await using var _ = link;
        await wearable.NotifySamplesAsync(Packet(0));
        await ReadAsync(link, 3);

        await wearable.DisconnectAsync();
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.Searching, Bound, () => link.Status.ToString());
        Assert.Contains("disconnected", link.Status.Reason, StringComparison.Ordinal);

        // Back-off starts at 1 s after a connection that worked.
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.Connected, Bound, () => link.Status.ToString());
        Assert.Equal(2, await wearable.ConnectCallsAsync());
        Assert.Equal(2, link.Connections);

        await wearable.NotifySamplesAsync(Packet(1));
        var samples = await ReadAsync(link, 3);
        Assert.Equal(3, Mg(samples[0].XG));
        Assert.Equal(0, link.Stream.LostSamples);
    }

    [Fact]
    public async Task BlueZ_not_on_the_bus_is_a_named_status_not_an_exception()
    {
        _bluez.KillBlueZ();
        await using var link = NewLink();
        link.Start();

        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.BlueZMissing, Bound, () => link.Status.ToString());
        Assert.Contains("bluetoothd", link.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_bus_at_all_is_a_named_status_not_an_exception()
    {
        var nowhere = $"unix:path={Path.Combine(Path.GetTempPath(), $"no-bus-{Guid.NewGuid():N}")}";
        await using var link = NewLink(nowhere);
        link.Start();

        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.BlueZMissing, Bound, () => link.Status.ToString());
        Assert.Contains(nowhere, link.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlueZ_going_away_while_connected_is_seen_and_reported()
    {
        var (link, _) = await ConnectedAsync();
        await using var __ = link;

        _bluez.KillBlueZ();
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.BlueZMissing, Bound, () => link.Status.ToString());
    }

    [Fact]
    public async Task An_unknown_address_is_not_found_and_named()
    {
        await _bluez.AddWearableAsync("00:11:22:33:44:55", new WearableGatt());
        await using var link = NewLink();
        link.Start();

        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.NotFound, Bound, () => link.Status.ToString());
        Assert.Contains(Address, link.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_without_the_wearable_service_is_not_found_and_named()
    {
        await _bluez.AddWearableAsync(Address, new WearableGatt { WithService = false });
        await using var link = NewLink();
        link.Start();

        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.NotFound, Bound, () => link.Status.ToString());
        Assert.Contains("not an EdgeGateway wearable", link.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_packet_is_counted_and_named_and_the_stream_continues()
    {
        var (link, wearable) = await ConnectedAsync();
        await using var _ = link;
        await wearable.NotifySamplesAsync(Packet(0), new byte[19], Packet(1));

        var samples = await ReadAsync(link, 6);
        Assert.Equal([0, 1, 2, 3, 4, 5], samples.Select(s => Mg(s.XG)));
        Assert.Equal(1, link.Stream.MalformedPackets);
        Assert.Contains("19 bytes", link.Stream.LastProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_battery_and_reboot_are_surfaced_and_a_reboot_restarts_the_sequence()
    {
        var (link, wearable) = await ConnectedAsync();
        await using var _ = link;
        await wearable.NotifySamplesAsync(Packet(4000));
        await ReadAsync(link, 3);

        // One press, sent three times by the wearable (its BLE stack may drop one silently): one help notice.
        for (var i = 0; i < 3; i++)
        {
            await wearable.NotifyEventsAsync(new WearableEvent(WearableEventType.Help, 7).ToBytes());
        }

        await wearable.NotifyBatteryAsync(83);
        await wearable.NotifyEventsAsync(new WearableEvent(WearableEventType.Reboot, 0).ToBytes());
        await wearable.NotifySamplesAsync(Packet(0));

        var notices = new List<WearableNotice>();
        using var cts = new CancellationTokenSource(Bound);
        while (!notices.Any(n => n.Kind == WearableNoticeKind.Reboot))
        {
            notices.Add(await link.Notices.ReadAsync(cts.Token));
        }

        Assert.Single(notices, n => n is { Kind: WearableNoticeKind.Help, Value: 7 });
        Assert.Contains(notices, n => n is { Kind: WearableNoticeKind.Battery, Value: 83 });
        Assert.Equal(83, link.BatteryPercent);
        var samples = await ReadAsync(link, 3);
        Assert.Equal(0, Mg(samples[0].XG));
        Assert.Equal(0, link.Stream.LostSamples);
        Assert.Empty(await wearable.ControlWritesAsync());
    }
}
