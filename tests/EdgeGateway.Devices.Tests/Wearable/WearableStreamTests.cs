using EdgeGateway.Core.Falls;
using EdgeGateway.Devices.Wearable;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.Devices.Tests.Wearable;

public class WearableStreamTests
{
    private sealed class Rig : IDisposable
    {
        public Rig(TimeSpan? resendWait = null)
        {
            Stream = new WearableStream(Time, Samples.Add, Resends.Add, resendWait);
        }

        public FakeTimeProvider Time { get; } = new();

        public List<AccelerationSample> Samples { get; } = [];

        public List<ResendRequest> Resends { get; } = [];

        public WearableStream Stream { get; }

        public void Send(params int[] seqs)
        {
            foreach (var seq in seqs)
            {
                Stream.Accept(Packet((ushort)seq));
            }
        }

        public void Dispose() => Stream.Dispose();
    }

    // Sample n of the device's stream carries n in x (mg, mod 8000), -n in y, and 1000 mg in z.
    internal static WearablePacket Packet(ushort seq)
    {
        WearableSample S(int i)
        {
            var n = (seq * 3) + i;
            return new WearableSample((short)(n % 8000), (short)-(n % 8000), 1000);
        }

        return new WearablePacket(seq, S(0), S(1), S(2));
    }

    private static List<int> Ns(IEnumerable<AccelerationSample> samples) => [.. samples.Select(s => (int)Math.Round(s.XG * 1000))];

    private static List<int> Expected(params int[] seqs) => [.. seqs.SelectMany(s => new[] { (s * 3) % 8000, ((s * 3) + 1) % 8000, ((s * 3) + 2) % 8000 })];

    [Fact]
    public void In_order_packets_become_samples_in_g_every_20_ms()
    {
        using var rig = new Rig();
        rig.Send(0, 1, 2);

        Assert.Equal(9, rig.Samples.Count);
        Assert.Equal(Expected(0, 1, 2), Ns(rig.Samples));
        Assert.All(rig.Samples, s => Assert.Equal(1.0, s.ZG, 9));
        Assert.Equal(-0.004, rig.Samples[4].YG, 9);
        for (var i = 1; i < rig.Samples.Count; i++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(20), rig.Samples[i].Timestamp - rig.Samples[i - 1].Timestamp);
        }

        Assert.Empty(rig.Resends);
    }

    [Fact]
    public void Out_of_order_packets_are_delivered_in_seq_order()
    {
        using var rig = new Rig();
        rig.Send(0, 2, 1, 4, 3);

        Assert.Equal(Expected(0, 1, 2, 3, 4), Ns(rig.Samples));
        Assert.Equal(0, rig.Stream.LostSamples);
    }

    [Fact]
    public void A_gap_asks_for_a_resend_and_the_answer_fills_it_without_loss()
    {
        using var rig = new Rig();
        rig.Send(0, 1, 5, 6);

        Assert.Equal([new ResendRequest(2, 3)], rig.Resends);
        Assert.Equal(Expected(0, 1), Ns(rig.Samples));

        rig.Time.Advance(TimeSpan.FromSeconds(1.5));
        rig.Send(2, 3, 4);

        Assert.Equal(Expected(0, 1, 2, 3, 4, 5, 6), Ns(rig.Samples));
        Assert.Equal(0, rig.Stream.LostSamples);
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, rig.Stream.LostSamples);
    }

    [Fact]
    public void A_gap_not_filled_within_its_wait_is_counted_as_lost_and_skipped()
    {
        using var rig = new Rig();
        rig.Send(0, 4, 5);
        Assert.Equal([new ResendRequest(1, 3)], rig.Resends);

        // Three packets missing: 2 s plus the wearable's catch-up pace (30 ms) for each.
        rig.Time.Advance(TimeSpan.FromMilliseconds(2089));
        Assert.Equal(Expected(0), Ns(rig.Samples));
        Assert.Equal(0, rig.Stream.LostSamples);

        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(9, rig.Stream.LostSamples);
        Assert.Equal(Expected(0, 4, 5), Ns(rig.Samples));

        // Sample time keeps the gap: the detector sees 80 ms between packet 0's last sample and packet 4's first.
        Assert.Equal(TimeSpan.FromMilliseconds(200), rig.Samples[3].Timestamp - rig.Samples[2].Timestamp);

        // A late answer is a duplicate, not a second delivery.
        rig.Send(1, 2, 3);
        Assert.Equal(3, rig.Stream.DuplicatePackets);
        Assert.Equal(9, rig.Samples.Count);
    }

    [Fact]
    public void A_partly_answered_gap_delivers_what_came_and_loses_the_rest()
    {
        using var rig = new Rig();
        rig.Send(0, 4);
        rig.Send(2);
        Assert.Equal(Expected(0), Ns(rig.Samples));

        rig.Time.Advance(TimeSpan.FromMilliseconds(2090));
        Assert.Equal(Expected(0, 2, 4), Ns(rig.Samples));
        Assert.Equal(6, rig.Stream.LostSamples);
    }

    [Fact]
    public void A_five_second_link_drop_waits_long_enough_for_the_wearable_to_resend_it_all_and_a_later_small_gap_waits_behind_it()
    {
        using var rig = new Rig();
        rig.Send(0);

        // 5 s of packets (83) missed, then the link is back: the wearable resends them at its pace, about 2.5 s.
        rig.Send(84);
        Assert.Equal([new ResendRequest(1, 83)], rig.Resends);
        rig.Send(86);
        Assert.Equal([new ResendRequest(1, 83), new ResendRequest(85, 1)], rig.Resends);
        rig.Time.Advance(TimeSpan.FromMilliseconds(4000));
        Assert.Equal(0, rig.Stream.LostSamples);
        rig.Send([.. Enumerable.Range(1, 83)]);
        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(Expected([.. Enumerable.Range(0, 85)]), Ns(rig.Samples));

        // Packet 85 opened its gap after the long one: it is not given up before the long one's deadline.
        rig.Time.Advance(TimeSpan.FromMilliseconds(580));
        Assert.Equal(3, rig.Stream.LostSamples);
        Assert.Equal(Expected([.. Enumerable.Range(0, 85), 86]), Ns(rig.Samples));
    }

    [Fact]
    public void The_sequence_wraps_at_65536_without_a_gap()
    {
        using var rig = new Rig();
        rig.Send(65534, 65535, 0, 1);

        Assert.Equal(12, rig.Samples.Count);
        Assert.Empty(rig.Resends);
        Assert.Equal(0, rig.Stream.LostSamples);
    }

    [Fact]
    public void A_gap_across_the_wrap_asks_from_the_right_seq()
    {
        using var rig = new Rig();
        rig.Send(65533, 1);

        Assert.Equal([new ResendRequest(65534, 3)], rig.Resends);
    }

    [Fact]
    public void Packets_older_than_the_ring_are_lost_at_once_and_only_the_ring_is_asked_for()
    {
        using var rig = new Rig();
        rig.Send(0, 601);

        // The ring holds 601 and the 499 before it (102…600): 1…101 are gone already, and 102…121 will be by the time the
        // device answers (RingAnswerMargin), so only 122…600 are asked for.
        Assert.Equal([new ResendRequest(122, 479)], rig.Resends);
        Assert.Equal(121 * 3, rig.Stream.LostSamples);
    }

    [Fact]
    public void A_reboot_restarts_the_sequence_without_counting_the_jump_as_loss()
    {
        using var rig = new Rig();
        rig.Send(40000, 40001);
        rig.Stream.Restart();
        rig.Send(0, 1);

        Assert.Equal(12, rig.Samples.Count);
        Assert.Empty(rig.Resends);
        Assert.Equal(0, rig.Stream.LostSamples);
        Assert.Equal(1, rig.Stream.Restarts);
        Assert.True(rig.Samples[6].Timestamp > rig.Samples[5].Timestamp);
    }

    [Fact]
    public void A_reboot_with_a_gap_open_delivers_what_is_held_and_counts_the_rest_lost()
    {
        using var rig = new Rig();
        rig.Send(10, 12);
        rig.Stream.Restart();

        Assert.Equal(Expected(10, 12), Ns(rig.Samples));
        Assert.Equal(3, rig.Stream.LostSamples);
        rig.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, rig.Stream.LostSamples);
    }

    [Fact]
    public void A_malformed_notification_is_counted_and_named_and_the_stream_continues()
    {
        using var rig = new Rig();
        rig.Send(0);
        Assert.False(rig.Stream.Accept(new byte[19]));
        rig.Send(1);

        Assert.Equal(1, rig.Stream.MalformedPackets);
        Assert.Contains("PacketLength", rig.Stream.LastProblem, StringComparison.Ordinal);
        Assert.Contains("19 bytes", rig.Stream.LastProblem, StringComparison.Ordinal);
        Assert.Equal(Expected(0, 1), Ns(rig.Samples));
    }

    [Fact]
    public void A_consumer_that_throws_does_not_stop_the_stream()
    {
        var time = new FakeTimeProvider();
        var got = 0;
        using var stream = new WearableStream(time, _ => throw new InvalidOperationException(got++.ToString(System.Globalization.CultureInfo.InvariantCulture)), _ => { });
        stream.Accept(Packet(0));
        stream.Accept(Packet(1));

        Assert.Equal(6, got);
        Assert.Equal(6, stream.SamplesDelivered);
    }
}
