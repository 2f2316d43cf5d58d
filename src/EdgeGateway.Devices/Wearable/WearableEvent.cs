using System.Buffers.Binary;

namespace EdgeGateway.Devices.Wearable;

/// <summary>One events notification: <c>u8 type, u16 counter</c> (counter +1 per event, wraps), little-endian.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Counter">The device's event counter, so a repeated notification is recognised.</param>
public readonly record struct WearableEvent(WearableEventType Type, ushort Counter)
{
    /// <summary>Reads a notification; false with the problem when it is not 3 bytes or of an unknown type.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out WearableEvent value, out WearableProblem problem)
    {
        value = default;
        if (bytes.Length != WearableProtocol.EventLength)
        {
            problem = WearableProblem.EventLength;
            return false;
        }

        var type = (WearableEventType)bytes[0];
        if (type is not (WearableEventType.Help or WearableEventType.Reboot))
        {
            problem = WearableProblem.EventType;
            return false;
        }

        value = new WearableEvent(type, BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]));
        problem = WearableProblem.None;
        return true;
    }

    /// <summary>The 3 bytes the wearable sends for this event.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[WearableProtocol.EventLength];
        bytes[0] = (byte)Type;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(1), Counter);
        return bytes;
    }
}
