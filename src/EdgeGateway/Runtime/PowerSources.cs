using System.Device.Gpio;
using System.Device.I2c;
using EdgeGateway.Core.Power;
using EdgeGateway.Devices.Configuration;
using EdgeGateway.Devices.Power;

namespace EdgeGateway.Runtime;

/// <summary>The power sources a config may name: the one place <c>devices.power.source</c> is read.</summary>
internal static class PowerSources
{
    /// <summary>Opens the source <paramref name="config"/> names, on <paramref name="gpio"/> or over <paramref name="board"/> (else the Pi's I2C bus).</summary>
    public static IPowerSource Open(PowerConfig config, GpioController gpio, I2cDevice? board) => config.Source switch
    {
        "dc-ups" => new DcUpsSignals(gpio, config.ToWiring()),
        "ina219" => new Ina219UpsHat(board ?? I2cDevice.Create(new I2cConnectionSettings(config.Bus, config.EffectiveAddress)), config.ToIna219()),
        "pijuice" => new PiJuicePowerSource(board ?? I2cDevice.Create(new I2cConnectionSettings(config.Bus, config.EffectiveAddress))),
        _ => throw new ArgumentException($"devices.power.source: unknown power source '{config.Source}'; expected one of {string.Join(", ", PowerConfig.Sources)}", nameof(config)),
    };
}
