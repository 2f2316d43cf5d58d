using System.Diagnostics;
using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;
using EdgeGateway.TestSupport;
using EdgeGateway.TestSupport.BlueZ;
using Xunit.Abstractions;

namespace EdgeGateway.Devices.Tests.Wearable;

/// <summary>
/// Link drops through the real D-Bus path: a SisFall fall played by <see cref="MockWearableDevice"/> (the JS's packets,
/// ring and resends) over python3-dbusmock's BlueZ → <see cref="BlueZWearableLink"/> → a fall detector at 50 Hz.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BlueZWearableLinkDropTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Address = "F1:E2:D3:C4:B5:A6";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private BlueZMock _bluez = null!;

    public async Task InitializeAsync() => _bluez = await BlueZMock.StartAsync();

    public async Task DisposeAsync() => await _bluez.DisposeAsync();

    private async Task<(BlueZWearableLink Link, MockWearableDevice Device)> ConnectedAsync(IReadOnlyList<WearableSample> samples, int resendsPerSlot = 2)
    {
        var wearable = await _bluez.AddWearableAsync(Address, new WearableGatt());

        // Room for a whole catch-up burst: this test is about the stream, not the consumer's queue.
        var link = new BlueZWearableLink(new WearableLinkOptions { Address = Address, BusAddress = _bluez.BusAddress, SampleQueueCapacity = 5000 }, TimeProvider.System);
        link.Start();
        await Eventually.UntilAsync(() => link.Status.State == WearableLinkState.Connected, Bound, () => $"{link.Status}; mock log: {_bluez.Log}");
        var device = new MockWearableDevice(wearable, samples) { ResendsPerSlot = resendsPerSlot };
        await device.AttachAsync();
        return (link, device);
    }

    private static int Mg(double g) => (int)Math.Round(g * 1000);

    private static void AssertSameSamples(IReadOnlyList<WearableSample> sent, IReadOnlyList<AccelerationSample> got)
    {
        Assert.Equal(sent.Count, got.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            Assert.True(
                sent[i].X == Mg(got[i].XG) && sent[i].Y == Mg(got[i].YG) && sent[i].Z == Mg(got[i].ZG),
                $"sample {i}: sent {sent[i]}, delivered ({Mg(got[i].XG)}, {Mg(got[i].YG)}, {Mg(got[i].ZG)})");
            if (i > 0)
            {
                Assert.Equal(WearableProtocol.SamplePeriod, got[i].Timestamp - got[i - 1].Timestamp);
            }
        }
    }

    [Fact]
    public async Task A_fall_streamed_at_50_Hz_through_BlueZ_is_detected_at_the_same_sample_as_offline()
    {
        var samples = WearableRecording.Load(WearableRecording.ForwardFall);
        var decides = WearableRecording.DetectionIndex(samples);
        Assert.True(decides > 0, "the recording's fall is not detected offline");
        var (link, device) = await ConnectedAsync(samples);
        await using var _ = link;
        await using var consumer = Consumer.Start(link);

        // Up to a second past the deciding sample's packet, at the device's pace.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await device.StreamAsync((decides / 3) + 1 + 17, cts.Token);
        await consumer.WaitForAsync(device.Produced * 3, Bound);

        output.WriteLine($"sent {device.Produced * 3} samples in {device.LiveSent} packets; delivered {link.Stream.SamplesDelivered}; lost {link.Stream.LostSamples}; fall decided at sample {consumer.DetectedAt} (offline {decides})");
        Assert.Equal(decides, consumer.DetectedAt);
        Assert.Equal(0, link.Stream.LostSamples);
        Assert.Equal(0, link.DroppedSamples);
        AssertSameSamples(samples[..(int)(device.Produced * 3)], consumer.Samples);
    }

    [Fact]
    public async Task A_5_s_drop_before_the_fall_is_filled_from_the_ring_no_sample_lost_and_the_fall_detected()
    {
        // 10 s standing, then the recording: the drop (and the link's back-off after it) ends before the impact.
        var samples = WearableRecording.Load(WearableRecording.ForwardFall, standingSeconds: 10);
        var decides = WearableRecording.DetectionIndex(samples);
        Assert.True(decides > 500, $"the fall should be decided after the standing part, not at {decides}");
        var (link, device) = await ConnectedAsync(samples);
        await using var _ = link;
        await using var consumer = Consumer.Start(link);

        const int DropAtSlot = 17; // 1 s into the stream
        var outOfRange = (int)(TimeSpan.FromSeconds(5) / MockWearableDevice.SlotInterval);
        var clock = new Stopwatch();
        TimeSpan? down = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await device.StreamAsync((decides / 3) + 1 + 17, cts.Token, async slot =>
        {
            if (slot == DropAtSlot)
            {
                await device.DisconnectAsync(outOfRange: true);
                clock.Start();
            }
            else if (slot == DropAtSlot + outOfRange)
            {
                await device.InRangeAsync();
            }
            else if (down is null && clock.IsRunning && device.Connected)
            {
                down = clock.Elapsed;
            }
        });
        await device.DrainResendsAsync(Bound, cts.Token);
        await consumer.WaitForAsync(device.Produced * 3, Bound);

        var sent = device.Produced * 3;
        output.WriteLine($"wearable out of range 5 s; link down {down?.TotalSeconds:0.0} s (back-off 1 + 2 + 4 s); resend requests {string.Join(", ", device.Requests)}; packets resent {device.Resent}, skipped {device.ResendSkipped}");
        output.WriteLine($"sent {sent} samples; delivered {link.Stream.SamplesDelivered}; lost {link.Stream.LostSamples}; duplicates {link.Stream.DuplicatePackets}; fall decided at sample {consumer.DetectedAt} (offline {decides})");
        Assert.NotNull(down);
        Assert.True(down > TimeSpan.FromSeconds(5), $"the link was back after {down}, inside the 5 s out of range");
        Assert.Equal(2, link.Connections);
        Assert.Equal(0, link.Stream.LostSamples);
        Assert.Equal(sent, link.Stream.SamplesDelivered);
        Assert.Equal(0, link.DroppedSamples);
        Assert.Equal(0, device.ResendSkipped);
        Assert.NotEmpty(device.Requests);
        AssertSameSamples(samples[..(int)sent], consumer.Samples);
        Assert.Equal(decides, consumer.DetectedAt);
    }

    [Fact]
    public async Task A_60_s_drop_loses_exactly_the_samples_older_than_the_ring_and_delivers_the_rest_in_order()
    {
        const int Before = 17;     // 1 s streamed before the drop
        const int Outage = 1000;   // 60 s of packets sampled into the ring while disconnected
        const int Ring = WearableProtocol.RingPackets;

        // Sample n carries n on x: order and loss are read off the values.
        var samples = Enumerable.Range(0, (Before + Outage + 300) * 3).Select(n => new WearableSample((short)(n % 8000), (short)-(n % 8000), 1000)).ToList();

        // Four resends per slot, twice the JS's 33/s: the 499 packets come in 7.5 s, well inside their 17 s wait even on a
        // loaded machine; the pace is not what is tested here, the ring's edge is.
        var (link, device) = await ConnectedAsync(samples, resendsPerSlot: 4);
        await using var _ = link;
        await using var consumer = Consumer.Start(link);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await device.StreamAsync(Before, cts.Token);
        await consumer.WaitForAsync(Before * 3, Bound);

        await device.DisconnectAsync(outOfRange: false);

        // The 60 s the device sampled alone, without waiting them out: the link counts by sequence number.
        device.FastForward(Outage);
        await device.WaitForSubscriptionAsync(Bound);

        // One live packet (the newest, Before + Outage) opens the gap; the device's clock waits for the request so the
        // ring's edge, and so the loss, is exact: the ring then holds packets Before + Outage − 499 … Before + Outage.
        await device.StreamAsync(1, cts.Token);
        var request = await device.WaitForResendRequestAsync(Bound);
        var firstInRing = Before + Outage - Ring + 1 + WearableProtocol.RingAnswerMargin;
        Assert.Equal(new ResendRequest((ushort)firstInRing, Ring - 1 - WearableProtocol.RingAnswerMargin), request);

        await device.StreamAsync(((Ring - 1) / 4) + 20, cts.Token);
        await device.DrainResendsAsync(Bound, cts.Token);
        var lostPackets = firstInRing - Before;
        var expected = Enumerable.Range(0, (int)device.Produced * 3).Where(n => n < Before * 3 || n >= firstInRing * 3).ToList();
        await consumer.WaitForAsync(expected.Count, Bound, () => $"produced {device.Produced}, live {device.LiveSent}, resent {device.Resent}; stream delivered {link.Stream.SamplesDelivered}, lost {link.Stream.LostSamples}, duplicates {link.Stream.DuplicatePackets}, last {Mg(consumer.Samples[^1].XG)}");

        output.WriteLine($"60 s outage = {Outage} packets; ring {Ring}; lost at once {lostPackets} packets = {lostPackets * 3} samples; resend request {request}; resent {device.Resent}, skipped {device.ResendSkipped}");
        output.WriteLine($"sent {device.Produced * 3} samples; delivered {link.Stream.SamplesDelivered}; lost {link.Stream.LostSamples}; duplicates {link.Stream.DuplicatePackets}");
        Assert.Equal(lostPackets * 3, link.Stream.LostSamples);
        Assert.Equal(1563, link.Stream.LostSamples);
        Assert.Equal(expected.Count, link.Stream.SamplesDelivered);
        Assert.Equal(0, device.ResendSkipped);
        Assert.Equal(0, link.DroppedSamples);
        Assert.Equal(expected, consumer.Samples.Select(s => Mg(s.XG)).ToList());
    }

    /// <summary>Reads the link's samples as the gateway's reader task would, into a fall detector at 50 Hz.</summary>
    private sealed class Consumer : IAsyncDisposable
    {
        private readonly List<AccelerationSample> _samples = [];
        private readonly FallDetector _detector = new(new FallDetectorOptions(), WearableProtocol.SampleRateHz);
        private readonly CancellationTokenSource _stop = new();
        private Task _reading = Task.CompletedTask;
        private int _detectedAt = -1;

        public IReadOnlyList<AccelerationSample> Samples
        {
            get
            {
                lock (_samples)
                {
                    return [.. _samples];
                }
            }
        }

        public int DetectedAt => Volatile.Read(ref _detectedAt);

        public static Consumer Start(BlueZWearableLink link)
        {
            var consumer = new Consumer();
            consumer._reading = Task.Run(() => consumer.ReadAsync(link));
            return consumer;
        }

        public Task WaitForAsync(long count, TimeSpan limit, Func<string>? context = null) =>
            Eventually.UntilAsync(() => Samples.Count >= count, limit, () => $"{Samples.Count} of {count} samples delivered; {context?.Invoke()}");

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _reading;
            _stop.Dispose();
        }

        private async Task ReadAsync(BlueZWearableLink link)
        {
            try
            {
                await foreach (var s in link.Samples.ReadAllAsync(_stop.Token))
                {
                    int index;
                    lock (_samples)
                    {
                        _samples.Add(s);
                        index = _samples.Count - 1;
                    }

                    if (_detector.Process(s, out _) && _detectedAt < 0)
                    {
                        Volatile.Write(ref _detectedAt, index);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        }
    }
}
