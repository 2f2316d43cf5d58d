using System.Device.I2c;
using EdgeGateway.Devices.Accelerometers;
using EdgeGateway.Devices.Accelerometers.Adxl345;
using EdgeGateway.Devices.Accelerometers.Mpu6050;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Simulated;

namespace EdgeGateway.Runtime;

/// <summary>The accelerometer chips a config may name, each with its driver and its register-level simulation: the one place a chip name is read.</summary>
internal static class AccelerometerChips
{
    private static readonly Chip AdxlChip = new(
        (device, hz) => new Adxl345(device, hz),
        (time, address) => new SimulatedAdxl345(time, AccelerationTrace.AtRest(), address));

    private static readonly Chip MpuChip = new(
        (device, hz) => new Mpu6050(device, hz),
        (time, address) => new SimulatedMpu6050(time, AccelerationTrace.AtRest(), address));

    // The spellings DevicesConfig accepts; a name it accepts must never fall through to another chip's driver.
    private static readonly Dictionary<string, Chip> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ADXL345"] = AdxlChip,
        ["MPU6050"] = MpuChip,
        ["MPU-6050"] = MpuChip,
    };

    /// <summary>The chip <paramref name="config"/> names; a name no driver knows is refused, naming it.</summary>
    public static Chip Find(AccelerometerConfig config) =>
        config.Chip is { } name && ByName.TryGetValue(name, out var chip)
            ? chip
            : throw new ArgumentException($"accelerometer {config.SensorId}: unknown chip '{config.Chip}'; expected {string.Join(" or ", ByName.Keys)}", nameof(config));

    /// <summary>A chip's driver over an I2C device, and its simulated twin at an address.</summary>
    internal sealed record Chip(Func<I2cDevice, double, IAccelerometerChip> Driver, Func<TimeProvider, int, SimulatedI2cRegisterDevice> Simulated);
}
