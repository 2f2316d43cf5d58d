using System.Buffers.Binary;

namespace EdgeGateway.Devices.Wearable;

/// <summary>Control op 1: <c>u8 1, u16 fromSeq, u16 count</c> asks the wearable to notify those packets again from its ring.</summary>
/// <param name="FromSeq">The first missing packet's sequence number.</param>
/// <param name="Count">How many consecutive packets (at most the ring's <see cref="WearableProtocol.RingPackets"/>).</param>
public readonly record struct ResendRequest(ushort FromSeq, ushort Count)
{
    /// <summary>The length of the request on the control characteristic.</summary>
    public const int Length = 5;

    /// <summary>The 5 bytes written to the control characteristic.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        bytes[0] = WearableProtocol.OpResend;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1), FromSeq);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(3), Count);
        return bytes;
    }

    /// <summary>Reads a control write back (the wearable's side, and the tests); false unless it is a 5-byte op 1.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out ResendRequest request)
    {
        if (bytes.Length != Length || bytes[0] != WearableProtocol.OpResend)
        {
            request = default;
            return false;
        }

        request = new ResendRequest(BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[3..]));
        return true;
    }
}
