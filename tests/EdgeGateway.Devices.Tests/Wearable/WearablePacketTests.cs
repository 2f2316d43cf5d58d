using EdgeGateway.Devices.Wearable;

namespace EdgeGateway.Devices.Tests.Wearable;

public class WearablePacketTests
{
    [Fact]
    public void Reads_seq_and_three_samples_little_endian_in_mg()
    {
        // seq 0x1234; samples (1000, -1, 8000), (-8000, 0, 1), (256, -256, 32767)
        byte[] bytes =
        [
            0x34, 0x12,
            0xE8, 0x03, 0xFF, 0xFF, 0x40, 0x1F,
            0xC0, 0xE0, 0x00, 0x00, 0x01, 0x00,
            0x00, 0x01, 0x00, 0xFF, 0xFF, 0x7F,
        ];

        Assert.True(WearablePacket.TryParse(bytes, out var packet, out var problem));
        Assert.Equal(WearableProblem.None, problem);
        Assert.Equal(0x1234, packet.Seq);
        Assert.Equal(new WearableSample(1000, -1, 8000), packet[0]);
        Assert.Equal(new WearableSample(-8000, 0, 1), packet[1]);
        Assert.Equal(new WearableSample(256, -256, 32767), packet[2]);
        Assert.Equal(bytes, packet.ToBytes());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(21)]
    public void Refuses_anything_but_20_bytes_by_name(int length)
    {
        Assert.False(WearablePacket.TryParse(new byte[length], out _, out var problem));
        Assert.Equal(WearableProblem.PacketLength, problem);
    }

    [Fact]
    public void Events_are_type_then_counter()
    {
        Assert.True(WearableEvent.TryParse([1, 0x05, 0x01], out var help, out _));
        Assert.Equal(new WearableEvent(WearableEventType.Help, 0x0105), help);
        Assert.True(WearableEvent.TryParse([2, 0, 0], out var reboot, out _));
        Assert.Equal(WearableEventType.Reboot, reboot.Type);
        Assert.False(WearableEvent.TryParse([3, 0, 0], out _, out var unknown));
        Assert.Equal(WearableProblem.EventType, unknown);
        Assert.False(WearableEvent.TryParse([1, 0], out _, out var shortEvent));
        Assert.Equal(WearableProblem.EventLength, shortEvent);
    }

    [Fact]
    public void A_resend_request_is_op_1_then_from_seq_then_count()
    {
        Assert.Equal(new byte[] { 1, 0xFE, 0xFF, 0x03, 0x00 }, new ResendRequest(65534, 3).ToBytes());
        Assert.True(ResendRequest.TryParse([1, 10, 0, 3, 0], out var request));
        Assert.Equal(new ResendRequest(10, 3), request);
        Assert.False(ResendRequest.TryParse([2, 10, 0, 3, 0], out _));
    }
}
