using System.Buffers.Binary;

namespace EdgeGateway.Devices.Wearable;

/// <summary>One samples notification: <c>u16 seq</c>, then three samples of <c>i16 x, y, z</c> in mg, all little-endian (20 bytes).</summary>
/// <param name="Seq">The packet's sequence number (+1 per packet, wraps at 65536); it holds samples 3·seq … 3·seq+2 of the device's stream.</param>
/// <param name="First">Sample 3·seq.</param>
/// <param name="Second">Sample 3·seq+1.</param>
/// <param name="Third">Sample 3·seq+2.</param>
public readonly record struct WearablePacket(ushort Seq, WearableSample First, WearableSample Second, WearableSample Third)
{
    /// <summary>Sample <paramref name="index"/> (0–2) of the packet.</summary>
    public WearableSample this[int index] => index switch
    {
        0 => First,
        1 => Second,
        2 => Third,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "a packet holds samples 0, 1 and 2"),
    };

    /// <summary>Reads a notification; false with <see cref="WearableProblem.PacketLength"/> unless it is exactly 20 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out WearablePacket packet, out WearableProblem problem)
    {
        // Exactly 20: a shorter or longer value is another firmware or a truncated write, and guessing would feed the
        // fall detector wrong accelerations.
        if (bytes.Length != WearableProtocol.PacketLength)
        {
            packet = default;
            problem = WearableProblem.PacketLength;
            return false;
        }

        packet = new WearablePacket(BinaryPrimitives.ReadUInt16LittleEndian(bytes), ReadSample(bytes[2..]), ReadSample(bytes[8..]), ReadSample(bytes[14..]));
        problem = WearableProblem.None;
        return true;
    }

    /// <summary>The 20 bytes the wearable sends for this packet (the simulator and the tests send these).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[WearableProtocol.PacketLength];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, Seq);
        WriteSample(bytes.AsSpan(2), First);
        WriteSample(bytes.AsSpan(8), Second);
        WriteSample(bytes.AsSpan(14), Third);
        return bytes;
    }

    private static WearableSample ReadSample(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadInt16LittleEndian(b),
        BinaryPrimitives.ReadInt16LittleEndian(b[2..]),
        BinaryPrimitives.ReadInt16LittleEndian(b[4..]));

    private static void WriteSample(Span<byte> b, WearableSample s)
    {
        BinaryPrimitives.WriteInt16LittleEndian(b, s.X);
        BinaryPrimitives.WriteInt16LittleEndian(b[2..], s.Y);
        BinaryPrimitives.WriteInt16LittleEndian(b[4..], s.Z);
    }
}
