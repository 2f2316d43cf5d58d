namespace EdgeGateway.Devices.Wearable;

/// <summary>One accelerometer sample as the wearable sends it: three axes in milli-g (1 mg per LSB, ±8000 at ±8 g).</summary>
/// <param name="X">The x axis in mg.</param>
/// <param name="Y">The y axis in mg.</param>
/// <param name="Z">The z axis in mg.</param>
public readonly record struct WearableSample(short X, short Y, short Z);
