using System.Device.I2c;
using EdgeGateway.Core.Power;
using Iot.Device.PiJuiceDevice;
using Iot.Device.PiJuiceDevice.Models;
using UnitsNet;

namespace EdgeGateway.Devices.Power;

/// <summary>A PiJuice HAT through the Iot.Device.Bindings driver: power inputs, charge level, battery voltage, current and temperature.</summary>
public sealed class PiJuicePowerSource : IPowerSource
{
    private readonly PiJuice _piJuice;
    private readonly PiJuiceStatus _status;
    private readonly int _address;

    /// <summary>Opens the PiJuice on <paramref name="device"/> (the binding reads its firmware version first).</summary>
    public PiJuicePowerSource(I2cDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _address = device.ConnectionSettings.DeviceAddress;
        _piJuice = new PiJuice(device, shouldDispose: true);
        _status = new PiJuiceStatus(_piJuice);
    }

    /// <inheritdoc />
    public string Description => $"PiJuice at 0x{_address:X2} (firmware {_piJuice.PiJuiceInfo.FirmwareVersion})";

    /// <inheritdoc />
    public PowerStatus Read()
    {
        try
        {
            var status = _status.GetStatus();

            // Mains reaches a PiJuice on its own micro-USB input or through the Pi's 5 V (GPIO/USB); weak still carries the Pi.
            var mains = status.PowerInput is PowerInState.Present or PowerInState.Weak
                || status.PowerInput5VoltInput is PowerInState.Present or PowerInState.Weak;
            var battery = status.Battery == BatteryState.NotPresent ? BatteryCondition.Missing
                : status.IsFault ? BatteryCondition.Fault
                : BatteryCondition.Normal;
            var current = _status.GetBatteryCurrent();

            // Firmwares differ in the sign of the battery current; on battery the pack is being drained, whatever the sign.
            if (!mains)
            {
                current = -current.Abs();
            }

            return new PowerStatus(
                mains ? PowerSupply.Mains : PowerSupply.Battery,
                battery,
                Ratio.FromPercent(_status.GetChargeLevel()),
                _status.GetBatteryVoltage(),
                current,
                _status.GetBatteryTemperature(),
                battery == BatteryCondition.Fault ? "the PiJuice reports a fault" : null);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return PowerStatus.Unreadable($"PiJuice at 0x{_address:X2} does not answer: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _piJuice.Dispose();
}
